"""The review pages' query strings, checked: a bad value is a ``FilterError`` (answered 400 with its
message), never a crash and never silently ignored.

Dates are ``YYYY-MM-DD`` between ``MIN_DATE`` and ``MAX_DATE``; a range must not end before it starts;
choices must be one of theirs; the page number is a whole number up to ``MAX_PAGE``; the search is at
most ``MAX_SEARCH`` characters. Empty values mean "any".
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any, Optional

from records.questions import OUTCOMES
from records.store import Filters

MIN_DATE = date(2000, 1, 1)
MAX_DATE = date(2099, 12, 31)
MAX_PAGE = 100_000
MAX_SEARCH = 100
CHANNELS = ("web", "staff")
STATUSES = ("finished", "abandoned")
REVIEWED = {"yes": True, "no": False}
TRUE_VALUES = ("1", "on", "yes", "true")
FALSE_VALUES = ("0", "off", "no", "false")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class FilterError(ValueError):
    """A query value the page cannot use; ``str()`` is the message shown to the person."""


def _shown(text: str) -> str:
    text = str(text)
    return repr(text if len(text) <= 40 else text[:40] + "…")


def parse_date(query: Any, name: str, label: str) -> Optional[date]:
    text = (query.get(name) or "").strip()
    if not text:
        return None
    problem = f"{label} ({name}={_shown(text)}) must be a date written YYYY-MM-DD between {MIN_DATE} and {MAX_DATE}."
    if not DATE_RE.match(text):
        raise FilterError(problem)
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise FilterError(problem) from None
    if not MIN_DATE <= day <= MAX_DATE:
        raise FilterError(problem)
    return day


def check_range(since: Optional[date], until: Optional[date]) -> None:
    if since and until and since > until:
        raise FilterError(f"The period starts ({since}) after it ends ({until}): swap the dates.")


def _choice(query: Any, name: str, allowed: tuple, label: str) -> Optional[str]:
    text = (query.get(name) or "").strip()
    if not text:
        return None
    if text not in allowed:
        raise FilterError(f"{label} ({name}={_shown(text)}) must be one of: {', '.join(allowed)}.")
    return text


def parse_page(query: Any) -> int:
    text = (query.get("page") or "").strip()
    if not text:
        return 1
    if not text.isdigit() or len(text) > 7 or not 1 <= int(text) <= MAX_PAGE:
        raise FilterError(f"The page number (page={_shown(text)}) must be a whole number from 1 to {MAX_PAGE}.")
    return int(text)


def list_filters(query: Any) -> tuple[Filters, dict]:
    """Filters from the list page's (or the CSV export's) query, and the values to refill the form."""
    outcomes = []
    for value in query.getall("outcome", []):
        value = value.strip()
        if not value:
            continue
        if value not in OUTCOMES and value != "none":
            raise FilterError(f"Outcome (outcome={_shown(value)}) must be one of: {', '.join(OUTCOMES)}, none.")
        if value not in outcomes:
            outcomes.append(value)
    channel = _choice(query, "channel", CHANNELS, "Channel")
    status = _choice(query, "status", STATUSES, "Status")
    reviewed_text = _choice(query, "reviewed", tuple(REVIEWED), "Reviewed")
    reviewed = REVIEWED.get(reviewed_text or "")
    appointment_text = (query.get("appointment") or "").strip().lower()
    if appointment_text and appointment_text not in TRUE_VALUES + FALSE_VALUES:
        raise FilterError(f"Appointment requests only (appointment={_shown(appointment_text)}) must be 1 or 0.")
    appointment = True if appointment_text in TRUE_VALUES else None
    search = (query.get("q") or "").strip()
    if len(search) > MAX_SEARCH:
        raise FilterError(f"The search is longer than {MAX_SEARCH} characters.")
    since = parse_date(query, "since", "From")
    until = parse_date(query, "until", "To")
    check_range(since, until)
    filters = Filters(
        outcome=outcomes,
        since=since,
        until=until,
        channel=channel,
        status=status,
        appointment=appointment,
        search=search or None,
        reviewed=reviewed,
    )
    form = {
        "outcome": outcomes,
        "since": since.isoformat() if since else "",
        "until": until.isoformat() if until else "",
        "channel": channel or "",
        "status": status or "",
        "reviewed": reviewed_text or "",
        "appointment": bool(appointment),
        "q": search,
    }
    return filters, form


def dashboard_period(query: Any, today: date, default_days: int, max_days: int) -> tuple[date, date, Optional[str]]:
    """(since, until, channel) of the dashboard: until defaults to today, since to `default_days`
    before until; a longer period than `max_days` is shortened to its last `max_days` days."""
    until = parse_date(query, "until", "To") or today
    since = parse_date(query, "since", "From") or max(MIN_DATE, until - timedelta(days=default_days - 1))
    check_range(since, until)
    if (until - since).days >= max_days:
        since = until - timedelta(days=max_days - 1)
    channel = _choice(query, "channel", CHANNELS, "Channel")
    return since, until, channel
