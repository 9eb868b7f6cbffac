"""The transcript a reloaded chat page redraws, built from Rasa tracker events (no browser needed)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from webapp.patient.transcript import transcript_from_events, valid_session_id  # noqa: E402

CARD = {"type": "result_card", "outcome": "recommend_consult", "title": "T", "reasons": ["r"]}
RED_FLAG_BUTTONS = [
    {"title": "Yes, I have one of these", "payload": '/inform{"red_flags":"yes"}'},
    {"title": "No, none of these", "payload": '/inform{"red_flags":"no"}'},
]


def user(text, **parse_meta):
    return {"event": "user", "text": text, "metadata": {"model_id": "m"}, "parse_data": {"metadata": parse_meta}}


def bot(text=None, **data):
    return {"event": "bot", "text": text, "data": data}


def test_payload_messages_show_the_clicked_button_title():
    events = [
        {"event": "action", "name": "action_session_start"},
        user("/start_screening"),
        bot("Intro.\n\nThis is not medical advice."),
        bot("Right now, do you have any of these?", buttons=RED_FLAG_BUTTONS),
        {"event": "slot", "name": "requested_slot", "value": "red_flags"},
        user('/inform{"red_flags":"no"}'),
        bot("Next?"),
    ]
    assert transcript_from_events(events) == [
        {"from": "user", "text": "Start screening"},
        {"from": "bot", "text": "Intro."},
        {"from": "bot", "text": "This is not medical advice."},
        {"from": "bot", "text": "Right now, do you have any of these?", "buttons": RED_FLAG_BUTTONS},
        {"from": "user", "text": "No, none of these"},
        {"from": "bot", "text": "Next?"},
    ]


def test_buttons_go_on_the_last_part_of_a_split_message():
    out = transcript_from_events([bot("One.\n\nTwo?", buttons=RED_FLAG_BUTTONS)])
    assert out == [{"from": "bot", "text": "One."}, {"from": "bot", "text": "Two?", "buttons": RED_FLAG_BUTTONS}]


def test_result_card_and_typed_text_kept_verbatim():
    events = [user("<img src=x onerror=alert(1)>"), bot(None, custom={"data": CARD})]
    assert transcript_from_events(events) == [
        {"from": "user", "text": "<img src=x onerror=alert(1)>"},
        {"from": "bot", "card": CARD},
    ]


def test_answer_summary_and_its_buttons_are_redrawn():
    summary = {
        "type": "answer_summary",
        "title": "Here is what I understood",
        "rows": [],
        "confirm": {"title": "That's right, show my result", "payload": "/confirm_summary"},
        "note": "",
    }
    events = [
        bot(None, custom={"data": summary}),
        user("/confirm_summary", display="That's right, show my result"),
        bot(None, custom={"data": CARD}),
    ]
    assert transcript_from_events(events) == [
        {"from": "bot", "summary": summary},
        {"from": "user", "text": "That's right, show my result"},
        {"from": "bot", "card": CARD},
    ]


def test_restart_clears_and_unknown_payloads_are_hidden():
    events = [
        user("hello"),
        bot("Hi"),
        user("/restart"),
        {"event": "restart"},
        user('/inform{"red_flags":"no"}'),  # no button offered it: not shown
        user('/inform{"x":"y"}', display="Shown title"),
        bot("Okay"),
    ]
    assert transcript_from_events(events) == [
        {"from": "user", "text": "Shown title"},
        {"from": "bot", "text": "Okay"},
    ]


def test_session_id_validation():
    assert valid_session_id("0123456789abcdef0123456789abcdef")
    assert valid_session_id("01234567-89ab-cdef-0123-456789abcdef")
    for bad in ("", "abc", "../etc/passwd", "g" * 32, "a" * 65, "0123456789abcdef0123456789abcde/"):
        assert not valid_session_id(bad)


def test_question_progress_travels_with_the_question_and_bad_values_are_dropped():
    progress = {"data": {"type": "progress", "number": 4, "total": 12}}
    out = transcript_from_events([bot("Do they ease when you sit?", buttons=RED_FLAG_BUTTONS, custom=progress)])
    assert out == [
        {
            "from": "bot",
            "text": "Do they ease when you sit?",
            "buttons": RED_FLAG_BUTTONS,
            "progress": {"number": 4, "total": 12},
        }
    ]
    for bad in ({"number": "4", "total": 12}, {"number": 4}, {"number": True, "total": 12}, {"number": 0, "total": 9}):
        out = transcript_from_events([bot("Q?", custom={"data": dict(bad, type="progress")})])
        assert out == [{"from": "bot", "text": "Q?"}]
