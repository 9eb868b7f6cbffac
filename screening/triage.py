"""MILD consultation screening: the decision table of the clinical spec, rules version 1.

This module is the one place where the outcome is decided. It has no Rasa imports so that
the clinic's medical director can read it on its own and it can be tested on its own.

The rules are evaluated top-down and the first rule that matches wins:

  1 emergency           red_flags = yes
  2 urgent_review       urgent_flags = yes
  3 not_indicated       leg_symptoms = no, or walking_standing_trigger = no,
                        or sitting_leaning_relief = no, or walking_tolerance = over_2_miles
                        (or "no" to the combined gate question that asks both of the first two)
  4 conservative_first  symptom_duration_months < 3, or conservative_care = not_tried or helped
  5 recommend_consult   conservative_care = failed and injections = failed, and no downgrade
  6 possible_consult    everything else

Downgrades from 5 to 6: injections not_tried or helped; leg_symptoms,
walking_standing_trigger or sitting_leaning_relief unsure; prior_back_surgery = yes;
age_years under 50.

Each condition is written once, as a `Condition` that carries its reason code; a rule's
reasons are the conditions that hold, so an outcome can never drift from its reasons.

Answers that are still unknown make a rule "unknown" (three-valued logic). The outcome is
determined as soon as some rule is certainly true while every rule above it is certainly
false, so the screening can stop early once no later answer can change the outcome.
Red flags are therefore always needed first: until they are answered rule 1 is unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping, Optional

RULES_VERSION = "1"

EMERGENCY = "emergency"
URGENT_REVIEW = "urgent_review"
NOT_INDICATED = "not_indicated"
CONSERVATIVE_FIRST = "conservative_first"
RECOMMEND_CONSULT = "recommend_consult"
POSSIBLE_CONSULT = "possible_consult"

OUTCOMES = (
    EMERGENCY,
    URGENT_REVIEW,
    NOT_INDICATED,
    CONSERVATIVE_FIRST,
    RECOMMEND_CONSULT,
    POSSIBLE_CONSULT,
)
# Outcomes after which an appointment request is offered.
APPOINTMENT_OUTCOMES = (RECOMMEND_CONSULT, POSSIBLE_CONSULT, CONSERVATIVE_FIRST)
# Outcomes that offer a consultation about MILD: imaging and blood thinners are asked for these.
CONSULT_OUTCOMES = (RECOMMEND_CONSULT, POSSIBLE_CONSULT)

MIN_DURATION_MONTHS = 3
MIN_AGE_YEARS = 50
MEDICARE_AGE_YEARS = 65

# Three-valued logic: True, False, or None for "not known yet".
Truth = Optional[bool]


@dataclass(frozen=True)
class Reason:
    """One answer that led to the outcome. `code` is stable; the wording lives in screening.wording."""

    code: str
    slot: str
    value: Any

    def as_dict(self) -> dict:
        return {"code": self.code, "slot": self.slot, "value": self.value}


@dataclass(frozen=True)
class Note:
    """Information shown with the outcome that never changes it."""

    code: str

    def as_dict(self) -> dict:
        return {"code": self.code}


@dataclass(frozen=True)
class Decision:
    outcome: Optional[str]
    reasons: tuple[Reason, ...] = ()
    notes: tuple[Note, ...] = ()
    rules_version: str = RULES_VERSION

    @property
    def determined(self) -> bool:
        return self.outcome is not None


def _any(*values: Truth) -> Truth:
    if any(v is True for v in values):
        return True
    if all(v is False for v in values):
        return False
    return None


def _all(*values: Truth) -> Truth:
    if any(v is False for v in values):
        return False
    if all(v is True for v in values):
        return True
    return None


@dataclass
class _Answers:
    """Read access to the answers with three-valued comparisons."""

    values: Mapping[str, Any]
    gate_answer: Optional[str] = None

    def get(self, slot: str) -> Any:
        return self.values.get(slot)

    def equals(self, slot: str, *accepted: Any) -> Truth:
        value = self.values.get(slot)
        if value is None:
            return None
        return value in accepted

    def number_below(self, slot: str, limit: float) -> Truth:
        value = self.values.get(slot)
        if value is None:
            return None
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return False  # "declined" age: no downgrade
        return value < limit


# --- the conditions, each with the reason it gives -------------------------------------------


@dataclass(frozen=True)
class Condition:
    """One condition of the table, stated once: its test and the reason it gives when it holds.

    `shown` can hold back a reason that another one already says; a rule that holds always
    lists at least one of the conditions that made it hold, so no outcome lacks its reason.
    """

    code: str
    slot: str
    test: Callable[[_Answers], Truth]
    value: Any = None  # the reason's value; default: the answer
    shown: Callable[[_Answers], bool] = lambda _a: True

    def holds(self, a: _Answers) -> Truth:
        return self.test(a)

    def reason(self, a: _Answers) -> Reason:
        return Reason(self.code, self.slot, a.get(self.slot) if self.value is None else self.value)


def _is(code: str, slot: str, *accepted: Any) -> Condition:
    return Condition(code, slot, lambda a: a.equals(slot, *accepted))


def _under(code: str, slot: str, limit: float) -> Condition:
    return Condition(code, slot, lambda a: a.number_below(slot, limit))


def _not(value: Truth) -> Truth:
    return None if value is None else not value


def _gate_no(a: _Answers) -> Truth:
    # "No" to the combined question about leg symptoms on walking/standing settles rule 3
    # whichever part was no; until then the separate answers decide.
    return True if a.gate_answer == "no" else False


RED_FLAGS = _is("red_flags", "red_flags", "yes")
URGENT_FLAGS = _is("urgent_flags", "urgent_flags", "yes")

NOT_INDICATED_IF = (
    Condition(
        "gate_no", "walking_standing_trigger", _gate_no, value="no", shown=lambda a: a.get("leg_symptoms") is None
    ),
    _is("no_leg_symptoms", "leg_symptoms", "no"),
    _is("no_walking_standing_trigger", "walking_standing_trigger", "no"),
    _is("no_sitting_relief", "sitting_leaning_relief", "no"),
    _is("walks_over_2_miles", "walking_tolerance", "over_2_miles"),
)

CONSERVATIVE_FIRST_IF = (
    _under("short_duration", "symptom_duration_months", MIN_DURATION_MONTHS),
    _is("conservative_care_not_tried", "conservative_care", "not_tried"),
    _is("conservative_care_helped", "conservative_care", "helped"),
)

# Rule 5 needs both treatments failed ...
CONSERVATIVE_CARE_FAILED = _is("conservative_care_failed", "conservative_care", "failed")
INJECTIONS_FAILED = _is("injections_failed", "injections", "failed")

# ... and none of these downgrades to rule 6.
DOWNGRADES = (
    _is("injections_not_tried", "injections", "not_tried"),
    _is("injections_helped", "injections", "helped"),
    _is("leg_symptoms_unsure", "leg_symptoms", "unsure"),
    _is("walking_standing_trigger_unsure", "walking_standing_trigger", "unsure"),
    _is("sitting_leaning_relief_unsure", "sitting_leaning_relief", "unsure"),
    _is("prior_back_surgery", "prior_back_surgery", "yes"),
    _under("age_under_50", "age_years", MIN_AGE_YEARS),
)

# The answers that fit the pattern MILD treats: the reasons given with a consultation outcome.
FITS = (
    _is("leg_symptoms_present", "leg_symptoms", "yes"),
    _is("walking_standing_trigger", "walking_standing_trigger", "yes"),
    _is("sitting_leaning_relief", "sitting_leaning_relief", "yes"),
    _is("walking_limited", "walking_tolerance", "under_50_feet", "50_feet_to_2_blocks", "2_blocks_to_2_miles"),
    Condition(
        "long_duration",
        "symptom_duration_months",
        lambda a: _not(a.number_below("symptom_duration_months", MIN_DURATION_MONTHS)),
    ),
    CONSERVATIVE_CARE_FAILED,
    INJECTIONS_FAILED,
)


# --- the table ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One row: the outcome holds when `any` (or `all`) of its conditions hold and none of `unless`.

    The reasons are the conditions in `explained_by` that hold (by default the rule's own
    conditions), so an outcome is always given with the answers that decided it.
    """

    outcome: str
    conditions: tuple[Condition, ...] = ()
    match: str = "any"  # "any", "all", or "always" for the last row
    unless: tuple[Condition, ...] = ()
    explained_by: Optional[tuple[Condition, ...]] = None

    def truth(self, a: _Answers) -> Truth:
        if self.match == "always":
            return True
        combine = _any if self.match == "any" else _all
        truth = combine(*(c.holds(a) for c in self.conditions))
        if self.unless:
            truth = _all(truth, _not(_any(*(c.holds(a) for c in self.unless))))
        return truth

    def reasons(self, a: _Answers) -> list[Reason]:
        holding = [
            c for c in (self.conditions if self.explained_by is None else self.explained_by) if c.holds(a) is True
        ]
        shown = [c for c in holding if c.shown(a)] or holding
        return [c.reason(a) for c in shown]


