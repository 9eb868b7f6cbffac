"""The clinic's call-back promise and where new requests are announced. Plain Python, no Rasa.

    MILD_CALLBACK_BUSINESS_DAYS   how soon the front desk calls back, in business days (default 1;
                                  Saturdays and Sundays do not count)
    MILD_OFFICE_EMAIL_<OFFICE>    the address that hears of each new request for that office, e.g.
                                  MILD_OFFICE_EMAIL_WOBURN=frontdesk-woburn@clinic.example
                                  (MILD_OFFICE_EMAIL_DEFAULT for an office without its own)

The patient's confirmation, the staff read-back and the worklist's overdue marking all use
``promise_text`` and ``due_at`` from here, so the words and the marking never disagree.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from typing import Mapping, Optional
from zoneinfo import ZoneInfo

from screening import clinic

PROMISE_ENV = "MILD_CALLBACK_BUSINESS_DAYS"
DEFAULT_BUSINESS_DAYS = 1
MAX_BUSINESS_DAYS = 20
EMAIL_ENV_PREFIX = "MILD_OFFICE_EMAIL_"
DEFAULT_EMAIL_ENV = EMAIL_ENV_PREFIX + "DEFAULT"
WHO_CALLS = "our front desk"
_NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}


def business_days(env: Optional[Mapping[str, str]] = None) -> int:
    """The configured promise (a whole number of business days, 1..20); the default when unset or bad."""
    env = os.environ if env is None else env
    raw = (env.get(PROMISE_ENV) or "").strip()
    if not raw:
        return DEFAULT_BUSINESS_DAYS
    try:
        days = int(raw)
    except ValueError:
        return DEFAULT_BUSINESS_DAYS
    return days if 1 <= days <= MAX_BUSINESS_DAYS else DEFAULT_BUSINESS_DAYS


def promise_text(days: Optional[int] = None) -> str:
    """'one business day', '2 business days' ... as the patient reads it."""
    days = business_days() if days is None else days
    word = _NUMBER_WORDS.get(days, str(days))
    return f"{word} business day" + ("" if days == 1 else "s")


def due_at(requested_ts: float, tz: ZoneInfo, days: Optional[int] = None) -> float:
    """When a request made at `requested_ts` must have been called back: `days` business days
    later, weekends skipped. A request made on a Saturday or Sunday counts from Monday 00:00."""
    days = business_days() if days is None else days
    moment = datetime.fromtimestamp(requested_ts, tz)
    if moment.weekday() >= 5:  # weekend: the clock starts on Monday morning
        moment = (moment + timedelta(days=7 - moment.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    added = 0
    while added < days:
        moment = moment + timedelta(days=1)
        if moment.weekday() < 5:
            added += 1
    # wall-clock arithmetic in the clinic's zone (a DST change keeps the hour of the day)
    return datetime(
        moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second, tzinfo=tz
    ).timestamp()


def office_phone(office_name: str) -> str:
    """The number the call comes from: the office's, else the list of all offices."""
    office = clinic.find_office(office_name)
    return office.display if office else clinic.PHONE_LIST


def email_env_name(office_name: str) -> str:
    return EMAIL_ENV_PREFIX + "".join(ch if ch.isalnum() else "_" for ch in office_name.upper())


def office_email(office_name: str, env: Optional[Mapping[str, str]] = None) -> Optional[str]:
    env = os.environ if env is None else env
    for name in (email_env_name(office_name), DEFAULT_EMAIL_ENV):
        value = (env.get(name) or "").strip()
        if value:
            return value
    return None


def confirmation_values(office_name: str) -> dict:
    """The template values the confirmation needs beyond the slots."""
    return {"office_phone": office_phone(office_name), "callback_within": promise_text(), "callback_who": WHO_CALLS}
