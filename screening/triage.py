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


# --- the rules' conditions, each a function of the answers -----------------------------------

def _red_flags(a: _Answers) -> Truth:
    return a.equals("red_flags", "yes")


def _urgent_flags(a: _Answers) -> Truth:
    return a.equals("urgent_flags", "yes")


def _gate_no(a: _Answers) -> Truth:
    # "No" to the combined question about leg symptoms on walking/standing settles rule 3
    # whichever part was no; until then the separate answers decide.
    return True if a.gate_answer == "no" else False


def _not_indicated(a: _Answers) -> Truth:
    return _any(
        _gate_no(a),
        a.equals("leg_symptoms", "no"),
        a.equals("walking_standing_trigger", "no"),
        a.equals("sitting_leaning_relief", "no"),
        a.equals("walking_tolerance", "over_2_miles"),
    )


def _conservative_first(a: _Answers) -> Truth:
    return _any(
        a.number_below("symptom_duration_months", MIN_DURATION_MONTHS),
        a.equals("conservative_care", "not_tried", "helped"),
    )


def _downgrades(a: _Answers) -> Truth:
    return _any(
        a.equals("injections", "not_tried", "helped"),
        a.equals("leg_symptoms", "unsure"),
        a.equals("walking_standing_trigger", "unsure"),
        a.equals("sitting_leaning_relief", "unsure"),
        a.equals("prior_back_surgery", "yes"),
        a.number_below("age_years", MIN_AGE_YEARS),
    )


def _recommend(a: _Answers) -> Truth:
    no_downgrade = _downgrades(a)
    return _all(
        a.equals("conservative_care", "failed"),
        a.equals("injections", "failed"),
        None if no_downgrade is None else not no_downgrade,
    )


def _everything_else(_a: _Answers) -> Truth:
    return True


RULES: tuple[tuple[str, Callable[[_Answers], Truth]], ...] = (
    (EMERGENCY, _red_flags),
    (URGENT_REVIEW, _urgent_flags),
    (NOT_INDICATED, _not_indicated),
    (CONSERVATIVE_FIRST, _conservative_first),
    (RECOMMEND_CONSULT, _recommend),
    (POSSIBLE_CONSULT, _everything_else),
)


def decide(answers: Mapping[str, Any], gate_answer: Optional[str] = None) -> Decision:
    """The outcome for these answers, or Decision(None) while later answers could change it."""
    a = _Answers(answers, gate_answer)
    for outcome, condition in RULES:
        truth = condition(a)
        if truth is None:
            return Decision(None)
        if truth:
            return Decision(outcome, tuple(_reasons(outcome, a)), tuple(_notes(outcome, a)))
    raise AssertionError("the last rule always matches")  # pragma: no cover


# --- reasons and notes ------------------------------------------------------------------------

def _matching(a: _Answers, checks: list[tuple[str, str, Callable[[_Answers], Truth]]]) -> list[Reason]:
    return [Reason(code, slot, a.get(slot)) for code, slot, check in checks if check(a) is True]


def _fit_reasons(a: _Answers) -> list[Reason]:
    """The answers that fit the pattern MILD treats, for the consultation outcomes."""
    return _matching(a, [
        ("leg_symptoms_present", "leg_symptoms", lambda x: x.equals("leg_symptoms", "yes")),
        ("walking_standing_trigger", "walking_standing_trigger",
         lambda x: x.equals("walking_standing_trigger", "yes")),
        ("sitting_leaning_relief", "sitting_leaning_relief",
         lambda x: x.equals("sitting_leaning_relief", "yes")),
        ("walking_limited", "walking_tolerance",
         lambda x: x.equals("walking_tolerance", "under_50_feet", "50_feet_to_2_blocks", "2_blocks_to_2_miles")),
        ("long_duration", "symptom_duration_months",
         lambda x: _not(x.number_below("symptom_duration_months", MIN_DURATION_MONTHS))),
        ("conservative_care_failed", "conservative_care", lambda x: x.equals("conservative_care", "failed")),
        ("injections_failed", "injections", lambda x: x.equals("injections", "failed")),
    ])


def _downgrade_reasons(a: _Answers) -> list[Reason]:
    return _matching(a, [
        ("injections_not_tried", "injections", lambda x: x.equals("injections", "not_tried")),
        ("injections_helped", "injections", lambda x: x.equals("injections", "helped")),
        ("leg_symptoms_unsure", "leg_symptoms", lambda x: x.equals("leg_symptoms", "unsure")),
        ("walking_standing_trigger_unsure", "walking_standing_trigger",
         lambda x: x.equals("walking_standing_trigger", "unsure")),
        ("sitting_leaning_relief_unsure", "sitting_leaning_relief",
         lambda x: x.equals("sitting_leaning_relief", "unsure")),
        ("prior_back_surgery", "prior_back_surgery", lambda x: x.equals("prior_back_surgery", "yes")),
        ("age_under_50", "age_years", lambda x: x.number_below("age_years", MIN_AGE_YEARS)),
    ])


def _not(value: Truth) -> Truth:
    return None if value is None else not value


def _reasons(outcome: str, a: _Answers) -> list[Reason]:
    if outcome == EMERGENCY:
        return [Reason("red_flags", "red_flags", "yes")]
    if outcome == URGENT_REVIEW:
        return [Reason("urgent_flags", "urgent_flags", "yes")]
    if outcome == NOT_INDICATED:
        reasons = []
        if a.gate_answer == "no" and a.get("leg_symptoms") is None:
            reasons.append(Reason("gate_no", "walking_standing_trigger", "no"))
        reasons += _matching(a, [
            ("no_leg_symptoms", "leg_symptoms", lambda x: x.equals("leg_symptoms", "no")),
            ("no_walking_standing_trigger", "walking_standing_trigger",
             lambda x: x.equals("walking_standing_trigger", "no")),
            ("no_sitting_relief", "sitting_leaning_relief", lambda x: x.equals("sitting_leaning_relief", "no")),
            ("walks_over_2_miles", "walking_tolerance", lambda x: x.equals("walking_tolerance", "over_2_miles")),
        ])
        return reasons
    if outcome == CONSERVATIVE_FIRST:
        return _matching(a, [
            ("short_duration", "symptom_duration_months",
             lambda x: x.number_below("symptom_duration_months", MIN_DURATION_MONTHS)),
            ("conservative_care_not_tried", "conservative_care",
             lambda x: x.equals("conservative_care", "not_tried")),
            ("conservative_care_helped", "conservative_care", lambda x: x.equals("conservative_care", "helped")),
        ])
    if outcome == RECOMMEND_CONSULT:
        return _fit_reasons(a)
    return _fit_reasons(a) + _downgrade_reasons(a)


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
