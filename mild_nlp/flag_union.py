"""Two readers for red and urgent flags, combined for recall.

The rules (mild_nlp.flags, over the spaCy pipeline) and the learned second reader
(mild_nlp.second_reader) each read the message. Their answers are combined:

- both say flag: the flag stands ("flag"), as a red flag always has: emergency at once;
- only one says flag, or the learned reader is unsure: "ask": the screening asks one
  targeted yes/no question that quotes the person's words before anything else;
- neither: nothing (a flag the rules read as negated or as an old injury is not asked
  about on an unsure learned reading alone).

No flag that either reader raises is dropped without a question.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from mild_nlp.flags import FlagMentions
from mild_nlp.kinds.replies import NO, is_bare_reply, reply_polarity
from mild_nlp.second_reader import FLAG, UNSURE, ClauseReading, SecondReader

RED, URGENT = "red", "urgent"
STANDS, ASK = "flag", "ask"
RULES, LEARNED = "rules", "learned"


@dataclass(frozen=True)
class FlagFinding:
    """A red or urgent flag one or both readers found in a message."""

    kind: str  # RED or URGENT
    decision: str  # STANDS (both readers) or ASK (one reader, or the learned one unsure)
    readers: tuple  # who raised it: (RULES, LEARNED), (RULES,), (LEARNED,)
    words: str  # the person's words, to quote in a question
    learned_probability: float  # the learned reader's probability for this kind
    learned_verdict: Optional[str] = None  # FLAG (sure), UNSURE or None

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "decision": self.decision,
            "readers": list(self.readers),
            "words": self.words,
            "learned_probability": round(self.learned_probability, 3),
            "learned_verdict": self.learned_verdict,
        }


def combine(
    text: str, rules: FlagMentions, readings: list[ClauseReading], reader: Optional[SecondReader]
) -> list[FlagFinding]:
    """The flags of a message, red before urgent (at most one finding per kind).

    A clause of nothing but reply words ("yes", "yes and yes") has no flag of its own: what
    it says comes from the open question, and the rules read it as that question's answer
    (a "yes" to the red-flag question is an emergency there). The learned reader, which sees
    the clause alone, is not asked about it."""
    readings = [r for r in readings if not is_bare_reply(r.text) and not _echo_answered_no(text, r, readings)]
    found = []
    for kind, ruled, blocked in ((RED, rules.red, rules.negated_red), (URGENT, rules.urgent, rules.old_injuries)):
        finding = _finding(kind, text, ruled, blocked, readings, reader)
        if finding:
            found.append(finding)
    return found


def _finding(kind, text, ruled, blocked, readings, reader) -> Optional[FlagFinding]:
    # the clause the learned reader gives a verdict (one its context head lets through), else the likeliest
    given = [r for r in readings if reader.verdict(r, kind)] if reader else []
    best = max(given or readings, key=lambda r: getattr(r, kind), default=None) if reader else None
    verdict = reader.verdict(best, kind) if best is not None else None
    probability = getattr(best, kind) if best is not None else 0.0
    if ruled:
        words = _clause_around(ruled[0], readings) or ruled[0]
        if verdict == FLAG:
            return FlagFinding(kind, STANDS, (RULES, LEARNED), words, probability, verdict)
        return FlagFinding(kind, ASK, (RULES,), words, probability, verdict)
    # a verdict is only given on a reading, so best is set whenever one is
    if best is not None and (verdict == FLAG or (verdict == UNSURE and not _blocked(best, blocked))):
        return FlagFinding(kind, ASK, (LEARNED,), best.text, probability, verdict)
    return None


def _echo_answered_no(text: str, reading: ClauseReading, readings: list[ClauseReading]) -> bool:
    """ "Cancer? No, never." / "Falls? None.": a topic echoed as a question and answered no at
    once is that answer, not a flag (a "yes" after it keeps the flag: "Bladder trouble? Yes")."""
    if not text[reading.end :].lstrip().startswith("?"):
        return False
    following = [r for r in readings if r.start > reading.end]
    if not following:
        return False
    answer = min(following, key=lambda r: r.start)
    return is_bare_reply(answer.text) and reply_polarity(answer.text) == NO


def _blocked(reading: ClauseReading, phrases: list[str]) -> bool:
    """The rules read this clause's flag as negated (or as an old injury)."""
    return any(p.lower() in reading.text.lower() for p in phrases)


def _clause_around(phrase: str, readings: list[ClauseReading]) -> Optional[str]:
    for r in readings:
        if phrase.lower() in r.text.lower():
            return r.text
    return None
