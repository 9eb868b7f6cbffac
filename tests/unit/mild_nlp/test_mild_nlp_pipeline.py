"""The spaCy pipeline: entity spans, internal labels, negation, saving and loading."""

import pytest
import spacy

from mild_nlp.build import build
from mild_nlp.labels import CUE_KEY
from mild_nlp.pipeline import get_nlp


def ents(text):
    return [(e.text, e.label_) for e in get_nlp()(text).ents]


def labelled(text, label):
    doc = get_nlp()(text)
    spans = list(doc.ents) + list(doc.spans[CUE_KEY])
    return [(s.text, s._.negated) for s in spans if s.label_ == label]


@pytest.mark.parametrize(
    "text, span",
    [
        ("it's been 2 years", "2 years"),
        ("about 2 yrs now", "2 yrs"),
        ("for six months", "six months"),
        ("over a year", "a year"),
        ("a year and a half ago", "a year and a half"),
        ("18 months", "18 months"),
        ("almost 6 weeks", "6 weeks"),
        ("a few months", "a few months"),
        ("a couple of years", "a couple of years"),
        ("several years", "several years"),
        ("a decade", "a decade"),
        ("3 mos", "3 mos"),
        ("two to three years", "two to three years"),
        ("6wks", "6wks"),
    ],
)
def test_duration_spans_exclude_hedges(text, span):
    assert ents(text) == [(span, "duration")]


@pytest.mark.parametrize(
    "text, span",
    [
        ("I'm 72", "72"),
        ("seventy-two years old", "seventy-two"),
        ("age 65", "65"),
        ("58 yo", "58"),
        ("58yo", "58"),
        ("I turn 80 next month", "80"),
        ("I'm about 70", "70"),
        ("a 72-year-old woman", "72"),
        ("72 y/o", "72"),
        # someone screening for a relative, or staff notes
        ("she's 84", "84"),
        ("my husband's 81", "81"),
        ("my dad is 83", "83"),
        ("just turned 70", "70"),
        ("pt 88 yo, walks 30 feet", "88"),
        ("pt age 66, sx 1 yr", "66"),
    ],
)
def test_age_span_is_the_number_only(text, span):
    assert (span, "age") in ents(text)


@pytest.mark.parametrize(
    "text",
    [
        "I was born in 1950",
        "72",
        "I'm 5 out of 10",
        "I'm 6 ft",
        "I am a retired nurse",
        "I'm 150",
        "he's 2 years into it",
        "she's 5 blocks away",
    ],
)
def test_not_an_age(text):
    assert [e for e in ents(text) if e[1] == "age"] == []


@pytest.mark.parametrize(
    "text, span",
    [
        ("I can walk a block", "a block"),
        ("half a block", "half a block"),
        ("two blocks", "two blocks"),
        ("I walk half a mile", "half a mile"),
        ("100 yards", "100 yards"),
        ("50 feet", "50 feet"),
        ("a few steps", "a few steps"),
        ("I can walk 5 minutes", "5 minutes"),
        ("I stand for 10 min", "10 min"),
        ("a couple hundred feet", "a couple hundred feet"),
        ("a quarter mile", "a quarter mile"),
        ("2-3 blocks", "2-3 blocks"),
        ("4 bloks", "4 bloks"),
        ("i can walk for about 20 minuts", "20 minuts"),  # typos
    ],
)
def test_walking_distance_spans(text, span):
    assert (span, "walking_distance") in ents(text)


def test_walking_time_needs_walking_context():
    assert ents("the procedure takes about 45 minutes") == []


@pytest.mark.parametrize(
    "text, span",
    [
        ("physical therapy", "physical therapy"),
        ("I did PT", "PT"),
        ("ibuprofen", "ibuprofen"),
        ("gabapentin", "gabapentin"),
        ("epidural steroid injections", "epidural steroid injections"),
        ("nerve blocks", "nerve blocks"),
        ("steroid shots", "steroid shots"),
        ("home exercises", "home exercises"),
        ("muscle relaxers", "muscle relaxers"),
        ("radiofrequency ablation", "radiofrequency ablation"),
        ("Tylenol", "Tylenol"),
        ("voltaren gel and tylenol, no help", "voltaren gel"),
        ("i went to aquatic therapy", "aquatic therapy"),
        ("ibuprofin and tylenol", "ibuprofin"),
        ("had epidurls, they didnt work", "epidurls"),
    ],
)
def test_treatment_spans(text, span):
    assert (span, "treatment") in ents(text)


