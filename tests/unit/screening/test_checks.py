"""screening.checks: flag questions, clarifications, read-backs and confirmations."""

from screening import check_wording, checks, questionnaire, triage
from screening.checks import Dialogue, Incoming, take_turn
from screening.questionnaire import State

RED_ASK = {
    "kind": "red",
    "decision": "ask",
    "readers": ["learned"],
    "words": "my bottom has gone numb",
    "learned_probability": 0.4,
}
RED_BOTH = {**RED_ASK, "decision": "flag", "readers": ["rules", "learned"]}
URGENT_ASK = {
    "kind": "urgent",
    "decision": "ask",
    "readers": ["rules"],
    "words": "I slipped on the ice",
    "learned_probability": 0.1,
}
CASE = {"red_flags": "no", "urgent_flags": "no", "leg_symptoms": "yes", "walking_standing_trigger": "yes"}


def dialogue(**answers) -> Dialogue:
    return Dialogue(State(dict(answers)))


def outcome(d: Dialogue):
    return triage.decide(d.state.answers, d.state.gate_answer).outcome


def test_both_readers_agree_red_flag_stands_at_once():
    d = dialogue(**CASE)
    take_turn(d, "sitting_leaning_relief", Incoming("bottom numb", findings=[RED_BOTH]))
    assert d.state.answers["red_flags"] == "yes" and d.check is None
    assert outcome(d) == triage.EMERGENCY
    assert d.sources["red_flags"]["readers"] == ["rules", "learned"]


def test_one_reader_asks_a_targeted_question_quoting_the_words():
    d = dialogue(**CASE)
    take_turn(d, "sitting_leaning_relief", Incoming("my bottom has gone numb", findings=[RED_ASK]))
    assert d.state.answers["red_flags"] == "no"  # not yet decided
    assert d.check["kind"] == checks.FLAG and d.check["slot"] == "red_flags"
    assert checks.requested_slot(d, "sitting_leaning_relief") == "red_flags"
    text = check_wording.check_question(d.check)
    assert "“my bottom has gone numb”" in text and "saddle" in text


def test_flag_question_yes_is_emergency():
    d = dialogue(**CASE)
    take_turn(d, "sitting_leaning_relief", Incoming("x", findings=[RED_ASK]))
    take_turn(d, "red_flags", Incoming("/inform", from_button=True, check_answer="yes"))
    assert outcome(d) == triage.EMERGENCY
    assert d.log[-1]["answer"] == "yes" and d.sources["red_flags"]["how"] == "flag_question"


def test_flag_question_no_goes_back_to_the_open_question():
    d = dialogue(**CASE)
    take_turn(d, "sitting_leaning_relief", Incoming("x", findings=[RED_ASK]))
    take_turn(d, "red_flags", Incoming("no", reply="no"))
    assert d.check is None and d.state.answers["red_flags"] == "no"
    assert questionnaire.plan(d.state).next_slot == "sitting_leaning_relief"
    assert d.log[-1]["answer"] == "no"


def test_an_urgent_flag_said_with_a_red_one_is_asked_after_a_no_to_the_red_question():
    d = dialogue(**CASE)
    both = Incoming("my bottom has gone numb and I slipped on the ice", findings=[RED_ASK, URGENT_ASK])
    take_turn(d, "sitting_leaning_relief", both)
    assert d.check["slot"] == "red_flags"  # one question at a time, red first
    take_turn(d, "red_flags", Incoming("no", reply="no"))
    assert d.check["kind"] == checks.FLAG and d.check["slot"] == "urgent_flags"
    assert "“I slipped on the ice”" in check_wording.check_question(d.check)
    take_turn(d, "urgent_flags", Incoming("yes", reply="yes"))
    assert d.state.answers["urgent_flags"] == "yes" and outcome(d) == triage.URGENT_REVIEW
    assert all("queued" not in entry for entry in d.log)


