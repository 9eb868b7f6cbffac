"""Project-owned NLP: the language room. Public API: `mild_nlp.extract` (`read`, `answers_for`, `understand`).

Where to look. Each answer kind has one module in `mild_nlp/kinds/` with its word lists, its
patterns, its context checks and its reading, in that order:

    kinds/walking.py     walking_tolerance
    kinds/duration.py    symptom_duration_months (durations and onsets, "since 2019")
    kinds/age.py         age_years
    kinds/symptoms.py    leg_symptoms, walking_standing_trigger, sitting_leaning_relief
    kinds/treatments.py  conservative_care, injections
    kinds/history.py     prior_back_surgery, imaging_stenosis, blood_thinners
    kinds/flags.py       red_flags, urgent_flags (the rules' flag mentions)
    kinds/replies.py     yes / no / unsure / declined replies to any question, corrections

The shared engine runs them, stage by stage, each stage in the module named for it:

1. text in:        `numbers` and `normalize` (numbers and units as people write them -> months,
                   feet and walking buckets, ages), `segments` (sentences, clauses, span helpers),
                   `lexicon` (the word lists more than one kind uses);
2. patterns:       `notation` (the pattern notation and its compiler), `patterns` (every kind's
                   patterns gathered), run by `components` (the `mild_entities` and `mild_negation`
                   spaCy factories; `labels` names what they write on the Doc; `build` saves the
                   pipeline, `pipeline` loads it);
3. context checks: `context_checks` (which kind's check guards which label: "twice a day" is no
                   duration, "my mother had cancer" not the patient's), `negation` (NegEx scopes
                   and ConText's hypotheticals: "if I ever", "scared I'll", a flag asked about in a
                   question; run by `mild_negation`), `hedges` ("not sure", "depends");
4. readings:       `answers` (every kind's reader, in slot order: slot values for the open
                   question), each with a confidence, over `message` (one processed message as
                   the readers see it);
5. a second reader where safety needs one: `second_reader` (a learned classifier per clause, split
                   by `clauses`, over `sentence_encoder`, trained by `second_reader_training`; its
                   topic head says which flag, its context head whether the clause is the
                   patient's present problem) and `flag_union` (both readers' findings:
                   emergency, ask, or nothing).

`extract.read` runs the stages in that order, once per message (in Rasa's NLU pipeline, by
nlu_components.mild_reader); `reading_codec` carries that reading with the parsed message to the
action server, where `extract.answers_for` settles the answers for the open question and returns
an `Understanding` (`extract.understand` does both at once).
`mild_nlp.flags` and `mild_nlp.replies` only re-export names from kinds/ for the modules that
import them from there (extract, flag_union, reading_codec).
"""
