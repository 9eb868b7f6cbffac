"""Asking back: flag questions, clarifications, read-backs and confirmations.

Plain Python, no Rasa imports. The screening form hands every message to `take_turn`,
which decides, before the questionnaire applies anything, whether the assistant must ask
back instead of storing silently:

- a flag question ("flag"): one reader alone found a red or urgent flag, or the learned
  reader was unsure (mild_nlp.flag_union). Yes, or a reply that repeats the flag, sets the
  flag; no goes back to the open question; "not sure" gets the question once more with the
  safety advice, and a second "not sure" is taken as yes: never guess toward "no". After a
  "no", an unsure reading of the learned reader alone does not ask the same again. A message
  that raises both kinds asks the red question first and, after a "no", the urgent one.
- a clarification ("clarify"): "not sure" to a question whose values have no `unsure`
  (red_flags, urgent_flags, prior_back_surgery, blood_thinners). Asked once; a second
  "not sure" takes the cautious value (yes), and the record says so.
- a read-back ("ask_back"): a hedged number ("maybe a block or two, I'm not sure") is put
  back as a yes/no question before it is stored.
- a confirmation ("confirm"): an answer read from a longer typed message that ends the
  screening as not_indicated or conservative_first is confirmed, quoting the person's
  words, before the outcome is given. Button answers and short direct replies ("no", "6 weeks")
  to the question asked need none. After a "no" the question is asked again: the same
  reading in other words is then taken as meant, but the very same words are not stored
  again (their reading is at fault): the turn counts as not understood, so the question
  comes back with its help and buttons.

Every answer keeps where it came from (`sources`: button, stated, confirmed, clarified,
corrected, flag_question) and every check is logged (`log`), for the clinician's record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from screening import questionnaire, triage
from screening.questionnaire import State

FLAG, CLARIFY, ASK_BACK, CONFIRM = "flag", "clarify", "ask_back", "confirm"
FLAG_SLOT = {"red": "red_flags", "urgent": "urgent_flags"}
NO_UNSURE_SLOTS = ("red_flags", "urgent_flags", "prior_back_surgery", "blood_thinners")
CAUTIOUS_VALUE = {slot: "yes" for slot in NO_UNSURE_SLOTS}
READ_BACK_SLOTS = ("walking_tolerance", "symptom_duration_months", "age_years")
CONFIRM_OUTCOMES = (triage.NOT_INDICATED, triage.CONSERVATIVE_FIRST)
FREE_TEXT = ("stated", "corrected")
MAX_WORDS = 160
DIRECT_WORDS = 4  # "no", "6 weeks": a direct reply to the question asked, not a reading of a story

# Question variants (question_variant slot) of the checks.
VARIANTS = {FLAG: "flag_check", CLARIFY: "clarify", ASK_BACK: "ask_back", CONFIRM: "confirm"}
FLAG_UNSURE_VARIANT = "flag_check_unsure"


@dataclass
class Incoming:
    """One message as the readers understood it."""

    text: str = ""
    facts: dict = field(default_factory=dict)
    reply: Optional[str] = None
    findings: list = field(default_factory=list)  # flag_union.FlagFinding.as_dict() items
    from_button: bool = False
    hedge: Optional[str] = None
    doubt: Optional[str] = None  # firm doubt ("not sure"): a number said with it is read back
    interjection: Optional[str] = None
    check_answer: Optional[str] = None  # "yes"/"no" from a button on a check question
    correction: bool = False  # says it corrects an earlier answer ("actually", "I meant")


@dataclass
class Dialogue:
    """The questionnaire state plus what the checks need to remember."""

    state: State
    check: Optional[dict] = None
    sources: dict = field(default_factory=dict)
    log: list = field(default_factory=list)


@dataclass
class Turn:
    changes: dict = field(default_factory=dict)  # answer slots and questionnaire bookkeeping
    understood: bool = False
    corrections: list = field(default_factory=list)
    flag_raised: Optional[str] = None  # "red"/"urgent" when a flag was set this turn
    misread_again: bool = False  # the same words as a rejected reading: not understood


def quote(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= MAX_WORDS else text[: MAX_WORDS - 1].rstrip() + "…"


def without_flag_facts(facts: dict) -> dict:
    """Free-text answers minus a "yes" to red_flags/urgent_flags: flags travel as findings,
    so that one reader alone never sets them without the flag question. A "no" ("no fever,
    no bladder trouble") stays an answer."""
    return {s: v for s, v in facts.items() if not (s in FLAG_SLOT.values() and v == "yes")}


def take_turn(d: Dialogue, requested: Optional[str], msg: Incoming) -> Turn:
    """Apply one message: answer a pending check, or read it (asking back where needed)."""
    turn = Turn()
    if d.check:
        facts = _answer_check(d, msg, turn)
        reply = None
        answers_open = None if d.check else requested  # the check answered: the open question again
    else:
        facts, reply = _read(d, requested, msg)
        # a flag question about another question does not take this one's answer away:
        # "yes legs and butt" to the leg question is a yes, whatever the flag question finds
        other_flag = d.check is not None and d.check["kind"] == FLAG and d.check["slot"] != requested
        answers_open = requested if d.check is None or other_flag else None
    if facts or reply:
        _apply(d, answers_open, facts, reply, msg, turn)
    if d.check is None:
        _confirm_if_decisive(d, turn)
    turn.understood = (turn.understood or bool(turn.changes)) and not turn.misread_again
    return turn


def variant(d: Dialogue) -> Optional[str]:
    """The question variant of the pending check, or None."""
    if not d.check:
        return None
    if d.check["kind"] == FLAG and d.check.get("tries"):
        return FLAG_UNSURE_VARIANT
    return VARIANTS[d.check["kind"]]


def requested_slot(d: Dialogue, planned: Optional[str]) -> Optional[str]:
    """The slot being asked: the pending check's, else the questionnaire's next."""
    return d.check["slot"] if d.check else planned


# --- reading a message when no check is pending -------------------------------------------


def _read(d: Dialogue, requested: Optional[str], msg: Incoming) -> tuple[dict, Optional[str]]:
    facts = dict(msg.facts)
    reply = msg.reply
    other = [s for s in facts if s != requested and s in questionnaire.SLOTS + ("gate_answer",)]
    if other and requested not in facts and not msg.interjection:
        reply = None  # "actually I did have one injection" answers injections, not the open question
    if (requested in facts or reply is not None) and not msg.correction:
        # and a message that answers the open question changes no other answer unless it says
        # so: "epidurals used to give him a couple of months" is not a new symptom duration
        for slot in other:
            if slot not in FLAG_SLOT.values() and d.state.answers.get(slot) not in (None, facts[slot]):
                facts.pop(slot)
    facts, reply = _hedged(d, requested, facts, reply, msg)
    for finding in msg.findings:  # red before urgent; at most one question at a time
        slot = FLAG_SLOT[finding["kind"]]
        if d.state.answers.get(slot) == "yes":
            continue
        if _unsure_again(d, slot, finding):
            continue
        if finding["decision"] == "flag" or (requested == slot and reply == "yes"):
            facts[slot] = "yes"
            d.sources[slot] = _source("stated", msg, finding["readers"])
            continue
        question = _flag_check(finding, slot)
        if requested == slot:
            # the flag question settles it, not a "no" said before it; but a "no" to the
            # flag question, after a "no" to this very question, is that question's answer
            # ("neg falls, neg CA, neg wt loss": not asked a second time)
            question["held_reply"] = reply
            reply = None
        if d.check is None:
            d.check = question
        elif d.check["kind"] == FLAG and d.check["slot"] != slot:
            # one question at a time, none dropped: the urgent one follows a "no" to the red one
            d.check["queued"] = question
    if d.check is None and requested in NO_UNSURE_SLOTS and reply == "unsure" and requested not in facts:
        d.check = {"kind": CLARIFY, "slot": requested, "words": quote(msg.text), "tries": 0}
        reply = None
    if (
        d.check is None
        and requested in READ_BACK_SLOTS
        and requested in facts
        and msg.doubt
        and facts[requested] != "declined"
        and not msg.from_button
        and not _rejected_before(d, ASK_BACK, requested, facts[requested])
    ):
        d.check = {"kind": ASK_BACK, "slot": requested, "value": facts.pop(requested), "words": quote(msg.text)}
    return facts, reply


def _flag_check(finding: dict, slot: str) -> dict:
    return {
        "kind": FLAG,
        "slot": slot,
        "flag_kind": finding["kind"],
        "words": quote(finding["words"]),
        "readers": list(finding["readers"]),
        "tries": 0,
    }


def _hedged(d, requested, facts, reply, msg) -> tuple[dict, Optional[str]]:
    """A hedge is `unsure` where the spec allows it, never `no`."""
    if not msg.hedge or msg.from_button or not requested:
        return facts, reply
    v = questionnaire.variant_for(d.state, requested)
    if v == questionnaire.GATE:
        if (
            facts.get("leg_symptoms") in (None, "no")
            and facts.get("walking_standing_trigger") in (None, "no")
            and reply in (None, "no", "unsure")
        ):
            facts.pop("leg_symptoms", None)
            facts.pop("walking_standing_trigger", None)
            return facts, "unsure"
        return facts, reply
    allowed = questionnaire.ALLOWED_VALUES.get(requested, ())
    if "unsure" in allowed and facts.get(requested) in (None, "no") and reply in (None, "no", "unsure"):
        facts[requested] = "unsure"
        return facts, None
    if "unsure" in allowed and msg.doubt and facts.get(requested) == "yes" and reply != "yes":
        facts[requested] = "unsure"  # "I guess sitting helps a little? Hard to say": the person can't say
        return facts, None
    if (
        requested in NO_UNSURE_SLOTS
        and requested not in facts
        and (reply in (None, "unsure") or (reply == "no" and _doubted_no(requested, msg)))
        and not any(f["kind"] for f in msg.findings if FLAG_SLOT[f["kind"]] == requested)
    ):
        return facts, "unsure"
    return facts, reply


def _doubted_no(requested: str, msg: Incoming) -> bool:
    """A "no" read from words of doubt ("I don't really know how to tell") is no answer; for
    the flag questions even a "no" said outright with firm doubt ("no, not sure") is asked
    again, with the safety advice: a red flag is never settled by a guess."""
    if not msg.doubt:
        return False
    return requested in FLAG_SLOT.values() or not msg.interjection


# --- answering a pending check ----------------------------------------------------------


def _answer_check(d: Dialogue, msg: Incoming, turn: Turn) -> dict:
    """Resolve the pending check from this message; returns the other facts it states."""
    check = d.check
    assert check is not None  # take_turn calls this only with a check pending
    answer = msg.check_answer or _direct(msg)
    slot = check["slot"]
    facts = {s: v for s, v in msg.facts.items() if s != slot}
    if check["kind"] == FLAG:
        repeated = any(FLAG_SLOT[f["kind"]] == slot for f in msg.findings)
        if answer == "yes" or (repeated and answer != "no"):
            _resolve(d, "yes", msg)
            facts[slot] = "yes"
            d.sources[slot] = _source("flag_question", msg, check["readers"], check["words"])
        elif answer == "no":
            _resolve(d, "no", msg)
            if check.get("held_reply") == "no":
                facts[slot] = "no"
                d.sources[slot] = _source("flag_question", msg, check["readers"], check["words"])
            if check.get("queued") and d.state.answers.get(check["queued"]["slot"]) != "yes":
                d.check = check["queued"]  # the other flag the same message raised
        elif answer == "unsure" and not check.get("tries"):
            check["tries"] = 1
        elif answer == "unsure":
            _resolve(d, "unsure twice: taken as yes", msg)
            facts[slot] = "yes"
            d.sources[slot] = _source("flag_question", msg, check["readers"], check["words"])
        return facts
    if check["kind"] == CLARIFY:
        value = msg.facts.get(slot) or (answer if answer in ("yes", "no") else None)
        if value in ("yes", "no"):
            _resolve(d, value, msg)
            facts[slot] = value
            d.sources[slot] = _source("clarified", msg)
        elif answer == "unsure":
            _resolve(d, "unsure twice: taken as yes", msg)
            facts[slot] = CAUTIOUS_VALUE[slot]
            d.sources[slot] = _source("clarified", msg)
        return facts
    # ASK_BACK and CONFIRM: "So you can walk about two blocks?" / "Just to be sure: ...?"
    restated = msg.facts.get(slot)
    if answer in ("yes", "no") and _short_reply(msg):
        restated = None  # "yes" answers the read-back; it is not "yes, I tried it" again
    if restated is not None and restated != check.get("value"):
        _resolve(d, "corrected", msg)
        facts[slot] = restated
        d.sources[slot] = _source("corrected", msg)
    elif answer == "yes" or restated is not None:
        _resolve(d, "yes", msg)
        if check["kind"] == ASK_BACK:
            facts[slot] = check["value"]
        d.sources[slot] = _source("confirmed", msg, words=check["words"])
    elif answer == "no":
        _resolve(d, "no", msg)
        d.state.answers.pop(slot, None)
        turn.changes[slot] = None
        d.sources.pop(slot, None)
    elif answer == "unsure" and "unsure" in questionnaire.ALLOWED_VALUES.get(slot, ()):
        _resolve(d, "unsure", msg)
        facts[slot] = "unsure"
        d.sources[slot] = _source("clarified", msg)
    return facts


def _direct(msg: Incoming) -> Optional[str]:
    return msg.interjection or msg.reply


def _resolve(d: Dialogue, answer: str, msg: Incoming) -> None:
    assert d.check is not None  # only a pending check is resolved
    entry = {k: v for k, v in d.check.items() if k not in ("tries", "queued")}
    entry["answer"] = answer
    entry["reply_words"] = quote(msg.text) if not msg.from_button else None
    d.log.append(entry)
    d.check = None


# --- applying, sources and confirmations -----------------------------------------------


def _apply(d: Dialogue, requested, facts, reply, msg: Incoming, turn: Turn) -> None:
    before = dict(d.state.answers)
    result = questionnaire.apply_understanding(d.state, requested, facts, reply)
    turn.changes.update(result.changes)
    turn.corrections += result.corrections
    after_gate = (
        requested
        and questionnaire.variant_for(State(dict(before), d.state.gate_answer), requested)
        == questionnaire.LEG_AFTER_GATE_NO
    )
    for slot, value in result.changes.items():
        if slot not in questionnaire.SLOTS or value is None:
            continue
        if slot in d.sources and d.sources[slot].get("value") is None:
            d.sources[slot]["value"] = value  # its source was written while reading this turn
            continue
        how = (
            "button"
            if msg.from_button
            else "corrected"
            if before.get(slot) not in (None, value)
            else "clarified"
            if after_gate
            else "stated"
        )
        d.sources[slot] = {**_source(how, msg), "value": value}
        if how == "stated" and (slot == requested or (slot not in facts and reply is not None)) and _short_reply(msg):
            d.sources[slot]["direct"] = True  # "no", "6 weeks" to the question asked: clear as a button
        if slot in FLAG_SLOT.values() and value == "yes":
            turn.flag_raised = "red" if slot == "red_flags" else "urgent"
    for slot, source in d.sources.items():
        if source.get("value") is None and slot in d.state.answers:
            source["value"] = d.state.answers[slot]


def _short_reply(msg: Incoming) -> bool:
    return len(msg.text.split()) <= DIRECT_WORDS and not msg.hedge


def _source(how: str, msg: Incoming, readers=None, words: Optional[str] = None) -> dict:
    source: dict[str, Any] = {"how": how, "words": None if msg.from_button else quote(msg.text)}
    if words and words != source["words"]:
        source["asked_about"] = words
    if readers:
        source["readers"] = list(readers)
    return source


def _confirm_if_decisive(d: Dialogue, turn: Turn) -> None:
    decision = triage.decide(d.state.answers, d.state.gate_answer)
    if decision.outcome not in CONFIRM_OUTCOMES:
        return
    if any(_settled(d.sources.get(r.slot) or {}) for r in decision.reasons):
        return  # a button, a direct reply, a confirmed or a clarified answer settles it already
    for reason in decision.reasons:
        source = d.sources.get(reason.slot) or {}
        if not _settled(source) and d.state.answers.get(reason.slot) == reason.value:
            rejected = _rejections(d, CONFIRM, reason.slot, reason.value)
            if rejected:
                if _same_words(source.get("words"), [e.get("words") for e in rejected]):
                    # the very words whose reading the person said no to: the reading is at fault,
                    # not the person; the question is asked again (with its answer buttons)
                    d.state.answers.pop(reason.slot, None)
                    d.sources.pop(reason.slot, None)
                    turn.changes[reason.slot] = None
                    turn.misread_again = True
                    return
                source["how"] = "confirmed"  # said again in other words after a "no": meant
                return
            d.check = {"kind": CONFIRM, "slot": reason.slot, "value": reason.value, "words": source.get("words") or ""}
            return


def _unsure_again(d: Dialogue, slot: str, finding: dict) -> bool:
    """Only the learned reader, and unsure, after the person already said no to a flag
    question of this kind: not asked again (a sure reading, or the rules, still are)."""
    return (
        list(finding.get("readers") or []) == ["learned"]
        and finding.get("learned_verdict") == "unsure"
        and any(e.get("kind") == FLAG and e.get("slot") == slot and e.get("answer") == "no" for e in d.log)
    )


def _rejections(d: Dialogue, kind: str, slot: str, value: Any) -> list:
    """The logged checks of this kind where the person said "no" to this very reading."""
    return [
        e
        for e in d.log
        if e.get("kind") == kind
        and e.get("slot") == slot
        and e.get("answer") == "no"
        and str(e.get("value")) == str(value)
    ]


def _rejected_before(d: Dialogue, kind: str, slot: str, value: Any) -> bool:
    """The person said "no" to this very reading once: told the same again, it is what they
    mean (asking a third time would loop)."""
    return bool(_rejections(d, kind, slot, value))


def _same_words(words: Any, others: list) -> bool:
    def norm(text: Any) -> str:
        return " ".join("".join(c for c in str(text or "").lower() if c.isalnum() or c.isspace()).split())

    return bool(norm(words)) and any(norm(words) == norm(o) for o in others)


def _settled(source: dict) -> bool:
    return source.get("how") not in FREE_TEXT or bool(source.get("direct"))
