"""Quantities -> the values the clinical spec stores.

- durations -> months (float): `duration_to_months("six weeks") == 1.5`
- walking distances / times -> feet -> spec bucket:
  `walking_bucket("half a mile") == "2_blocks_to_2_miles"`
- ages -> whole years 1..120: `parse_age("seventy two") == 72`
"""

from mild_nlp.numbers import RANGE_JOINERS, parse_words, split_words

# --- durations -------------------------------------------------------------

DURATION_UNITS = {
    **dict.fromkeys(["day", "days"], "day"),
    **dict.fromkeys(["week", "weeks", "wk", "wks"], "week"),
    **dict.fromkeys(["month", "months", "mo", "mos", "mth", "mths"], "month"),
    **dict.fromkeys(["year", "years", "yr", "yrs"], "year"),
    **dict.fromkeys(["decade", "decades"], "decade"),
}
WEEKS_PER_MONTH = 4.345
# clinical-spec.md fixes "6 weeks is 1.5" months (6 / 4.345 would round to 1.4).
SPEC_WEEK_EQUIVALENTS = {6: 1.5}


def duration_to_months(text: str) -> float | None:
    """"2 yrs" -> 24.0, "a year and a half" -> 18.0, "10 days" -> 0.33; None if no duration."""
    quantity = parse_quantity(text, DURATION_UNITS)
    if quantity is None:
        return None
    amount, unit = quantity
    if unit == "week":
        if amount in SPEC_WEEK_EQUIVALENTS:
            return SPEC_WEEK_EQUIVALENTS[amount]
        return round(amount / WEEKS_PER_MONTH, 1)
    if unit == "day":
        return round(amount / 30, 2)
    return round(amount * {"month": 1, "year": 12, "decade": 120}[unit], 2)


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
    """"2-3 blocks" -> 660.0, "5 minutes" -> 1320.0; None if no distance/time."""
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


def parse_quantity(text: str, units: dict) -> tuple[float, object] | None:
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
    tail = tuple(words[unit_at + 1:])
    if tail in {("and", "a", "half"), ("and", "one", "half")}:
        amount += 0.5
    elif tail[:1] and tail[0] in RANGE_JOINERS and len(tail) > 1:
        other = parse_words(tail[1:])
        if other is not None and other > amount:
            amount = (amount + other) / 2
    return round(amount, 6), units[words[unit_at]]
