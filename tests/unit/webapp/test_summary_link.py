"""The printable summary's address (chat_security.summary_link) and what the page shows
(webapp.summary.content): unguessable, expiring, bound to the latest result after a restart."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from chat_security import conversation, summary_link
from webapp.summary.content import latest_result, summary_view

SECRET = "s" * 32
CID = conversation.new_conversation_id()


def _card(outcome="recommend_consult"):
    return {
        "event": "bot",
        "timestamp": 1_733_240_000.25,
        "text": None,
        "data": {
            "custom": {
                "data": {
                    "type": "result_card",
                    "outcome": outcome,
                    "title": "A consultation",
                    "summary": "S",
                    "reasons": ["R1"],
                    "notes": ["N1"],
                    "next_step": "Call",
                    "disclaimer": "D",
                }
            }
        },
    }


def test_address_round_trip_and_refusals():
    sid = summary_link.make(SECRET, CID, 1234, now=1000)
    ref = summary_link.verify(SECRET, sid, now=1000 + summary_link.TTL_SECONDS - 1)
    assert ref == summary_link.SummaryRef(CID, 1234, 1000 + summary_link.TTL_SECONDS)
    assert summary_link.verify(SECRET, sid, now=1000 + summary_link.TTL_SECONDS + 1) is None  # expired
    assert summary_link.verify("t" * 32, sid, now=1000) is None  # another secret
    body, sig = sid.rsplit(".", 1)
    assert summary_link.verify(SECRET, body.replace(".1234.", ".1235.") + "." + sig, now=1000) is None
    # a conversation token is not a summary address, nor the other way round
    token = conversation.make_token(SECRET, CID, conversation.SOCKET, 60)
    assert summary_link.verify(SECRET, token) is None
    assert conversation.verify_token(SECRET, sid, conversation.SOCKET) is None
    for bad in (None, "", "s1." + CID, "x" * 500, 42):
        assert summary_link.verify(SECRET, bad) is None


def test_resume_token_is_its_own_purpose():
    resume = conversation.make_token(SECRET, CID, conversation.RESUME, conversation.RESUME_TTL_SECONDS)
    assert conversation.verify_token(SECRET, resume, conversation.RESUME) == CID
    assert conversation.verify_token(SECRET, resume, conversation.SOCKET) is None
    assert conversation.verify_token(SECRET, resume, conversation.COOKIE) is None


def test_summary_shows_the_latest_result_and_answers_in_the_persons_words():
    tracker = {
        "events": [_card()],
        "slots": {
            "red_flags": "no",
            "urgent_flags": "no",
            "leg_symptoms": "yes",
            "age_years": 72,
            "answer_sources": {"age_years": {"value": 72, "words": "I'm 72"}},
        },
    }
    ms = latest_result(tracker["events"])[0]
    view = summary_view(tracker, ms, ZoneInfo("America/New_York"))
    assert view["title"] == "A consultation" and view["reasons"] == ["R1"] and view["notes"] == ["N1"]
    assert {"label": "Age", "value": "72", "words": "I'm 72"} in view["answers"] or any(
        a["words"] == "I'm 72" for a in view["answers"]
    )
    assert [o["office"] for o in view["offices"]] == ["Woburn", "Beverly"]
    assert view["date"] == "3 December 2024" and view["date_iso"] == "2024-12-03"


def test_start_over_or_a_newer_result_ends_the_summary():
    events = [_card()]
    ms = latest_result(events)[0]
    assert summary_view({"events": events + [{"event": "restart"}]}, ms, ZoneInfo("UTC")) is None
    newer = dict(_card(), timestamp=1_733_240_100.0)
    assert summary_view({"events": events + [newer]}, ms, ZoneInfo("UTC")) is None
    # an emergency is told to call 911, not given a page to print
    emergency = [_card("emergency")]
    assert summary_view({"events": emergency}, latest_result(emergency)[0], ZoneInfo("UTC")) is None
