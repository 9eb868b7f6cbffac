"""Hedges: "I haven't paid attention", "depends on the day", "hard to say".

A hedge is the person telling us they do not know. Where the spec allows `unsure`, a hedge
is `unsure` and never `no`, even when the hedge is worded with a negation ("I haven't
noticed whether sitting helps" is not "sitting does not help"). Where the spec does not
allow `unsure`, the questionnaire asks a short clarifying question instead
(screening.checks).
"""

from __future__ import annotations

import re

# Each entry is a regular expression over the lowercased text with apostrophes removed.
HEDGES = [
    r"\b(?:have|has|had)(?:nt| not| never)\b.{0,20}\b(?:paid|payed) (?:any |much )?attention",
    r"\b(?:never|not|havent|hadnt|didnt|dont) (?:really )?"
    r"(?:noticed?|checked|tried|thought about|paid attention to) (?:whether|if)\b",
    r"\b(?:never|not|havent|hadnt|didnt|dont) (?:really )?"
    r"(?:pay(?:ed|ing)? (?:any |much )?attention|thought about it|kept track)",
    r"\bnot (?:paid|paying) (?:any |much )?attention",
    r"\bno (?:clear |real )?pattern\b",
    r"\bhavent (?:seen|found|figured out) a pattern",
    r"\bdepends\b",
    r"\bit varies\b",
    r"\bvaries\b",
    r"\bsome days\b",
    r"\bhit (?:or|and) miss\b",
    r"\bon and off\b",
    r"\boff and on\b",
    r"\bhard to (?:say|tell|know)\b",
    r"\bcant (?:really )?(?:say|tell)\b",
    r"\bcouldnt (?:say|tell)\b",
    r"\b(?:not|isnt|arent|wasnt|aint) (?:really |quite |too )?sure\b",
    r"\bunsure\b",
    r"\b(?:dont|doesnt) (?:really )?know\b",  # a relative typing: "he doesn't know"
    r"\b(?:dont|doesnt) (?:really )?no (?:if|whether|what|how|when)\b",  # dictation: "I don't no if"
    r"\bdunno\b",
    r"\bidk\b",
    r"\bno idea\b",
    r"\bnot certain\b",
    r"\bcant remember\b",
    r"\bdont remember\b",
    r"\bdont recall\b",
    r"\bcant recall\b",
    r"\bwouldnt know\b",
    r"\bnever (?:really )?thought about\b",
    r"\bsometimes yes sometimes no\b",
    r"\bsometimes\b.{1,40}\bsometimes (?:it |they |that )?(?:doesnt|dont|does not|do not|not|no|nothing|worse)\b",
    r"\byes and no\b",
]
# Softer words: "maybe a block", "sort of", "sometimes". They make a yes/no reply `unsure`
# where no clearer answer is given, but an estimate with them ("maybe a block") is an
# estimate, not doubt: it is not read back.
SOFT_HEDGES = [
    r"\bmixed\b",
    r"\bsort of\b",
    r"\bkind of\b",
    r"\bkinda\b",
    r"\bmaybe\b",
    r"\bnot always\b",
    r"\bsometimes\b",
]
_HEDGE = re.compile("|".join(f"(?:{h})" for h in HEDGES + SOFT_HEDGES))
_DOUBT = re.compile("|".join(f"(?:{h})" for h in HEDGES))


def _plain(text: str) -> str:
    return re.sub(r"[’'‘]", "", (text or "").lower())


def hedge_in(text: str) -> str | None:
    """The hedge phrase in `text`, or None."""
    match = _HEDGE.search(_plain(text))
    return match.group(0) if match else None


def doubt_in(text: str) -> str | None:
    """A phrase of real doubt ("not sure", "hard to say", "depends"), or None: a number
    said with it is read back before it is stored."""
    match = _DOUBT.search(_plain(text))
    return match.group(0) if match else None
