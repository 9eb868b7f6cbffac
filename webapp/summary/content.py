"""What the printable summary shows, from a Rasa tracker dump. Pure functions, no I/O.

The latest result card after the last restart (what the chat showed), and the answers as the
chat read them back before it ("Here is what I understood", records.answer_summary): each with
its label, its value and the person's own words. The clinic's numbers come from screening.clinic.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple
from zoneinfo import ZoneInfo

from records import answer_summary
from screening import clinic
from webapp.patient.transcript import _card  # the result card of a bot event, as the history reads it

NO_SUMMARY_OUTCOMES = frozenset({"emergency"})  # the advice is to call 911 now, not to print


def latest_result(events: Iterable[Mapping[str, Any]]) -> Optional[Tuple[int, Dict[str, Any]]]:
    """(time in ms, card) of the last result card after the last restart, or None."""
    found: Optional[Tuple[int, Dict[str, Any]]] = None
    for event in events:
        kind = event.get("event")
        if kind == "restart":
            found = None
        elif kind == "bot":
            card = _card(event.get("data") or {})
            ts = event.get("timestamp")
            if card is not None and isinstance(ts, (int, float)):
                found = (int(ts * 1000), card)
    return found


def _texts(items: Any) -> List[str]:
    return [str(x) for x in (items or []) if isinstance(x, (str, int, float)) and str(x).strip()]


def summary_view(tracker: Mapping[str, Any], result_ms: int, tz: ZoneInfo) -> Optional[Dict[str, Any]]:
    """The page's content for the result stored at `result_ms`, or None when that result is not the
    conversation's latest any more (a restart, or a changed answer gave a new one)."""
    found = latest_result(tracker.get("events") or [])
    if found is None or found[0] != result_ms:
        return None
    _, card = found
    outcome = str(card.get("outcome") or "")
    if outcome in NO_SUMMARY_OUTCOMES:
        return None
    slots = tracker.get("slots") or {}
    rows = answer_summary.answer_summary(slots, slots.get("answer_sources") or {})["rows"]
    when = datetime.fromtimestamp(result_ms / 1000, tz)
    return {
        "outcome": outcome,
        "title": str(card.get("title") or "Your screening result"),
        "summary": str(card.get("summary") or ""),
        "reasons": _texts(card.get("reasons")),
        "notes": _texts(card.get("notes")),
        "next_step": str(card.get("next_step") or ""),
        "disclaimer": str(card.get("disclaimer") or ""),
        "answers": [{"label": r["label"], "value": r["value_label"], "words": r.get("words")} for r in rows],
        "offices": clinic.office_dicts(),
        "date": f"{when.day} {when:%B %Y}",
        "date_iso": when.date().isoformat(),
    }


def can_have_summary(card: Mapping[str, Any]) -> bool:
    return str(card.get("outcome") or "") not in NO_SUMMARY_OUTCOMES
