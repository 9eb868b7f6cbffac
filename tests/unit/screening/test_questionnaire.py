"""Question order, the combined gate question, treatment follow-ups and corrections."""

from screening import questionnaire as q
from screening.questionnaire import State, apply_understanding, plan


def answer(state, reply=None, **facts):
    p = plan(state)
    return apply_understanding(state, p.next_slot, facts, reply)


def test_red_flags_are_asked_first_even_after_volunteered_answers():
    state = State()
    apply_understanding(state, None, {"leg_symptoms": "yes", "age_years": 72}, None)
    p = plan(state)
    assert p.next_slot == "red_flags"


def test_textbook_case_one_answer_at_a_time_needs_ten_questions_before_the_outcome():
    state = State()
    script = [
        ("red_flags", "no", {}),
        ("urgent_flags", "no", {}),
        ("leg_symptoms", "yes", {}),  # the gate: fills walking_standing_trigger too
        ("sitting_leaning_relief", "yes", {}),
        ("walking_tolerance", None, {"walking_tolerance": "50_feet_to_2_blocks"}),
        ("symptom_duration_months", None, {"symptom_duration_months": 24.0}),
        ("age_years", None, {"age_years": 72}),
        ("conservative_care", None, {"conservative_care": "failed"}),
        ("injections", None, {"injections": "failed"}),
        ("prior_back_surgery", "no", {}),
    ]
    asked = []
    for expected_slot, reply, facts in script:
        p = plan(state)
        assert p.decision.outcome is None
        assert p.next_slot == expected_slot
        asked.append(p.next_slot)
        apply_understanding(state, p.next_slot, facts, reply)
    assert len(asked) == 10
    p = plan(state)
    assert p.decision.outcome == "recommend_consult"
    # then the two note questions, which never change the outcome
    assert p.next_slot == "imaging_stenosis"
    apply_understanding(state, "imaging_stenosis", {}, "no")
    assert plan(state).next_slot == "blood_thinners"
    apply_understanding(state, "blood_thinners", {}, "yes")
    p = plan(state)
    assert p.next_slot is None
    assert [n.code for n in p.decision.notes] == ["blood_thinners", "no_imaging", "medicare"]


def test_gate_question_variant_and_yes_fills_both_slots():
    state = State(answers={"red_flags": "no", "urgent_flags": "no"})
    p = plan(state)
    assert (p.next_slot, p.variant) == ("leg_symptoms", q.GATE)
    apply_understanding(state, "leg_symptoms", {}, "yes")
    assert state.answers["leg_symptoms"] == "yes"
    assert state.answers["walking_standing_trigger"] == "yes"


def test_gate_no_settles_not_indicated_then_asks_which_part_for_the_record():
    state = State(answers={"red_flags": "no", "urgent_flags": "no"})
    apply_understanding(state, "leg_symptoms", {}, "no")
    p = plan(state)
    assert p.decision.outcome == "not_indicated"
    assert (p.next_slot, p.variant) == ("leg_symptoms", q.LEG_AFTER_GATE_NO)
    apply_understanding(state, "leg_symptoms", {}, "yes")
    assert state.answers["walking_standing_trigger"] == "no"
    p = plan(state)
    assert p.next_slot is None
    assert [r.code for r in p.decision.reasons] == ["no_walking_standing_trigger"]


def test_gate_unsure_asks_the_parts_separately():
    state = State(answers={"red_flags": "no", "urgent_flags": "no"})
    apply_understanding(state, "leg_symptoms", {}, "unsure")
    p = plan(state)
    assert (p.next_slot, p.variant) == ("leg_symptoms", "leg_symptoms")
    apply_understanding(state, "leg_symptoms", {}, "yes")
    assert plan(state).next_slot == "walking_standing_trigger"


def test_volunteered_answers_are_not_asked_again():
    state = State(answers={"red_flags": "no", "urgent_flags": "no"})
    apply_understanding(
        state,
        "leg_symptoms",
        {
            "age_years": 72,
            "leg_symptoms": "yes",
            "walking_standing_trigger": "yes",
            "walking_tolerance": "50_feet_to_2_blocks",
            "sitting_leaning_relief": "yes",
            "symptom_duration_months": 24.0,
        },
        None,
    )
    assert plan(state).next_slot == "conservative_care"


