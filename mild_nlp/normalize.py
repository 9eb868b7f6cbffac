"""Quantities -> the values the clinical spec stores.

- durations -> months (float): `duration_to_months("six weeks") == 1.5`
- walking distances / times -> feet -> spec bucket:
  `walking_bucket("half a mile") == "2_blocks_to_2_miles"`
- ages -> whole years 1..120: `parse_age("seventy two") == 72`
- onsets -> months until today: `months_since("since March", date(2026, 11, 30)) == 8.0`
"""

import calendar
from collections.abc import Mapping
from datetime import date, timedelta
from typing import TypeVar

from mild_nlp.numbers import RANGE_JOINERS, parse_words, split_words

# --- durations -------------------------------------------------------------

DURATION_UNITS = {
    **dict.fromkeys(["day", "days"], "day"),
    **dict.fromkeys(["week", "weeks", "wk", "wks"], "week"),
    **dict.fromkeys(["fortnight", "fortnights"], "fortnight"),
    **dict.fromkeys(["month", "months", "mo", "mos", "mth", "mths"], "month"),
    **dict.fromkeys(["year", "years", "yr", "yrs", "y", "yeras", "yaers", "yers", "yeaes"], "year"),
    **dict.fromkeys(["decade", "decades"], "decade"),
}
# clinical-spec.md fixes "6 weeks is 1.5" months: four weeks a month, as clinicians count
# (12 weeks is the 3 months of the spec's threshold).
WEEKS_PER_MONTH = 4


def duration_to_months(text: str) -> float | None:
    """ "2 yrs" -> 24.0, "a year and a half" -> 18.0, "10 days" -> 0.33; None if no duration."""
    quantity = parse_quantity(text, DURATION_UNITS)
    if quantity is None:
        return None
    amount, unit = quantity
    if unit in ("week", "fortnight"):
        return round(amount * (2 if unit == "fortnight" else 1) / WEEKS_PER_MONTH, 2)
    if unit == "day":
        return round(amount / 30, 2)
    return round(amount * {"month": 1, "year": 12, "decade": 120}[unit], 2)


# --- onsets: "since 2019", "started last summer" ---------------------------

MONTHS = {
    **{
        name: i
        for i, name in enumerate(
            "january february march april may june july august september october november december".split(), start=1
        )
    },
    **{name: i for i, name in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)},
    "sept": 9,
    # spaCy keeps an abbreviation's full stop in the token: "since Jan." is the token "jan."
    **{name + ".": i for i, name in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)},
    "sept.": 9,
}
# The middle of each season as (month, day); "since the summer" is read as mid-July.
SEASONS = {
    "winter": (1, 15),
    "spring": (4, 15),
    "summer": (7, 15),
    "fall": (10, 15),
    "autumn": (10, 15),
}
WEEKDAYS = {name: i for i, name in enumerate("monday tuesday wednesday thursday friday saturday sunday".split())}
DAYS_AGO = {"today": 0, "tonight": 0, "morning": 0, "yesterday": 1, "night": 1}
OLDEST_ONSET_YEAR = 1920
DAYS_PER_MONTH = 30.4375


def months_since(text: str, today: date) -> float | None:
    """Months from the start a phrase names until `today`; None if it names no past date.

    A year is read as its middle ("since 2019" -> 1 July 2019) unless that is still to come.
    A month is counted in whole calendar months, as people count them: in early December
    "since May" is 7 months and "since September" 3 (its day is today's day of that month);
    the current month is read as its middle so far. Month names, seasons, holidays and
    weekdays mean their most recent past occurrence.
    """
    start = onset_date(split_words(text), today)
    if start is None or start > today:
        return None
    months = (today.year - start.year) * 12 + today.month - start.month
    if start.day == today.day and months >= 1:
        return float(months)  # a month named: whole calendar months ("since February of last year": 22)
    days = (today - start).days
    return round(days / DAYS_PER_MONTH, 1) if days >= 30 else round(days / 30, 2)


