"""The decision table of the clinical spec, row by row and downgrade by downgrade."""

import pytest

from screening import triage
from screening.triage import decide

TEXTBOOK = {
    "red_flags": "no",
    "urgent_flags": "no",
    "leg_symptoms": "yes",
    "walking_standing_trigger": "yes",
    "sitting_leaning_relief": "yes",
    "walking_tolerance": "50_feet_to_2_blocks",
    "symptom_duration_months": 24,
    "age_years": 72,
    "conservative_care": "failed",
    "injections": "failed",
    "prior_back_surgery": "no",
}


def with_(**changes):
    answers = dict(TEXTBOOK)
    answers.update(changes)
    return {k: v for k, v in answers.items() if v is not None}


def codes(decision):
    return [r.code for r in decision.reasons]


def test_textbook_case_recommends_consultation_with_fit_reasons():
    d = decide(TEXTBOOK)
    assert d.outcome == "recommend_consult"
    assert codes(d) == [
        "leg_symptoms_present",
        "walking_standing_trigger",
        "sitting_leaning_relief",
        "walking_limited",
        "long_duration",
        "conservative_care_failed",
        "injections_failed",
    ]
    assert d.rules_version == "1"


def test_row1_red_flags_win_over_everything():
    d = decide(with_(red_flags="yes", urgent_flags="yes"))
    assert d.outcome == "emergency"
    assert codes(d) == ["red_flags"]
    assert d.notes == ()


def test_row1_red_flag_alone_is_enough():
    assert decide({"red_flags": "yes"}).outcome == "emergency"


def test_row2_urgent_flags():
    d = decide({"red_flags": "no", "urgent_flags": "yes"})
    assert d.outcome == "urgent_review"
    assert codes(d) == ["urgent_flags"]


@pytest.mark.parametrize(
    "change,code",
    [
        ({"leg_symptoms": "no"}, "no_leg_symptoms"),
        ({"walking_standing_trigger": "no"}, "no_walking_standing_trigger"),
        ({"sitting_leaning_relief": "no"}, "no_sitting_relief"),
        ({"walking_tolerance": "over_2_miles"}, "walks_over_2_miles"),
    ],
)
def test_row3_not_indicated(change, code):
    d = decide(with_(**change))
    assert d.outcome == "not_indicated"
    assert codes(d) == [code]


def test_row3_gate_no_settles_not_indicated_before_which_part_is_known():
    d = decide({"red_flags": "no", "urgent_flags": "no"}, gate_answer="no")
    assert d.outcome == "not_indicated"
    assert codes(d) == ["gate_no"]


def test_row3_beats_row4():
    d = decide(with_(sitting_leaning_relief="no", conservative_care="not_tried"))
    assert d.outcome == "not_indicated"


@pytest.mark.parametrize(
    "change,code",
    [
        ({"symptom_duration_months": 2}, "short_duration"),
        ({"symptom_duration_months": 1.5}, "short_duration"),
        ({"conservative_care": "not_tried"}, "conservative_care_not_tried"),
        ({"conservative_care": "helped"}, "conservative_care_helped"),
    ],
)
def test_row4_conservative_first(change, code):
    d = decide(with_(**change))
    assert d.outcome == "conservative_first"
    assert codes(d) == [code]


def test_row4_three_months_is_long_enough():
    assert decide(with_(symptom_duration_months=3)).outcome == "recommend_consult"


@pytest.mark.parametrize(
    "change,code",
    [
        ({"injections": "not_tried"}, "injections_not_tried"),
        ({"injections": "helped"}, "injections_helped"),
        ({"leg_symptoms": "unsure"}, "leg_symptoms_unsure"),
        ({"walking_standing_trigger": "unsure"}, "walking_standing_trigger_unsure"),
        ({"sitting_leaning_relief": "unsure"}, "sitting_leaning_relief_unsure"),
        ({"prior_back_surgery": "yes"}, "prior_back_surgery"),
        ({"age_years": 49}, "age_under_50"),
    ],
)
def test_row6_each_downgrade_turns_recommend_into_possible(change, code):
    d = decide(with_(**change))
    assert d.outcome == "possible_consult"
    assert code in codes(d)


def test_age_50_and_declined_do_not_downgrade():
    assert decide(with_(age_years=50)).outcome == "recommend_consult"
    assert decide(with_(age_years="declined")).outcome == "recommend_consult"


