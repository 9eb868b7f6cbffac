"""mild_nlp.flag_union: the rules and the learned reader combined for recall."""

from mild_nlp import flag_union
from mild_nlp.kinds.flags import FlagMentions
from mild_nlp.second_reader import FLAG, UNSURE, ClauseReading


class FixedReader:
    """A learned reader whose verdict is given: sure above 0.8, unsure above 0.2."""

    def verdict(self, reading, kind):
        p = getattr(reading, kind)
        return FLAG if p >= 0.8 else UNSURE if p >= 0.2 else None


def reading(text, red=0.0, urgent=0.0):
    return ClauseReading(text, 0, len(text), red=red, urgent=urgent, none=1 - red - urgent)


def combine(text, rules, *readings):
    return flag_union.combine(text, rules, list(readings), FixedReader())


def test_both_readers_saying_red_flag_stands():
    text = "I can't control my bladder since yesterday"
    [finding] = combine(text, FlagMentions(red=["can't control my bladder"]), reading(text, red=0.95))
    assert finding.kind == "red" and finding.decision == flag_union.STANDS
    assert finding.readers == (flag_union.RULES, flag_union.LEARNED)


def test_rules_alone_ask_and_quote_the_clause():
    text = "sitting helps, and I wet myself twice today"
    clause = "and I wet myself twice today"
    [finding] = combine(
        text, FlagMentions(red=["wet myself"]), reading("sitting helps", red=0.01), reading(clause, red=0.1)
    )
    assert finding.decision == flag_union.ASK and finding.readers == (flag_union.RULES,)
    assert finding.words == clause


def test_learned_alone_sure_or_unsure_asks():
    text = "things down there feel dead since Monday"
    [sure] = combine(text, FlagMentions(), reading(text, red=0.9))
    [unsure] = combine(text, FlagMentions(), reading(text, red=0.3))
    assert sure.decision == unsure.decision == flag_union.ASK
    assert sure.readers == (flag_union.LEARNED,) and sure.words == text


def test_an_unsure_learned_reading_of_a_negated_flag_is_not_asked():
    text = "no numbness between my legs"
    found = combine(text, FlagMentions(negated_red=["numbness between my legs"]), reading(text, red=0.3))
    assert found == []


def test_a_sure_learned_reading_is_asked_even_when_the_rules_read_a_negation():
    text = "no fever but I can't feel the toilet paper"
    [finding] = combine(text, FlagMentions(negated_red=["fever"]), reading(text, red=0.9))
    assert finding.decision == flag_union.ASK


def test_red_comes_before_urgent_and_nothing_without_a_reader():
    text = "I fell last week and now I leak"
    found = combine(text, FlagMentions(urgent=["fell last week"]), reading(text, red=0.5, urgent=0.9))
    assert [f.kind for f in found] == ["red", "urgent"]
    assert combine("my legs ache after a block", FlagMentions(), reading("my legs ache after a block")) == []


def test_without_the_learned_reader_the_rules_alone_ask():
    [finding] = flag_union.combine("I peed myself", FlagMentions(red=["peed myself"]), [], None)
    assert finding.decision == flag_union.ASK


class ContextReader(FixedReader):
    """FixedReader whose context head drops clauses with current < 0.5."""

    def verdict(self, reading, kind):
        return super().verdict(reading, kind) if reading.current >= 0.5 else None


def test_the_clause_the_context_head_lets_through_is_asked_about_not_the_likeliest():
    text = "my wife wet herself last year, and I can't tell when I need to pee since Monday"
    theirs = ClauseReading("my wife wet herself last year", 0, 29, red=0.9, urgent=0.0, none=0.1, current=0.1)
    mine = ClauseReading("I can't tell when I need to pee since Monday", 35, 80, red=0.4, urgent=0.0, none=0.6)
    [finding] = flag_union.combine(text, FlagMentions(), [theirs, mine], ContextReader())
    assert finding.decision == flag_union.ASK and finding.words == mine.text


def test_a_flag_only_the_learned_reader_saw_is_dropped_when_its_context_head_is_sure_it_is_not_current():
    text = "what if I lose control of my bladder one day?"
    hypothetical = ClauseReading(text, 0, len(text), red=0.9, urgent=0.0, none=0.1, current=0.01)
    assert flag_union.combine(text, FlagMentions(), [hypothetical], ContextReader()) == []


def test_a_flag_the_rules_read_is_still_asked_when_the_context_head_disagrees():
    text = "I lost control of my bladder"
    reading_ = ClauseReading(text, 0, len(text), red=0.95, urgent=0.0, none=0.05, current=0.01)
    [finding] = flag_union.combine(text, FlagMentions(red=[text]), [reading_], ContextReader())
    assert finding.decision == flag_union.ASK and finding.readers == (flag_union.RULES,)


def test_a_bare_reply_has_no_flag_of_its_own():
    # "yes" answers the open question; the rules read it as that answer (a "yes" to the
    # red-flag question is an emergency there), the learned reader is not asked about it
    for text in ["yes", "Yes.", "yes and yes", "yep!", "no"]:
        assert combine(text, FlagMentions(), reading(text, red=0.9, urgent=0.05)) == []
    [finding] = combine("yes, I wet myself", FlagMentions(), reading("yes, I wet myself", red=0.9))
    assert finding.decision == flag_union.ASK


def test_a_bare_reply_beside_a_flag_clause_quotes_the_flag_clause():
    text = "yes. and my legs are weaker every day"
    clause = "and my legs are weaker every day"
    [finding] = combine(text, FlagMentions(), reading("yes", red=0.95), reading(clause, red=0.4))
    assert finding.words == clause


def test_a_topic_echoed_as_a_question_and_answered_no_is_no_flag():
    text = "Cancer? No, never."
    echo = ClauseReading("Cancer", 0, 6, red=0.0, urgent=0.95, none=0.05)
    answer = ClauseReading("No, never", 8, 17, red=0.0, urgent=0.0, none=1.0)
    assert combine(text, FlagMentions(), echo, answer) == []


def test_a_topic_echoed_as_a_question_and_answered_yes_keeps_the_flag():
    text = "Cancer? Yes."
    echo = ClauseReading("Cancer", 0, 6, red=0.0, urgent=0.95, none=0.05)
    answer = ClauseReading("Yes", 8, 11, red=0.0, urgent=0.0, none=1.0)
    [finding] = combine(text, FlagMentions(), echo, answer)
    assert finding.kind == "urgent" and finding.readers == (flag_union.LEARNED,)
