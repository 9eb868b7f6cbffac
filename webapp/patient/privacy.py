"""The privacy notice the patient chat shows before the first question: what is stored, for how
long (the records retention setting, MILD_RETENTION_DAYS), who sees it, that nobody watches the
chat live, the clinic's name and how to reach a person (the offices of screening.clinic)."""

from __future__ import annotations

from typing import Optional

from screening import clinic


def _days(days: float) -> str:
    whole = int(days) if float(days).is_integer() else days
    return f"{whole} day" if whole == 1 else f"{whole} days"


def kept_for(retention_days: Optional[float]) -> str:
    if retention_days is None:
        return f"{clinic.NAME} keeps them; no automatic deletion date is set."
    return f"{clinic.NAME} keeps them for {_days(retention_days)}, then deletes them."


def notice(retention_days: Optional[float]) -> dict:
    """Sentences of the notice (plain text; the template escapes them) and the numbers to call."""
    return {
        "title": "Your privacy",
        "clinic": clinic.NAME,
        "stored": (
            "Your answers and what you type here are stored with this conversation; if you ask for an "
            "appointment, also your name and phone number."
        ),
        "kept": kept_for(retention_days),
        "seen": f"Only {clinic.NAME}'s clinicians and the staff who arrange appointments see them.",
        "live": "Nobody watches this chat live. To talk to a person, call:",
        "offices": clinic.office_dicts(),
    }
