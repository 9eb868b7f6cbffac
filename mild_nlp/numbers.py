"""Numbers written in digits or words, as patients type them.

`parse_number("seventy-two")` -> 72, `parse_number("a couple of")` -> 2,
`parse_number("2-3")` -> 2.5 (ranges become their midpoint).

`find_numbers(words)` scans a list of lowercase tokens (spaCy's tokenisation:
"seventy-two" is ["seventy", "-", "two"]) for the longest number phrases and
returns their token offsets, so the spaCy component can mark them.
"""

import re

UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fourty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
SCALES = {"hundred": 100, "thousand": 1000}

# Vague quantities, as the clinical team agreed to read them.
VAGUE = {
    ("a", "couple", "of"): 2,
    ("a", "couple"): 2,
    ("couple", "of"): 2,
    ("couple",): 2,
    ("a", "few"): 3,
    ("few",): 3,
    ("several",): 3,
    ("a", "handful", "of"): 3,
    ("a", "dozen"): 12,
    ("dozen",): 12,
}
FRACTIONS = {
    ("half", "a"): 0.5,
    ("half", "an"): 0.5,
    ("a", "half"): 0.5,
    ("half",): 0.5,
    ("one", "half"): 0.5,
    ("a", "quarter", "of", "a"): 0.25,
    ("a", "quarter", "of", "an"): 0.25,
    ("quarter", "of", "a"): 0.25,
    ("a", "quarter"): 0.25,
    ("quarter",): 0.25,
    ("three", "quarters", "of", "a"): 0.75,
    ("three", "quarters"): 0.75,
}
ARTICLES = {"a": 1, "an": 1}
UNICODE_FRACTIONS = {"½": 0.5, "¼": 0.25, "¾": 0.75}
RANGE_JOINERS = {"-", "to", "or", "–", "—"}

# Every word that can start or continue a number phrase (for quick rejection).
NUMBER_WORDS = (
    set(UNITS)
    | set(TENS)
    | set(SCALES)
    | set(ARTICLES)
    | {w for key in list(VAGUE) + list(FRACTIONS) for w in key}
    | {"and", "quarters"}
)

_DIGITS = re.compile(r"^\d{1,7}(?:,\d{3})*(?:\.\d+)?$")
_SLASH_FRACTION = re.compile(r"^(\d{1,3})/(\d{1,3})$")
_WORD_PATTERN = re.compile(r"\d+(?:[.,]\d+)*(?:/\d+)?|[a-z]+|[½¼¾]|[-–—]")
MAX_PHRASE_TOKENS = 9


def parse_number(text: str) -> float | None:
    """Parse a whole phrase as one number; None if it is not exactly a number."""
    return parse_words(split_words(text))


def split_words(text: str) -> list[str]:
    """Lowercase word/number/hyphen tokens, split the way spaCy splits them."""
    return _WORD_PATTERN.findall((text or "").lower())


def parse_words(words: list[str] | tuple[str, ...]) -> float | None:
    """Parse a token sequence as one number (or a range, giving its midpoint)."""
    words = tuple(words)
    if not words:
        return None
    for i, word in enumerate(words):
        if word in RANGE_JOINERS and 0 < i < len(words) - 1:
            low, high = _parse_single(words[:i]), _parse_single(words[i + 1 :])
            if low is not None and high is not None and words[:i] not in {("a",), ("an",)} and low < high:
                return _clean((low + high) / 2)
    return _parse_single(words)


def find_numbers(words: list[str]) -> list[tuple[int, int, float]]:
    """Longest non-overlapping number phrases in `words`: (start, end, value)."""
    found, i = [], 0
    while i < len(words):
        if not _may_start_number(words[i]):
            i += 1
            continue
        best = None
        for end in range(min(len(words), i + MAX_PHRASE_TOKENS), i, -1):
            if words[end - 1] in RANGE_JOINERS or words[end - 1] == "and":
                continue
            value = parse_words(words[i:end])
            if value is not None:
                best = (i, end, value)
                break
        if best:
            found.append(best)
            i = best[1]
        else:
            i += 1
    return found


def _may_start_number(word: str) -> bool:
    return word in NUMBER_WORDS or word in UNICODE_FRACTIONS or word[:1].isdigit()


def _parse_single(words: tuple[str, ...]) -> float | None:
    """A number that is not a range."""
    if not words:
        return None
    if len(words) > 3 and words[-3:] in {("and", "a", "half"), ("and", "one", "half")}:
        whole = _parse_single(words[:-3])
        return None if whole is None or whole != int(whole) else whole + 0.5
    if words[-2:] == ("and", "a") or words[-1:] == ("and",):
        return None
    if words in FRACTIONS:
        return FRACTIONS[words]
    if words[-1] in SCALES and words[:-1] in VAGUE:
        return float(VAGUE[words[:-1]] * SCALES[words[-1]])
    if words in VAGUE:
        return float(VAGUE[words])
    if len(words) == 1:
        return _parse_token(words[0])
    if words[0] in ARTICLES and words[1] in SCALES:
        return _parse_cardinal(("one",) + words[1:])
    return _parse_cardinal(words)


def _parse_token(word: str) -> float | None:
    if word in ARTICLES:
        return 1.0
    if word in UNICODE_FRACTIONS:
        return UNICODE_FRACTIONS[word]
    if _DIGITS.match(word):
        return _clean(float(word.replace(",", "")))
    fraction = _SLASH_FRACTION.match(word)
    if fraction and int(fraction.group(2)) != 0:
        return _clean(int(fraction.group(1)) / int(fraction.group(2)))
    return _parse_cardinal((word,))


def _parse_cardinal(words: tuple[str, ...]) -> float | None:
    """Cardinal words: "seventy two", "seventy - two", "one hundred and five"."""
    total, current, previous = 0, 0, None
    for word in words:
        if word == "-":
            if previous != "ten":
                return None
            continue
        if word == "and":
            if previous != "scale":
                return None
            previous = "and"
            continue
        if word in UNITS:
            if previous in ("unit", "teen") or (previous == "ten" and UNITS[word] >= 10):
                return None
            current += UNITS[word]
            previous = "teen" if UNITS[word] >= 10 else "unit"
        elif word in TENS:
            if previous in ("unit", "teen", "ten"):
                return None
            current += TENS[word]
            previous = "ten"
        elif word in SCALES:
            if previous in (None, "and", "scale"):
                return None
            if word == "hundred":
                current *= 100
            else:
                total += current * 1000
                current = 0
            previous = "scale"
        else:
            return None
    if previous in (None, "and"):
        return None
    return float(total + current)


def _clean(value: float) -> float:
    """Round away binary noise (2.5 stays 2.5, 0.1 + 0.2 becomes 0.3)."""
    return round(value, 6)
