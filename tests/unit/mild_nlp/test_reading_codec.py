"""mild_nlp.reading_codec: the NLU pipeline's one reading of a message, carried as JSON to the
action server, settles the same answers as reading the text there would."""

import json
from pathlib import Path

import pytest
import yaml

from mild_nlp import reading_codec
from mild_nlp.extract import answers_for, read, understand, with_learned_reader
from screening.catalogue import SLOTS

ROOT = Path(__file__).resolve().parents[3]


def _messages() -> list[str]:
    cases = yaml.safe_load((ROOT / "tests/data/slots_blind5/cases.yml").read_text())
    texts = [c.get("text") or c.get("message") for c in cases]
    return [t for t in texts if t][::8] + [
        "",
        "   ",
        "🙂🙂",
        "<script>alert(1)</script> my legs go numb",
        "I can’t feel the toilet paper since Tuesday, no fever though",
        "about too years, won block then I sit",
        "I'm 72 " * 400,
    ]


def _same(a, b) -> None:
    assert repr(vars(a)) == repr(vars(b))


def _carried(text: str):
    data = json.loads(json.dumps(reading_codec.encode(read(text))))  # as parse_data travels
    reading = reading_codec.decode(data, text)
    assert reading is not None
    return reading


@pytest.mark.parametrize("text", _messages())
def test_a_carried_reading_answers_every_question_as_the_text_itself(text):
    carried = _carried(text)
    for slot in (None, *SLOTS):
        _same(answers_for(carried, slot), understand(text, slot))


@pytest.mark.parametrize(
    "text",
    [
        "sitting helps, but since yesterday it's numb where I sit on the toilet",
        "I fell off a ladder last week and my back is worse",
        "PT and ibuprofen, didn't help",
        "no",
        "",
    ],
)
def test_the_rules_reading_from_nlu_completed_by_the_learned_reader_is_the_whole_reading(text):
    """As in the running system: NLU reads with the rules, the action server adds the learned reader."""
    rules_only = read(text, second_reader=False)
    assert not rules_only.learned
    data = json.loads(json.dumps(reading_codec.encode(rules_only)))
    carried = reading_codec.decode(data, text)
    assert carried is not None and not carried.learned
    completed = with_learned_reader(carried)
    for slot in (None, "red_flags", "urgent_flags", "conservative_care"):
        _same(answers_for(completed, slot), understand(text, slot))


def test_the_flag_findings_travel_with_both_readers_words():
    text = "sitting helps, but since yesterday it's numb where I sit on the toilet"
    carried = _carried(text)
    assert [f.as_dict() for f in carried.flags] == [f.as_dict() for f in read(text).flags]
    assert carried.flags, "the message reports a red flag"


@pytest.mark.parametrize(
    "tamper",
    [
        lambda d: {**d, "version": 0},
        lambda d: {**d, "text": d["text"] + " and fever"},
        lambda d: {**d, "doc": "not base64!"},
        lambda d: {**d, "doc": "aGVsbG8="},  # base64 of something that is no DocBin
        lambda d: {k: v for k, v in d.items() if k != "flags"},
        lambda d: {**d, "flags": [{"kind": "red"}]},
        lambda d: {**d, "reply": ["yes"]},
        lambda d: "a string",
        lambda d: None,
    ],
)
def test_a_reading_that_cannot_be_trusted_is_refused(tamper):
    text = "my legs go numb after a block"
    assert reading_codec.decode(tamper(reading_codec.encode(read(text))), text) is None


def test_a_reading_of_another_message_is_refused():
    data = reading_codec.encode(read("no, none of those"))
    assert reading_codec.decode(data, "yes, I wet myself yesterday") is None


def test_msgpack_hooks_are_looked_up_once_not_per_message():
    import srsly.msgpack

    for registry in (srsly.msgpack.msgpack_encoders, srsly.msgpack.msgpack_decoders):
        assert not registry.entry_points  # the scan of every installed entry point is off
        assert "numpy" in registry.get_all()  # srsly's own hook is still there
