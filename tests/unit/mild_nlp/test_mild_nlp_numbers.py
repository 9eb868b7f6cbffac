"""mild_nlp.numbers and mild_nlp.normalize: numbers, durations, distances, ages."""

from datetime import date

import pytest

from mild_nlp.normalize import (
    distance_to_feet,
    duration_to_months,
    feet_to_bucket,
    months_since,
    parse_age,
    walking_bucket,
)
from mild_nlp.numbers import find_numbers, parse_number


@pytest.mark.parametrize(
    "text, expected",
    [
        ("72", 72),
        ("seventy-two", 72),
        ("seventy two", 72),
        ("Seventy-Two", 72),
        ("a couple of", 2),
        ("a couple", 2),
        ("couple", 2),
        ("a few", 3),
        ("several", 3),
        ("a dozen", 12),
        ("half a", 0.5),
        ("half an", 0.5),
        ("a half", 0.5),
        ("one and a half", 1.5),
        ("two and a half", 2.5),
        ("2-3", 2.5),
        ("2–3", 2.5),
        ("two to three", 2.5),
        ("one or two", 1.5),
        ("1 to 2", 1.5),
        ("2.5", 2.5),
        ("1,000", 1000),
        ("1/2", 0.5),
        ("½", 0.5),
        ("a quarter", 0.25),
        ("three quarters", 0.75),
        ("one hundred and twenty", 120),
        ("a hundred", 100),
        ("a couple hundred", 200),
        ("a few hundred", 300),
        ("a", 1),
        ("an", 1),
        ("ninety nine", 99),
        ("fifteen", 15),
    ],
)
def test_parse_number(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "two three",
        "seventy seventy",
        "block",
        "and",
        "hundred",
        "one and",
        "3-2",
        "-",
    ],
)
def test_parse_number_rejects_non_numbers(text):
    assert parse_number(text) is None


def test_find_numbers_takes_longest_phrases():
    words = "i walk a couple of blocks , two to three times , seventy - two".split()
    assert find_numbers(words) == [(2, 5, 2.0), (7, 10, 2.5), (12, 15, 72.0)]


@pytest.mark.parametrize(
    "text, months",
    [
        ("2 years", 24),
        ("2 yrs", 24),
        ("2 yr", 24),
        ("six months", 6),
        ("a year", 12),
        ("a year and a half", 18),
        ("18 months", 18),
        ("6 weeks", 1.5),
        ("six weeks", 1.5),
        ("6 wks", 1.5),
        ("a few months", 3),
        ("a couple of years", 24),
        ("several years", 36),
        ("a decade", 120),
        ("3 mos", 3),
        ("two to three years", 30),
        ("2-3 years", 30),
        ("one and a half years", 18),
        ("a year or two", 18),
        ("4 weeks", 1.0),
        ("12 weeks", 3.0),
        ("2 weeks", 0.5),
        ("10 weeks", 2.5),
        ("10 days", 0.33),
        ("30 days", 1),
        ("a month and a half", 1.5),
        ("two decades", 240),
    ],
)
def test_duration_to_months(text, months):
    assert duration_to_months(text) == pytest.approx(months)


@pytest.mark.parametrize("text", ["for a while", "since 2019", "years", "5 minutes", ""])
def test_duration_needs_number_and_unit(text):
    assert duration_to_months(text) is None


TODAY = date(2026, 11, 30)  # a Monday


@pytest.mark.parametrize(
    "text, months",
    [
        ("since 2019", 89.0),  # the middle of 2019
        ("started in 2021", 65.0),
        ("since about 2019", 89.0),
        ("since March", 8.0),  # whole months: 30 March this year
        ("since march 2024", 32.0),
        ("since December", 11.0),  # no December yet this year: last December
        ("since November", 0.5),  # this month: its middle
        ("since last November", 12.0),
        ("since the summer", 4.5),
        ("since last winter", 10.5),
        ("since spring 2025", 19.5),
        ("since christmas", 11.2),
        ("since thanksgiving", 0.13),
        ("since Monday", 0.0),
        ("since last Monday", 0.23),
        ("since the weekend", 0.07),
        ("since yesterday", 0.03),
        ("since last night", 0.03),
        ("since this morning", 0.0),
        ("since last week", 0.23),
        ("since last month", 1.0),
        ("since last year", 17.0),  # the middle of last year
        ("since this year", 5.0),
        ("since 2026", 5.0),
    ],
)
def test_months_since(text, months):
    assert months_since(text, TODAY) == pytest.approx(months)