def test_a_yes_to_the_red_question_leaves_the_queued_urgent_one():
    d = dialogue(**CASE)
    take_turn(d, "sitting_leaning_relief", Incoming("x", findings=[RED_ASK, URGENT_ASK]))
    take_turn(d, "red_flags", Incoming("yes", reply="yes"))
    assert d.check is None and outcome(d) == triage.EMERGENCY


def test_no_to_the_flag_question_after_no_to_the_same_open_question_answers_it():
    # "neg falls, neg CA, neg wt loss" to the urgent question, a flag question about it, "no":
    # the urgent question is answered, not asked a second time
    d = dialogue(red_flags="no")
    take_turn(d, "urgent_flags", Incoming("neg falls, neg CA, neg wt loss", reply="no", findings=[URGENT_ASK]))
    assert d.check["kind"] == checks.FLAG and "urgent_flags" not in d.state.answers
    take_turn(d, "urgent_flags", Incoming("no", reply="no"))
    assert d.check is None and d.state.answers["urgent_flags"] == "no"
    assert d.sources["urgent_flags"]["how"] == "flag_question"


def test_no_to_the_flag_question_without_an_answer_before_it_still_asks_the_open_question():
    d = dialogue(red_flags="no")
    take_turn(d, "urgent_flags", Incoming("I slipped on the ice", findings=[URGENT_ASK]))
    take_turn(d, "urgent_flags", Incoming("no", reply="no"))
    assert d.check is None and "urgent_flags" not in d.state.answers
    assert questionnaire.plan(d.state).next_slot == "urgent_flags"


def test_a_flag_question_about_another_question_keeps_this_answer():
    d = dialogue(**{k: v for k, v in CASE.items() if k != "walking_standing_trigger"})
    take_turn(
        d, "walking_standing_trigger", Incoming("yes, and my bottom has gone numb", reply="yes", findings=[RED_ASK])
    )
    assert d.check["slot"] == "red_flags"
    assert d.state.answers["walking_standing_trigger"] == "yes"  # kept while the flag is asked about
    take_turn(d, "red_flags", Incoming("no", reply="no"))
    assert questionnaire.plan(d.state).next_slot != "walking_standing_trigger"


def test_a_no_read_from_words_of_doubt_is_clarified_never_stored():
    for text, interjection in [("hmm I don't really know how to tell", None), ("no, not sure", "no")]:
        d = dialogue()
        take_turn(d, "red_flags", Incoming(text, reply="no", hedge="x", doubt="x", interjection=interjection))
        assert "red_flags" not in d.state.answers
        assert d.check["kind"] == checks.CLARIFY and d.check["slot"] == "red_flags"
    d = dialogue(**CASE)  # outside the flag questions an outright "no" said with doubt stays a no
    take_turn(d, "blood_thinners", Incoming("no, not sure why you ask", reply="no", doubt="x", interjection="no"))
    assert d.state.answers["blood_thinners"] == "no"


def test_a_reply_that_repeats_the_flag_is_emergency():
    d = dialogue(**CASE)
    take_turn(d, "sitting_leaning_relief", Incoming("x", findings=[RED_ASK]))
    take_turn(d, "red_flags", Incoming("it's numb down there when I wipe", findings=[RED_ASK]))
    assert outcome(d) == triage.EMERGENCY


def test_unsure_to_the_flag_question_adds_safety_advice_then_counts_as_yes():
    d = dialogue(**CASE)
    take_turn(d, "sitting_leaning_relief", Incoming("x", findings=[RED_ASK]))
    take_turn(d, "red_flags", Incoming("not sure", reply="unsure"))
    assert checks.variant(d) == checks.FLAG_UNSURE_VARIANT
    assert "911" in check_wording.check_question(d.check, variant=checks.variant(d))
    take_turn(d, "red_flags", Incoming("I really don't know", reply="unsure"))
    assert outcome(d) == triage.EMERGENCY