@pytest.mark.parametrize(
    "text",
    [
        "I had knee surgery",
        "an MRI",
        "blood thinners",
        "my flu shot",
        "do they use a numbing shot",
        # staff shorthand: "pt" is the patient here
        "pt can't recall",
        "pt 88 yo",
        "pt age 66",
        "pt tried nothing yet",
    ],
)
def test_not_treatment_entities(text):
    assert [e for e in ents(text) if e[1] == "treatment"] == []


def test_three_walking_things_in_one_message():
    labels = [label for _, label in ents("I'm 72, walk 2 blocks, 6 months, tried PT")]
    assert labels == ["age", "walking_distance", "duration", "treatment"]


@pytest.mark.parametrize(
    "text, mention, negated",
    [
        ("no fever, no bladder problems", "fever", True),
        ("no fever, no bladder problems", "bladder problems", True),
        ("I don't have numbness in my groin", "numbness in my groin", True),
        ("never lost bladder control", "lost bladder control", True),
        ("denies fever or chills", "chills", True),
        ("neither fever nor chills", "chills", True),
        ("not sure about fever", "fever", False),
        ("no, but I have a fever", "fever", False),
        ("no fever; chills since yesterday", "chills", False),
        ("no fever, I can't pee", "can't pee", False),
        ("no I have been wetting myself", "wetting myself", False),
        ("I can't control my bladder", "can't control my bladder", False),
        ("fever however no chills", "fever", False),
        ("my bladder control is fine", "bladder control", True),
    ],
)
def test_negation_of_red_flags(text, mention, negated):
    assert (mention, negated) in labelled(text, "red_flag")


def test_cue_inside_a_phrase_does_not_negate_what_follows():
    assert labelled("I can't control my bladder and my legs hurt", "leg_symptom") == [("legs hurt", False)]


@pytest.mark.parametrize(
    "text, negated",
    [
        ("sitting helps", False),
        ("sitting doesn't help", True),
        ("no relief when I sit", True),
        ("it gets better when I sit down", False),
    ],
)
def test_negation_inside_relief_predicates(text, negated):
    assert [n for _, n in labelled(text, "relief")] == [negated]


def test_hypothetical_flags_are_marked():
    doc = get_nlp()("what if I get a fever after the procedure?")
    assert [(e.text, e._.hypothetical) for e in doc.ents] == [("fever", True)]


@pytest.mark.parametrize(
    "text",
    [
        "Does MILD ever cause bladder problems?",
        "If I start getting chills, is that serious?",
        "Should I worry about numbness in my groin?",
        "My GP told me to go to A&E if I ever get a fever with the back pain.",
        "I'm scared I'll end up incontinent one day.",
        "I'm scared that I'll wet myself",
    ],
)
def test_a_flag_asked_about_or_feared_is_not_reported(text):
    doc = get_nlp()(text)
    flags = [e for e in doc.ents if e.label_ in ("red_flag", "urgent_flag")]
    assert flags and all(e._.hypothetical for e in flags)


@pytest.mark.parametrize(
    "text",
    [
        "Is it bad that I wet myself twice since Monday?",
        "I wet myself, is that related?",
        "My legs are getting weaker every day, should I be worried?",
    ],
)
def test_a_flag_told_in_a_question_with_its_time_is_reported(text):
    doc = get_nlp()(text)
    flags = [e for e in doc.ents if e.label_ == "red_flag"]
    assert flags and not any(e._.hypothetical for e in flags)


def test_saved_pipeline_loads_by_path(tmp_path):
    out = build(tmp_path / "mild_en")
    nlp = spacy.load(out)
    assert nlp.meta["name"] == "mild_en"
    assert nlp.pipe_names == ["mild_entities", "mild_negation"]
    doc = nlp("i'm 72yo and can walk 2–3 blocks")
    assert [(e.text, e.label_) for e in doc.ents] == [("72", "age"), ("2–3 blocks", "walking_distance")]
