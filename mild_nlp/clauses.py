"""Splitting a message into clauses, the unit the learned flag reader reads.

A clause is a sentence, cut again where a new statement starts inside it: after ";", "but",
"although", "also", "plus", "and also", and at a comma when both sides have at least three
words ("no fever, my bladder leaks since yesterday" is two statements). Short comma lists
stay together ("no fever, chills or weight loss"), so a negation keeps its list.
"""

from __future__ import annotations

import re
from typing import NamedTuple

MAX_CLAUSES = 24

_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*", re.UNICODE)
_BREAK = re.compile(
    r"\s*;\s*|\s*,?\s+\b(?:but|although|though|however|also|plus|and also|and now|and then|"
    r"and lately|and recently|oh and|btw|by the way)\b\s*",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z0-9']+")


class Clause(NamedTuple):
    text: str
    start: int
    end: int


def split_clauses(text: str) -> list[Clause]:
    """The clauses of `text` with their character offsets (at most MAX_CLAUSES)."""
    found: list[Clause] = []
    for sentence in _SENTENCE.finditer(text or ""):
        for start, end in _pieces(text, sentence.start(), sentence.end()):
            piece = text[start:end].strip(" ,.!?;:-\t")
            if _WORD.search(piece):
                offset = text.index(piece, start)
                found.append(Clause(piece, offset, offset + len(piece)))
    return found[:MAX_CLAUSES]


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    pieces: list[tuple[int, int]] = []
    cursor = start
    for brk in _BREAK.finditer(text, start, end):
        pieces.append((cursor, brk.start()))
        cursor = brk.end()
    pieces.append((cursor, end))
    result: list[tuple[int, int]] = []
    for a, b in pieces:
        result.extend(_comma_pieces(text, a, b))
    return [(a, b) for a, b in result if b > a]


def _comma_pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cut at commas whose two sides are both statements of three words or more."""
    cuts = [m.start() for m in re.finditer(",", text[start:end])]
    pieces, cursor = [], start
    for cut in cuts:
        left, right = text[cursor : start + cut], text[start + cut + 1 : end]
        if len(_WORD.findall(left)) >= 3 and len(_WORD.findall(_first_part(right))) >= 3:
            pieces.append((cursor, start + cut))
            cursor = start + cut + 1
    pieces.append((cursor, end))
    return pieces


def _first_part(text: str) -> str:
    return text.split(",", 1)[0]