def test_urgent_flag_question_has_its_own_wording():
    d = dialogue(red_flags="no")
    take_turn(d, "urgent_flags", Incoming("I slipped on the ice", findings=[URGENT_ASK]))
    assert d.check["slot"] == "urgent_flags"
    assert "fall or an injury" in check_wording.check_question(d.check)
    take_turn(d, "urgent_flags", Incoming("yes", reply="yes"))
    assert outcome(d) == triage.URGENT_REVIEW


def test_direct_yes_to_the_open_flag_question_needs_no_check():
    d = dialogue(red_flags="no")
    take_turn(d, "urgent_flags", Incoming("yes I slipped last week", reply="yes", findings=[URGENT_ASK]))
    assert d.check is None and d.state.answers["urgent_flags"] == "yes"


def test_hedge_is_unsure_never_no():
    d = dialogue(**CASE)
    take_turn(
        d,
        "sitting_leaning_relief",
        Incoming(
            "I haven't paid attention to whether sitting helps",
            facts={"sitting_leaning_relief": "no"},
            reply="no",
            hedge="havent paid attention",
        ),
    )
    assert d.state.answers["sitting_leaning_relief"] == "unsure"


def test_a_yes_said_with_firm_doubt_is_unsure_where_the_spec_allows_it():
    d = dialogue(**CASE)
    take_turn(
        d,
        "sitting_leaning_relief",
        Incoming(
            "I guess sitting helps a little? Hard to say, sometimes it keeps aching anyway.",
            facts={"sitting_leaning_relief": "yes"},
            reply="unsure",
            hedge="hard to say",
            doubt="hard to say",
        ),
    )
    assert d.state.answers["sitting_leaning_relief"] == "unsure"


def test_a_yes_with_a_mild_hedge_stays_yes():
    d = dialogue(**CASE)
    take_turn(
        d,
        "sitting_leaning_relief",
        Incoming("I think so, sitting helps", facts={"sitting_leaning_relief": "yes"}, reply="yes", hedge="i think"),
    )
    assert d.state.answers["sitting_leaning_relief"] == "yes"


def test_unsure_where_the_spec_has_no_unsure_gets_a_clarifying_question():
    d = dialogue(red_flags="no", urgent_flags="no")
    take_turn(d, "prior_back_surgery", Incoming("I don't remember", reply="unsure"))
    assert d.check["kind"] == checks.CLARIFY and "prior_back_surgery" not in d.state.answers
    take_turn(d, "prior_back_surgery", Incoming("no never", reply="no"))
    assert d.state.answers["prior_back_surgery"] == "no" and d.sources["prior_back_surgery"]["how"] == "clarified"


def test_unsure_to_red_flags_clarifies_with_safety_advice():
    d = dialogue()
    take_turn(d, "red_flags", Incoming("not sure", reply="unsure"))
    assert d.check["kind"] == checks.CLARIFY
    assert "911" in check_wording.check_question(d.check)
    take_turn(d, "red_flags", Incoming("no idea", reply="unsure"))
    assert outcome(d) == triage.EMERGENCY  # never guess toward no


def test_an_answer_to_another_question_is_not_a_reply_to_the_open_one():
    d = dialogue(red_flags="no")
    take_turn(
        d,
        "urgent_flags",
        Incoming("actually I did have one injection and it did nothing", facts={"injections": "failed"}, reply="yes"),
    )
    assert "urgent_flags" not in d.state.answers and d.state.answers["injections"] == "failed"


def test_hedged_number_is_read_back_before_it_is_stored():
    d = dialogue(**CASE)
    take_turn(
        d,
        "walking_tolerance",
        Incoming(
            "maybe a block or two, not sure",
            facts={"walking_tolerance": "50_feet_to_2_blocks"},
            hedge="maybe",
            doubt="not sure",
        ),
    )
    assert d.check["kind"] == checks.ASK_BACK and "walking_tolerance" not in d.state.answers
    assert "So you can walk between 50 feet and 2 blocks" in check_wording.check_question(d.check)
    take_turn(d, "walking_tolerance", Incoming("yes", reply="yes"))
    assert d.state.answers["walking_tolerance"] == "50_feet_to_2_blocks"


