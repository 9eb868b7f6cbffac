"""One module per answer kind: its word lists, its patterns, its context checks and its reading.

module       slots                     pattern labels                  checks / readers
walking      walking_tolerance         walking_distance, walk_phrase   check_walking_distance / read_walking_tolerance
duration     symptom_duration_months   duration, onset                 check_duration, check_onset /
                                                                       read_symptom_duration
age          age_years                 age                             check_age / read_age
symptoms     leg_symptoms,             leg_symptom, leg_ok, back_only, check_trigger / read_leg_symptoms,
             walking_standing_trigger, trigger, trigger_neg, relief,   read_walking_standing_trigger,
             sitting_leaning_relief    relief_neg                      read_sitting_leaning_relief
treatments   conservative_care,        treatment (phrases), tx_helped, check_treatment, check_ellipsis /
             injections                tx_failed, tx_ellipsis          treatment_answers
history      prior_back_surgery,       back_surgery, surgery, imaging, check_back_surgery, check_surgery /
             imaging_stenosis,         stenosis, blood_thinner         read_prior_back_surgery,
             blood_thinners            (phrases)                       read_imaging_stenosis, read_blood_thinners
flags        red_flags, urgent_flags   red_flag, urgent_flag           check_red_flag, check_urgent_flag, old_injury /
                                       (old_injury)                    flag_mentions, read_red_flags, read_urgent_flags
replies      any question: yes / no /  (regular expressions, no spaCy) reply_polarity, interjection_polarity,
             unsure / declined                                         is_correction

The shared engine gathers them: mild_nlp.patterns (all patterns, for mild_nlp.components),
mild_nlp.context_checks (which check guards which label), mild_nlp.answers (the readers in
slot order). A word list lives with the one kind that uses it; lists that several kinds or the
engine use (leg, walking, posture and relief words, units, relatives) stay in mild_nlp.lexicon.

A kind module imports only the stage modules below it (lexicon, notation, segments, normalize,
message, labels, clock) and, one way only, another kind: age -> duration (YEAR_WORDS,
reads_as_age), treatments -> history (BLOOD_THINNERS: "pt on plavix" is the patient), and
every kind -> replies (YES / NO).
"""