def onset_date(words: list[str], today: date) -> date | None:
    """The date a list of words names as the start of something (see months_since)."""
    year = next((int(w) for w in words if w.isdigit() and len(w) == 4), None)
    if year is not None and not OLDEST_ONSET_YEAR <= year <= today.year:
        return None
    last = "last" in words or "past" in words
    if year is None and "year" in words and any(w in MONTHS or w in SEASONS for w in words):
        year = today.year - 1 if last else today.year  # "October of last year", "the spring of this year"
    for word in words:  # a month is the most precise thing named ("the summer of last year, around July")
        if word in MONTHS:
            return _whole_months(_recent(today, year, MONTHS[word], 15, strictly_before=last), today)
    for word in words:
        if word in SEASONS:
            return _recent(today, year, *SEASONS[word], strictly_before=False)
        if word in ("christmas", "xmas"):
            return _recent(today, year, 12, 25, strictly_before=False)
        if word == "thanksgiving":
            return _thanksgiving(today, year)
        if word in WEEKDAYS:
            back = (today.weekday() - WEEKDAYS[word]) % 7 or (7 if last else 0)
            return today - timedelta(days=back)
        if word in ("weekend", "weekends"):
            return today - timedelta(days=(today.weekday() - 5) % 7 or 7)
        if word in DAYS_AGO:
            return today - timedelta(days=DAYS_AGO[word] if word != "night" or last else 0)
        if word == "week":
            return today - timedelta(days=7 if last else today.weekday())
        if word == "month":
            return today - timedelta(days=30 if last else today.day - 1)
        if word == "year":
            year = today.year - 1 if last else today.year
    if year is None:
        return None
    return _middle_of_year(year, today)


def _recent(today: date, year: int | None, month: int, day: int, strictly_before: bool) -> date:
    """The given day of `year`, or its most recent occurrence before today."""
    if year is not None:
        return _clamp(date(year, month, day), date(year, month, 1), today)
    candidate = date(today.year, month, day)
    this_month = (today.year, today.month) == (candidate.year, candidate.month)
    if this_month and not strictly_before:
        return _clamp(candidate, date(today.year, month, 1), today)
    if candidate > today or this_month:
        candidate = date(today.year - 1, month, day)
    return candidate


def _whole_months(start: date, today: date) -> date:
    """`start` moved to today's day of its month ("since May" on 4 December: 4 May), so that
    the months to today are whole; the current month is left as it is."""
    if (start.year, start.month) == (today.year, today.month):
        return start
    return start.replace(day=min(today.day, calendar.monthrange(start.year, start.month)[1]))


def _middle_of_year(year: int, today: date) -> date:
    return _clamp(date(year, 7, 1), date(year, 1, 1), today)


def _clamp(middle: date, first: date, today: date) -> date:
    """`middle`, or halfway from `first` to today when `middle` is still to come."""
    if middle <= today:
        return middle
    return first + (today - first) / 2 if first <= today else middle


def _thanksgiving(today: date, year: int | None) -> date:
    """The most recent US Thanksgiving (the fourth Thursday of November)."""

    def fourth_thursday(y: int) -> date:
        first = date(y, 11, 1)
        return first + timedelta(days=(3 - first.weekday()) % 7 + 21)

    day = fourth_thursday(year if year is not None else today.year)
    return day if day <= today or year is not None else fourth_thursday(today.year - 1)


# --- walking distance ------------------------------------------------------

FEET_PER_BLOCK = 264
FEET_PER_MILE = 5280
# 3 mph walking pace: one minute of walking covers 264 ft (one block).
FEET_PER_WALKING_MINUTE = 264

