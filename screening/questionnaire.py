"""The questionnaire: which questions exist, which to ask next, and how a reply fills answers.

Plain Python, no Rasa imports. The Rasa form calls `plan()` after every message and asks the
slot it returns; `apply_understanding()` turns what the language layer understood of a message
into answer changes for the question that was open.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

from screening import triage

# Slot names, their order and values live in the catalogue; re-exported here for the form.
from screening.catalogue import (  # noqa: F401
    ALLOWED_VALUES,
    BOUNDS,
    CARE,
    DECLINED,
    NOTE_SLOTS,
    OUTCOME_SLOTS,
    SLOTS,
    TOLERANCE,
    YES_NO,
    YES_NO_UNSURE,
)

# Pseudo value from the language layer: a treatment was tried but its result was not said.
TRIED = "tried"
TREATMENT_SLOTS = ("conservative_care", "injections")
FLAG_SLOTS = ("red_flags", "urgent_flags")

# Question variants (each has its own wording in the domain).
GATE = "gate"  # leg symptoms on walking/standing, one question for two slots
LEG_AFTER_GATE_NO = "after_gate_no"  # "which part was no?", for the record
TREATMENT_RESULT = "result"  # "did it give you enough relief?" after "yes, I tried it"


@dataclass
class State:
    """Everything the questionnaire needs to know about one screening."""

    answers: dict = field(default_factory=dict)
    gate_answer: Optional[str] = None  # "no" or "unsure" to the combined gate question
    pending_result: Optional[str] = None  # treatment slot whose result we still need

    @classmethod
    def from_slots(cls, slots: Mapping[str, Any]) -> State:
        return cls(
            answers={s: slots.get(s) for s in SLOTS if slots.get(s) is not None},
            gate_answer=slots.get("gate_answer"),
            pending_result=slots.get("pending_result"),
        )

    def slot_values(self) -> dict:
        """The state as slot values (None for unanswered)."""
        values = {s: self.answers.get(s) for s in SLOTS}
        values["gate_answer"] = self.gate_answer
        values["pending_result"] = self.pending_result
        return values


@dataclass(frozen=True)
class Plan:
    decision: triage.Decision
    next_slot: Optional[str]  # the slot to ask (requested_slot), None when the screening is done
    variant: Optional[str]  # which wording of that question


def plan(state: State) -> Plan:
    decision = triage.decide(state.answers, state.gate_answer)
    slot = _next_slot(state, decision)
    return Plan(decision, slot, variant_for(state, slot) if slot else None)


def _next_slot(state: State, decision: triage.Decision) -> Optional[str]:
    answers = state.answers
    if decision.outcome == triage.EMERGENCY:
        return None
    if state.gate_answer == "no" and answers.get("leg_symptoms") is None:
        return "leg_symptoms"  # the outcome is settled; ask which part was no, for the record
    if not decision.determined:
        return next(s for s in OUTCOME_SLOTS if answers.get(s) is None)
    if decision.outcome in triage.CONSULT_OUTCOMES:
        return next((s for s in NOTE_SLOTS if answers.get(s) is None), None)
    return None


# The questions as the person meets them: the gate question asks two slots at once.
QUESTION_UNITS: tuple = tuple(
    [("red_flags",), ("urgent_flags",), ("leg_symptoms", "walking_standing_trigger")]
    + [(s,) for s in SLOTS if s not in ("red_flags", "urgent_flags", "leg_symptoms", "walking_standing_trigger")]
)


@dataclass(frozen=True)
class Progress:
    number: int  # the question being asked, counted from 1
    total: int  # about how many questions this screening will have, counted from the plan


def progress(state: State) -> Optional[Progress]:
    """ "Question `number` of about `total`", or None when no question is open.

    Answered questions count as asked; what is left comes from the plan: once the outcome is
    settled only the questions it still needs (the two record questions of a consultation
    outcome, or the one open question), before that every unanswered question, as in a
    textbook screening that goes all the way to a consultation.
    """
    current = plan(state)
    if current.next_slot is None:
        return None
    answers = state.answers
    open_units = [u for u in QUESTION_UNITS if any(answers.get(s) is None for s in u)]
    done = len(QUESTION_UNITS) - len(open_units)
    decision = current.decision
    if not decision.determined:
        left = len(open_units)
    elif decision.outcome in triage.CONSULT_OUTCOMES:
        left = len([u for u in open_units if set(u) <= set(NOTE_SLOTS)]) or 1
    else:
        left = 1
    return Progress(number=done + 1, total=done + left)


def variant_for(state: State, slot: str) -> str:
    """Which wording of the question for `slot` fits the state."""
    if slot == "leg_symptoms":
        if state.gate_answer == "no":
            return LEG_AFTER_GATE_NO
        if state.gate_answer is None and state.answers.get("walking_standing_trigger") is None:
            return GATE
    if slot in TREATMENT_SLOTS and state.pending_result == slot:
        return TREATMENT_RESULT
    return slot


@dataclass
class TurnResult:
    changes: dict = field(default_factory=dict)  # slot -> new value (answers and bookkeeping)
    understood: bool = False  # the message changed an answer
    corrections: list = field(default_factory=list)  # (slot, old, new)


def apply_understanding(
    state: State,
    requested_slot: Optional[str],
    answers: Mapping[str, Any],
    reply: Optional[str],
) -> TurnResult:
    """Apply what was understood of one message to the state (in place) and report the changes.

    `answers` are facts the message states (slot -> value, "tried" allowed for treatments);
    `reply` is the polarity of a direct reply ("yes"/"no"/"unsure"/"declined") and is read
    as the answer to `requested_slot`, the question that was open.
    """
    result = TurnResult()
    variant = variant_for(state, requested_slot) if requested_slot else None

    facts = dict(answers)
    if requested_slot and reply and requested_slot not in facts:
        facts.update(_reply_as_answers(requested_slot, variant, reply))
    if not facts:
        return result

    for slot, value in facts.items():
        if slot == "gate_answer":
            _set(state, result, slot, value)
            continue
        if slot not in SLOTS:
            continue
        if slot in TREATMENT_SLOTS and value == TRIED:
            if state.answers.get(slot) in ("failed", "helped"):
                continue  # already know how it went
            _set(state, result, slot, None)
            _set(state, result, "pending_result", slot)
            continue
        if not _valid(slot, value):
            continue
        if slot in FLAG_SLOTS and value == "no" and slot != requested_slot:
            continue  # "no fever" in passing does not answer the whole warning-sign question
        old = state.answers.get(slot)
        if old is not None and old != value:
            result.corrections.append((slot, old, value))
        _set(state, result, slot, value)
        if slot == state.pending_result:
            _set(state, result, "pending_result", None)
    # A direct answer to one of the gate's parts replaces an earlier "no" to the combined question.
    if (
        state.gate_answer == "no"
        and state.answers.get("walking_standing_trigger") == "yes"
        and state.answers.get("leg_symptoms") == "yes"
    ):
        _set(state, result, "gate_answer", None)
    result.understood = bool(result.changes)
    return result


def _set(state: State, result: TurnResult, slot: str, value: Any) -> None:
    if slot == "gate_answer":
        state.gate_answer = value
    elif slot == "pending_result":
        state.pending_result = value
    elif value is None:
        state.answers.pop(slot, None)
    else:
        state.answers[slot] = value
    result.changes[slot] = value


def _valid(slot: str, value: Any) -> bool:
    if slot == "age_years" and value == DECLINED:
        return True
    if slot in BOUNDS:
        return BOUNDS[slot].admits(value)
    return value in ALLOWED_VALUES.get(slot, ())


def _reply_as_answers(slot: str, variant: Optional[str], reply: str) -> dict:
    """What a bare yes / no / not sure / rather not say means for the open question."""
    if variant == GATE:
        if reply == "yes":
            return {"leg_symptoms": "yes", "walking_standing_trigger": "yes"}
        if reply in ("no", "unsure"):
            return {"gate_answer": reply}
        return {}
    if variant == LEG_AFTER_GATE_NO:
        # "No" to the gate, and now: any leg symptoms at all? Yes means they don't come with walking.
        if reply == "yes":
            return {"leg_symptoms": "yes", "walking_standing_trigger": "no"}
        if reply in ("no", "unsure"):
            return {"leg_symptoms": reply}
        return {}
    if variant == TREATMENT_RESULT:
        # "Did it give you enough lasting relief?"
        return {slot: {"yes": "helped", "no": "failed"}[reply]} if reply in ("yes", "no") else {}
    if slot in TREATMENT_SLOTS:
        if reply == "no":
            return {slot: "not_tried"}
        if reply == "yes":
            return {slot: TRIED}
        return {}
    if slot == "age_years":
        return {slot: "declined"} if reply == "declined" else {}
    allowed = ALLOWED_VALUES.get(slot, ())
    return {slot: reply} if reply in allowed else {}


def summary(state: State) -> dict:
    """The answers so far in spec order, for read-backs and side panels."""
    return {s: state.answers.get(s) for s in SLOTS}