def test_an_estimate_without_doubt_is_stored_at_once():
    d = dialogue(**CASE)
    take_turn(
        d,
        "walking_tolerance",
        Incoming("maybe a block", facts={"walking_tolerance": "50_feet_to_2_blocks"}, hedge="maybe"),
    )
    assert d.check is None and d.state.answers["walking_tolerance"] == "50_feet_to_2_blocks"


def test_decisive_free_text_answer_is_confirmed_before_the_outcome():
    d = dialogue(**CASE)
    take_turn(
        d, "sitting_leaning_relief", Incoming("sitting doesn't change a thing", facts={"sitting_leaning_relief": "no"})
    )
    assert d.check["kind"] == checks.CONFIRM and d.check["slot"] == "sitting_leaning_relief"
    assert checks.requested_slot(d, None) == "sitting_leaning_relief"
    assert "sitting doesn't change a thing" in check_wording.check_question(d.check)
    take_turn(d, "sitting_leaning_relief", Incoming("yes", reply="yes"))
    assert d.check is None and outcome(d) == triage.NOT_INDICATED
    assert d.sources["sitting_leaning_relief"]["how"] == "confirmed"


def test_rejected_confirmation_asks_the_question_again():
    d = dialogue(**CASE)
    take_turn(
        d, "sitting_leaning_relief", Incoming("sitting doesn't change a thing", facts={"sitting_leaning_relief": "no"})
    )
    take_turn(d, "sitting_leaning_relief", Incoming("no", reply="no"))
    assert "sitting_leaning_relief" not in d.state.answers
    assert questionnaire.plan(d.state).next_slot == "sitting_leaning_relief"


def test_button_answers_need_no_confirmation():
    d = dialogue(**CASE)
    take_turn(
        d, "sitting_leaning_relief", Incoming("/inform", facts={"sitting_leaning_relief": "no"}, from_button=True)
    )
    assert d.check is None and outcome(d) == triage.NOT_INDICATED


def test_a_short_direct_no_to_the_question_asked_needs_no_confirmation():
    d = dialogue(**CASE)
    take_turn(d, "sitting_leaning_relief", Incoming("nope", reply="no"))
    assert d.check is None and outcome(d) == triage.NOT_INDICATED
    assert d.sources["sitting_leaning_relief"]["how"] == "stated"


def test_a_hedged_short_reply_is_not_taken_as_a_direct_no():
    d = dialogue(**CASE)
    take_turn(d, "sitting_leaning_relief", Incoming("not really, maybe", reply="no", hedge="maybe"))
    assert d.state.answers.get("sitting_leaning_relief") == "unsure" and outcome(d) != triage.NOT_INDICATED


def test_staff_voice_gives_the_agent_a_line_to_read():
    d = dialogue(**CASE)
    take_turn(
        d,
        "sitting_leaning_relief",
        Incoming("sitting makes no change for me at all", facts={"sitting_leaning_relief": "no"}),
    )
    line = check_wording.check_question(d.check, voice="staff")
    assert line.startswith("Confirm with the caller:") and "the caller said" in line


def test_the_same_answer_after_a_rejected_confirmation_is_taken_as_meant():
    d = dialogue(**CASE)
    take_turn(
        d, "sitting_leaning_relief", Incoming("sitting doesn't change a thing", facts={"sitting_leaning_relief": "no"})
    )
    take_turn(d, "sitting_leaning_relief", Incoming("no", reply="no"))
    take_turn(
        d,
        "sitting_leaning_relief",
        Incoming("like I said, sitting changes nothing", facts={"sitting_leaning_relief": "no"}),
    )
    assert d.check is None and outcome(d) == triage.NOT_INDICATED
    assert d.sources["sitting_leaning_relief"]["how"] == "confirmed"