DISTANCE_UNITS = {
    **dict.fromkeys(["block", "blocks", "blk", "blks", "blok", "bloks", "bocks"], FEET_PER_BLOCK),
    **dict.fromkeys(["mile", "miles", "mi"], FEET_PER_MILE),
    **dict.fromkeys(["yard", "yards", "yd", "yds"], 3),
    **dict.fromkeys(["foot", "feet", "ft"], 1),
    **dict.fromkeys(["step", "steps", "pace", "paces"], 2.5),
    **dict.fromkeys(["meter", "meters", "metre", "metres"], 3.28084),
    **dict.fromkeys(["kilometer", "kilometers", "kilometre", "kilometres", "km"], 3280.84),
    # "a 5K walk"; "10k steps" (ten thousand, about five miles) lands in the same bucket
    **dict.fromkeys(["k"], 3280.84),
}
WALKING_TIME_UNITS = {
    **dict.fromkeys(["second", "seconds", "sec", "secs"], FEET_PER_WALKING_MINUTE / 60),
    **dict.fromkeys(["minute", "minutes", "min", "mins", "minuts", "minuets", "minits"], FEET_PER_WALKING_MINUTE),
    **dict.fromkeys(["hour", "hours", "hr", "hrs"], FEET_PER_WALKING_MINUTE * 60),
}
WALKING_UNITS = {**DISTANCE_UNITS, **WALKING_TIME_UNITS}

BUCKETS = (  # lower-inclusive thresholds in feet, highest first
    (2 * FEET_PER_MILE, "over_2_miles"),
    (2 * FEET_PER_BLOCK, "2_blocks_to_2_miles"),
    (50, "50_feet_to_2_blocks"),
    (0, "under_50_feet"),
)


def distance_to_feet(text: str) -> float | None:
    """ "2-3 blocks" -> 660.0, "5 minutes" -> 1320.0; None if no distance/time."""
    quantity = parse_quantity(text, WALKING_UNITS)
    if quantity is None:
        return None
    amount, unit_feet = quantity
    return round(amount * unit_feet, 2)


def feet_to_bucket(feet: float) -> str:
    """Spec bucket for a distance in feet (buckets are lower-inclusive)."""
    for threshold, bucket in BUCKETS:
        if feet >= threshold:
            return bucket
    return "under_50_feet"


def walking_bucket(text: str, upper_bound: bool = False) -> str | None:
    """Bucket for a distance phrase.

    upper_bound=True reads the distance as a limit not reached ("can't walk 2 miles",
    "less than a block"): the bucket just below the stated distance.
    """
    feet = distance_to_feet(text)
    if feet is None:
        return None
    return feet_to_bucket(feet - 0.01 if upper_bound else feet)


# --- ages ----------------------------------------------------------------

MIN_AGE, MAX_AGE = 1, 120


def parse_age(text: str) -> int | None:
    """A whole number 1..120 written in digits or words; anything else is not an age."""
    words = split_words(text)
    if not words or words[0] in ("a", "an"):
        return None
    value = parse_words(words)
    if value is None or value != int(value) or not MIN_AGE <= value <= MAX_AGE:
        return None
    return int(value)


# --- shared ----------------------------------------------------------------


_Unit = TypeVar("_Unit")


def parse_quantity(text: str, units: Mapping[str, _Unit]) -> tuple[float, _Unit] | None:
    """Split "<number> <unit> [and a half | or <number>]" into (amount, units[unit]).

    Handles "a year and a half" (1.5), "a year or two" (1.5), "2-3 blocks" (2.5),
    "one and a half miles" (1.5). A unit with no number is not a quantity.
    """
    words = split_words(text)
    unit_at = next((i for i, w in enumerate(words) if w in units and i > 0), None)
    if unit_at is None:
        return None
    amount = parse_words(words[:unit_at])
    if amount is None:
        return None
    tail = tuple(words[unit_at + 1 :])
    if tail in {("and", "a", "half"), ("and", "one", "half")}:
        amount += 0.5
    elif tail[:1] and tail[0] in RANGE_JOINERS and len(tail) > 1:
        other = parse_words(tail[1:])
        if other is not None and other > amount:
            amount = (amount + other) / 2
    return round(amount, 6), units[words[unit_at]]
