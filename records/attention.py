"""The order of the clinicians' list: what needs attention first (issue 15).

Emergencies (an emergency outcome or a red flag reported) and urgent reviews that nobody has
marked reviewed come first, newest first; then everything else, newest first. Pure functions.
"""

from __future__ import annotations

from typing import Any, Container, Iterable, Mapping

ATTENTION_OUTCOMES = frozenset({"emergency", "urgent_review"})


def needs_attention(record: Mapping[str, Any], reviewed: Container[str]) -> bool:
    urgent = bool(record.get("emergency")) or record.get("outcome") in ATTENTION_OUTCOMES
    return urgent and record.get("screening_id") not in reviewed


def attention_first(records: Iterable[Mapping[str, Any]], reviewed: Container[str]) -> list:
    """`records` in list order: unreviewed emergencies and urgent reviews, then the rest; newest first in each."""
    newest_first = sorted(records, key=lambda r: r.get("started_ts") or 0, reverse=True)
    return [r for r in newest_first if needs_attention(r, reviewed)] + [
        r for r in newest_first if not needs_attention(r, reviewed)
    ]


def channel_label(record: Mapping[str, Any]) -> str:
    """Where the screening was held: the staff console, the web chat, or the REST channel (an API client)."""
    if record.get("channel") == "staff":
        return "Staff"
    channels = record.get("input_channels") or []
    if "rest" in channels and "socketio" not in channels:
        return "REST API"
    return "Web"