def test_the_same_words_after_a_rejected_confirmation_are_not_taken_and_the_question_is_asked_again():
    """The person said no to how their words were read, then sent the very same words: the
    reading is wrong, not the person; nothing is stored and the turn counts as not understood."""
    d = dialogue(**CASE)
    words = "sitting doesn't change a thing"
    take_turn(d, "sitting_leaning_relief", Incoming(words, facts={"sitting_leaning_relief": "no"}))
    take_turn(d, "sitting_leaning_relief", Incoming("no", reply="no"))
    turn = take_turn(d, "sitting_leaning_relief", Incoming(words + ".", facts={"sitting_leaning_relief": "no"}))
    assert not turn.understood and turn.changes.get("sitting_leaning_relief", "unset") is None
    assert d.check is None and "sitting_leaning_relief" not in d.state.answers
    assert questionnaire.plan(d.state).next_slot == "sitting_leaning_relief"
    turn = take_turn(
        d, "sitting_leaning_relief", Incoming("/inform", facts={"sitting_leaning_relief": "no"}, from_button=True)
    )
    assert turn.understood and outcome(d) == triage.NOT_INDICATED  # the button settles it


def test_an_unsure_learned_reading_is_not_asked_again_after_a_no():
    d = dialogue(red_flags="no")
    unsure = {
        "kind": "red",
        "decision": "ask",
        "readers": ["learned"],
        "words": "PT didn't help",
        "learned_probability": 0.2,
        "learned_verdict": "unsure",
    }
    take_turn(d, "urgent_flags", Incoming("PT didn't help", findings=[unsure]))
    assert d.check["kind"] == checks.FLAG
    take_turn(d, "urgent_flags", Incoming("no", reply="no"))
    take_turn(d, "urgent_flags", Incoming("the shots didn't help either", findings=[dict(unsure)]))
    assert d.check is None
    sure = dict(unsure, learned_verdict="flag", learned_probability=0.97, words="I wet myself today")
    take_turn(d, "urgent_flags", Incoming("I wet myself today", findings=[sure]))
    assert d.check["kind"] == checks.FLAG  # a sure reading is still asked


def test_yes_to_a_confirmation_is_not_read_as_an_answer_to_the_question_again():
    d = dialogue(**CASE)
    d.state.answers.update(
        sitting_leaning_relief="yes", walking_tolerance="50_feet_to_2_blocks", symptom_duration_months=8, age_years=65
    )
    take_turn(
        d,
        "conservative_care",
        Incoming("I haven't done anything for it yet, no therapy, no pills", facts={"conservative_care": "not_tried"}),
    )
    assert d.check["kind"] == checks.CONFIRM
    # the form reads a bare "yes" to the PT question as "tried"; here it confirms
    take_turn(d, "conservative_care", Incoming("yes", reply="yes", facts={"conservative_care": "tried"}))
    assert d.check is None and outcome(d) == triage.CONSERVATIVE_FIRST


def test_an_answer_to_the_open_question_changes_no_other_answer_unless_it_says_so():
    d = dialogue(**CASE, symptom_duration_months=48)
    take_turn(
        d,
        "injections",
        Incoming("epidurals gave him a couple of months", facts={"injections": "failed", "symptom_duration_months": 2}),
    )
    assert d.state.answers["injections"] == "failed" and d.state.answers["symptom_duration_months"] == 48
    take_turn(
        d,
        "prior_back_surgery",
        Incoming(
            "no surgery, and actually it's been two months, not four years",
            facts={"prior_back_surgery": "no", "symptom_duration_months": 2},
            correction=True,
        ),
    )
    assert d.state.answers["symptom_duration_months"] == 2


def test_a_flag_in_an_answer_to_the_open_question_still_counts():
    d = dialogue(**CASE)
    take_turn(
        d,
        "injections",
        Incoming("two epidurals, and I wet myself today", facts={"injections": "tried"}, findings=[RED_BOTH]),
    )
    assert d.state.answers["red_flags"] == "yes"