RULES: tuple[Rule, ...] = (
    Rule(EMERGENCY, (RED_FLAGS,)),
    Rule(URGENT_REVIEW, (URGENT_FLAGS,)),
    Rule(NOT_INDICATED, NOT_INDICATED_IF),
    Rule(CONSERVATIVE_FIRST, CONSERVATIVE_FIRST_IF),
    Rule(
        RECOMMEND_CONSULT,
        (CONSERVATIVE_CARE_FAILED, INJECTIONS_FAILED),
        match="all",
        unless=DOWNGRADES,
        explained_by=FITS,
    ),
    Rule(POSSIBLE_CONSULT, match="always", explained_by=FITS + DOWNGRADES),
)


def decide(answers: Mapping[str, Any], gate_answer: Optional[str] = None) -> Decision:
    """The outcome for these answers, or Decision(None) while later answers could change it."""
    a = _Answers(answers, gate_answer)
    for rule in RULES:
        truth = rule.truth(a)
        if truth is None:
            return Decision(None)
        if truth:
            return Decision(rule.outcome, tuple(rule.reasons(a)), tuple(_notes(rule.outcome, a)))
    raise AssertionError("the last rule always matches")  # pragma: no cover


# --- notes: shown with the outcome, never changing it -------------------------------------------


def _notes(outcome: str, a: _Answers) -> list[Note]:
    if outcome not in APPOINTMENT_OUTCOMES:
        return []
    notes = []
    if a.equals("blood_thinners", "yes"):
        notes.append(Note("blood_thinners"))
    if outcome in CONSULT_OUTCOMES and a.equals("imaging_stenosis", "no", "unsure"):
        notes.append(Note("no_imaging"))
    age = a.get("age_years")
    if isinstance(age, int) and not isinstance(age, bool) and age >= MEDICARE_AGE_YEARS:
        notes.append(Note("medicare"))
    return notes