def test_row6_everything_else():
    # Neither the conservative-first nor the recommend rule: e.g. conservative care failed,
    # injections unknown is not enough; injections not tried gives possible_consult.
    d = decide(with_(injections="not_tried", prior_back_surgery="yes"))
    assert d.outcome == "possible_consult"
    assert codes(d)[-2:] == ["injections_not_tried", "prior_back_surgery"]


def test_undetermined_until_red_flags_are_answered():
    answers = dict(TEXTBOOK)
    del answers["red_flags"]
    assert decide(answers).outcome is None


def test_stops_early_when_no_later_answer_can_change_the_outcome():
    early = {
        "red_flags": "no",
        "urgent_flags": "no",
        "leg_symptoms": "yes",
        "walking_standing_trigger": "yes",
        "sitting_leaning_relief": "no",
    }
    assert decide(early).outcome == "not_indicated"
    short = {
        "red_flags": "no",
        "urgent_flags": "no",
        "leg_symptoms": "yes",
        "walking_standing_trigger": "yes",
        "sitting_leaning_relief": "yes",
        "walking_tolerance": "under_50_feet",
        "symptom_duration_months": 1,
    }
    assert decide(short).outcome == "conservative_first"


def test_undetermined_while_a_downgrade_is_still_possible():
    answers = dict(TEXTBOOK)
    del answers["prior_back_surgery"]
    assert decide(answers).outcome is None
    answers = dict(TEXTBOOK)
    del answers["age_years"]
    assert decide(answers).outcome is None


def test_possible_is_settled_once_a_downgrade_is_known_even_with_answers_missing():
    answers = dict(TEXTBOOK, injections="not_tried")
    del answers["prior_back_surgery"]
    del answers["age_years"]
    assert decide(answers).outcome == "possible_consult"


@pytest.mark.parametrize(
    "extra,expected",
    [
        ({"blood_thinners": "yes"}, ["blood_thinners", "medicare"]),
        ({"imaging_stenosis": "no"}, ["no_imaging", "medicare"]),
        ({"imaging_stenosis": "unsure", "blood_thinners": "yes", "age_years": 60}, ["blood_thinners", "no_imaging"]),
        ({"imaging_stenosis": "yes", "blood_thinners": "no", "age_years": 64}, []),
        ({"age_years": 65}, ["medicare"]),
    ],
)
def test_notes_never_change_the_outcome(extra, expected):
    d = decide(with_(**extra))
    assert d.outcome == "recommend_consult"
    assert [n.code for n in d.notes] == expected


def test_no_notes_with_emergency_or_not_indicated():
    assert decide(with_(red_flags="yes", blood_thinners="yes")).notes == ()
    assert decide(with_(leg_symptoms="no", blood_thinners="yes")).notes == ()


def test_all_outcome_names_match_the_spec():
    assert triage.OUTCOMES == (
        "emergency",
        "urgent_review",
        "not_indicated",
        "conservative_first",
        "recommend_consult",
        "possible_consult",
    )


def test_every_outcome_comes_with_a_reason_from_its_own_rule():
    """Each condition of the table gives its reason, so no outcome is ever given without one."""
    import itertools

    from screening import questionnaire, triage

    slots = [
        "leg_symptoms",
        "walking_standing_trigger",
        "sitting_leaning_relief",
        "walking_tolerance",
        "conservative_care",
        "injections",
        "prior_back_surgery",
    ]
    choices = [list(questionnaire.ALLOWED_VALUES[s]) + [None] for s in slots]
    checked = 0
    for combo in itertools.product(*choices):
        for duration, gate in itertools.product((1, 24), (None, "no", "unsure")):
            answers = {
                "red_flags": "no",
                "urgent_flags": "no",
                "symptom_duration_months": duration,
                "age_years": 70,
                **{s: v for s, v in zip(slots, combo, strict=True) if v is not None},
            }
            decision = triage.decide(answers, gate)
            if decision.determined:
                checked += 1
                assert decision.reasons, (answers, gate, decision.outcome)
                assert all(r.slot in questionnaire.SLOTS for r in decision.reasons)
    assert checked > 10000


def test_gate_no_after_an_unsure_leg_answer_still_says_why():
    # "No" to the combined question, then "not sure" to "any leg symptoms at all?": before, the
    # not_indicated outcome had no reason at all.
    decision = decide({"red_flags": "no", "urgent_flags": "no", "leg_symptoms": "unsure"}, "no")
    assert decision.outcome == "not_indicated"
    assert [r.code for r in decision.reasons] == ["gate_no"]