def test_yes_to_a_treatment_asks_whether_it_helped():
    state = State(answers={"red_flags": "no"})
    result = apply_understanding(state, "conservative_care", {}, "yes")
    assert result.changes["pending_result"] == "conservative_care"
    assert q.variant_for(state, "conservative_care") == q.TREATMENT_RESULT
    apply_understanding(state, "conservative_care", {}, "no")
    assert state.answers["conservative_care"] == "failed"
    assert state.pending_result is None


def test_correction_changes_the_answer_and_is_reported():
    state = State(answers={"injections": "not_tried"})
    result = apply_understanding(state, "age_years", {"injections": "failed"}, None)
    assert state.answers["injections"] == "failed"
    assert result.corrections == [("injections", "not_tried", "failed")]


def test_correction_to_tried_reopens_the_result_question():
    state = State(answers={"injections": "not_tried"})
    apply_understanding(state, None, {"injections": "tried"}, None)
    assert "injections" not in state.answers
    assert state.pending_result == "injections"


def test_invalid_values_are_ignored():
    state = State()
    result = apply_understanding(state, "age_years", {"age_years": 400, "walking_tolerance": "far"}, None)
    assert state.answers == {}
    assert result.understood is False  # the caller re-asks
    assert result.changes == {}


def test_bare_reply_that_does_not_fit_the_question_changes_nothing():
    state = State()
    result = apply_understanding(state, "walking_tolerance", {}, "yes")
    assert result.changes == {}


def test_declined_age():
    state = State()
    apply_understanding(state, "age_years", {}, "declined")
    assert state.answers["age_years"] == "declined"


def test_emergency_ends_the_questions():
    state = State()
    apply_understanding(state, "age_years", {"red_flags": "yes"}, None)
    p = plan(state)
    assert p.decision.outcome == "emergency"
    assert p.next_slot is None


def test_a_passing_negated_flag_does_not_answer_the_flag_question():
    state = State()
    apply_understanding(state, "leg_symptoms", {"red_flags": "no", "urgent_flags": "no"}, None)
    assert "red_flags" not in state.answers and "urgent_flags" not in state.answers
    apply_understanding(state, "red_flags", {"red_flags": "no"}, None)
    assert state.answers["red_flags"] == "no"


# --- progress: "Question 4 of about 12", counted from the plan (issue 15) ---------------------


def test_progress_counts_a_textbook_screening_from_the_plan():
    from screening.questionnaire import progress

    state = State()
    seen = [progress(state)]
    for slot, value in [
        ("red_flags", "no"),
        ("urgent_flags", "no"),
        ("leg_symptoms", "yes"),
        ("walking_standing_trigger", "yes"),
        ("sitting_leaning_relief", "yes"),
        ("walking_tolerance", "50_feet_to_2_blocks"),
        ("symptom_duration_months", 36),
        ("age_years", 72),
        ("conservative_care", "failed"),
        ("injections", "failed"),
        ("prior_back_surgery", "no"),
        ("imaging_stenosis", "yes"),
    ]:
        state.answers[slot] = value
        if slot != "leg_symptoms":  # the gate question fills both slots with one answer
            seen.append(progress(state))
    assert [(p.number, p.total) for p in seen] == [(n, 12) for n in range(1, 13)]
    state.answers["blood_thinners"] = "no"
    assert progress(state) is None  # nothing left to ask


def test_progress_total_shrinks_when_the_outcome_is_settled_early():
    from screening.questionnaire import progress

    # "No" to the gate question settles not_indicated; one question is left (which part), for the record.
    state = State(answers={"red_flags": "no", "urgent_flags": "no"}, gate_answer="no")
    p = progress(state)
    assert (p.number, p.total) == (3, 3)
    # Under 3 months: conservative care first, nothing more to ask.
    state = State(
        answers={
            "red_flags": "no",
            "urgent_flags": "no",
            "leg_symptoms": "yes",
            "walking_standing_trigger": "yes",
            "sitting_leaning_relief": "yes",
            "walking_tolerance": "under_50_feet",
            "symptom_duration_months": 1,
        }
    )
    assert progress(state) is None
    # An emergency asks nothing more.
    assert progress(State(answers={"red_flags": "yes"})) is None