def test_a_named_month_counts_whole_calendar_months_as_people_do():
    early_december = date(2026, 12, 4)
    assert months_since("since September", early_december) == 3.0  # not 2.6: not "under 3 months"
    assert months_since("since May", early_december) == 7.0
    assert months_since("since January", early_december) == 11.0
    assert months_since("since March 2025", early_december) == 21.0
    assert months_since("since February", date(2026, 3, 31)) == 1.0  # 28 February: its last day


def test_months_since_early_in_the_year_does_not_reach_into_the_future():
    february = date(2026, 2, 10)
    assert months_since("since 2026", february) == 0.67  # halfway from 1 January
    assert months_since("since feb", february) == 0.17


@pytest.mark.parametrize("text", ["since 2027", "since 1900", "since then", ""])
def test_months_since_needs_a_past_date(text):
    assert months_since(text, TODAY) is None


@pytest.mark.parametrize(
    "text, feet",
    [
        ("a block", 264),
        ("half a block", 132),
        ("two blocks", 528),
        ("2-3 blocks", 660),
        ("half a mile", 2640),
        ("a mile", 5280),
        ("100 yards", 300),
        ("50 feet", 50),
        ("5 minutes", 1320),
        ("10 min", 2640),
        ("a couple hundred feet", 200),
        ("a quarter mile", 1320),
        ("an hour", 15840),
        ("a mile and a half", 7920),
        ("a few steps", 7.5),
        ("30 seconds", 132),
    ],
)
def test_distance_to_feet(text, feet):
    assert distance_to_feet(text) == pytest.approx(feet)


@pytest.mark.parametrize(
    "feet, bucket",
    [
        (0, "under_50_feet"),
        (49.9, "under_50_feet"),
        (50, "50_feet_to_2_blocks"),
        (527.9, "50_feet_to_2_blocks"),
        (528, "2_blocks_to_2_miles"),
        (10559, "2_blocks_to_2_miles"),
        (10560, "over_2_miles"),
        (50000, "over_2_miles"),
    ],
)
def test_buckets_are_lower_inclusive(feet, bucket):
    assert feet_to_bucket(feet) == bucket


@pytest.mark.parametrize(
    "text, bucket",
    [
        ("a few steps", "under_50_feet"),
        ("49 feet", "under_50_feet"),
        ("a block", "50_feet_to_2_blocks"),
        ("half a block", "50_feet_to_2_blocks"),
        ("100 yards", "50_feet_to_2_blocks"),
        ("2 blocks", "2_blocks_to_2_miles"),
        ("5 minutes", "2_blocks_to_2_miles"),
        ("half a mile", "2_blocks_to_2_miles"),
        ("2 miles", "over_2_miles"),
        ("3 miles", "over_2_miles"),
        ("an hour", "over_2_miles"),
    ],
)
def test_walking_bucket(text, bucket):
    assert walking_bucket(text) == bucket


@pytest.mark.parametrize(
    "text, bucket",
    [
        ("2 miles", "2_blocks_to_2_miles"),
        ("2 blocks", "50_feet_to_2_blocks"),
        ("50 feet", "under_50_feet"),
    ],
)
def test_walking_bucket_upper_bound_is_just_below(text, bucket):
    assert walking_bucket(text, upper_bound=True) == bucket


@pytest.mark.parametrize(
    "text, age",
    [
        ("72", 72),
        ("seventy-two", 72),
        ("seventy two", 72),
        ("1", 1),
        ("120", 120),
        ("sixty five", 65),
    ],
)
def test_parse_age(text, age):
    assert parse_age(text) == age


@pytest.mark.parametrize("text", ["0", "121", "150", "72.5", "a", "a few", "-3", "", "old"])
def test_parse_age_rejects_non_ages(text):
    assert parse_age(text) is None
