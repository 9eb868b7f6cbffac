"""Slot-filling accuracy on written cases: message -> questionnaire answers.

A message is read as the screening form reads it: mild_nlp's `understand`, a red flag
mention as red_flags yes, and the reply ("yes", "not sure") applied by the questionnaire to
the open question (for leg_symptoms that is the combined gate question "pain, numbness or
heaviness in your buttocks or legs when you walk or stand?"). The Rasa intent, which the form
also consults when no reply polarity is found, is not used here.

    python -m scripts.slot_eval tests/data/slots_blind/cases.yml [--show]

Each case gives the message, the question open when it was sent (`asked`) and the answers
it settles (`expect`, spec slot names and values). A (slot, value) pair counts as correct
when the value matches (durations within 0.1 month); a slot filled that was not expected
is a false positive. Prints micro precision/recall/F1, the share of messages read exactly
right, and per-slot F1; --show lists every message read differently.
"""

from __future__ import annotations

import sys
from collections import Counter

import yaml

from mild_nlp.extract import understand
from screening import checks, questionnaire


def _same(slot: str, got, want) -> bool:
    if got == ASKED:
        return want == "yes"
    if slot == "symptom_duration_months" and isinstance(got, (int, float)) and isinstance(want, (int, float)):
        return abs(got - want) <= 0.1
    return str(got) == str(want)


def read(text: str, asked: str | None) -> dict:
    """The answers one message settles, as the form would record them ("tried" kept).

    The message goes through screening.checks as in the form. A value held for a question
    back (a flag question, a read-back) counts as read: the person's "yes" stores it.
    """
    understanding = understand(text, asked)
    incoming = checks.Incoming(
        text=text,
        facts=checks.without_flag_facts(understanding.answers),
        reply=understanding.reply,
        findings=[f.as_dict() for f in understanding.flags],
        hedge=understanding.hedge,
        doubt=understanding.doubt,
        interjection=understanding.interjection,
        correction=understanding.is_correction,
    )
    dialogue = checks.Dialogue(questionnaire.State())
    turn = checks.take_turn(dialogue, asked, incoming)
    got = {s: v for s, v in turn.changes.items() if s in questionnaire.SLOTS and v is not None}
    facts = incoming.facts
    for slot in ("conservative_care", "injections"):  # the form asks how each one went
        if facts.get(slot) == "tried" and slot not in got:
            got[slot] = "tried"
    check = dialogue.check
    if check and check["kind"] == checks.FLAG:
        got[check["slot"]] = ASKED
        FLAG_QUESTIONS.append((text, check))
    elif check and check["kind"] == checks.ASK_BACK:
        got[check["slot"]] = check["value"]
    return got


FLAG_QUESTIONS: list = []
ASKED = "asked"  # a flag question is pending: caught if the flag is real ("yes" stores it)


def score(cases: list[dict]) -> tuple[dict, list[tuple[dict, dict]]]:
    counts: dict[str, Counter] = {}
    wrong = []
    for case in cases:
        got = read(case["text"], case.get("asked"))
        want = case.get("expect") or {}
        for slot in set(got) | set(want):
            c = counts.setdefault(slot, Counter())
            if slot in got and slot in want and _same(slot, got[slot], want[slot]):
                c["tp"] += 1
                continue
            if slot in got and not (got[slot] == ASKED and slot not in want):
                c["fp"] += 1  # a flag question on a message without the flag is counted apart
            if slot in want:
                c["fn"] += 1
        if {s for s in got if got[s] != ASKED or s in want} != set(want) or not all(
            _same(s, got[s], want[s]) for s in want
        ):
            wrong.append((case, got))
    return counts, wrong


def micro(counts: dict) -> tuple[float, float, float]:
    """Micro precision, recall and F1 over all slots."""
    return _f1(sum(counts.values(), Counter()))


def _f1(c: Counter) -> tuple[float, float, float]:
    p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
    r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main(path: str, show: bool = False) -> int:
    cases = yaml.safe_load(open(path, encoding="utf-8"))
    counts, wrong = score(cases)
    p, r, f = micro(counts)
    print(
        f"slot cases:        {len(cases)} messages, {sum(c['tp'] + c['fn'] for c in counts.values())} expected answers"
    )
    print(
        f"slot micro-F1:     {f:.3f}  (precision {p:.3f}, recall {r:.3f}); "
        f"messages read exactly right {1 - len(wrong) / len(cases):.1%}"
    )
    red = [c for c in cases if (c.get("expect") or {}).get("red_flags") == "yes"]
    red_caught = sum(read(c["text"], c.get("asked")).get("red_flags") in ("yes", ASKED) for c in red)
    FLAG_QUESTIONS.clear()
    for c in cases:
        read(c["text"], c.get("asked"))
    asked_needlessly = [
        t
        for t, chk in FLAG_QUESTIONS
        if not any(c["text"] == t and (c.get("expect") or {}).get(chk["slot"]) == "yes" for c in cases)
    ]
    print(
        f"red-flag recall:   {red_caught / len(red) if red else 1:.3f} ({red_caught}/{len(red)}; set or asked); "
        f"flag questions {len(FLAG_QUESTIONS)}, of them on messages without that flag {len(asked_needlessly)}"
    )
    print("per slot:          " + ", ".join(f"{s} {_f1(c)[2]:.2f}" for s, c in sorted(counts.items())))
    if show:
        for case, got in wrong:
            print(
                f"- {case['text']!r} (asked {case.get('asked')})\n"
                f"    expected {case.get('expect') or {}}\n    got      {got}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], "--show" in sys.argv[2:]))
