"""The screening form: reading each message into answers, and asking the next question.

`ValidateScreeningForm` runs after every message while the form is active. It asks the
language layer (mild_nlp) what the message says, lets the questionnaire (screening) apply it
and plan the next question, and returns the slot events. The outcome is decided by
screening.triage; nothing clinical is decided here.
"""

from __future__ import annotations

import logging
import uuid
from typing import List, NamedTuple, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions import messages
from mild_nlp import reading_codec
from mild_nlp.extract import answers_for, read, with_learned_reader
from screening import checks, questionnaire, triage
from screening.questionnaire import State

logger = logging.getLogger(__name__)

# Each message is read once by the rules, in Rasa's NLU pipeline (nlu_components.mild_reader), and
# the reading comes with the parsed message; the learned flag reader reads it here. Both readers
# load when the action server starts (the rules for a message that comes without a reading, sent
# straight into the tracker through the HTTP API): they take seconds to load, longer than a chat
# channel waits for a turn (a turn that times out is lost).
read("warming up the readers")

PAYLOAD_SLOTS = set(questionnaire.SLOTS) | {"gate_answer", "appointment_consent", "preferred_office", "check_answer"}
MAX_FAILED_ATTEMPTS_BEFORE_HELP = 2


def decision_events(plan: questionnaire.Plan, pending: Optional[dict] = None) -> List[EventType]:
    """The outcome slots for a plan: set when determined, cleared when a correction reopened it,
    and held back while the answer that decides it is being confirmed."""
    decision = plan.decision
    if pending and pending.get("kind") == checks.CONFIRM:
        decision = triage.decide({}, None)
    return [
        SlotSet("triage_outcome", decision.outcome),
        SlotSet("triage_reasons", [r.as_dict() for r in decision.reasons] if decision.determined else None),
        SlotSet("triage_notes", [n.as_dict() for n in decision.notes] if decision.determined else None),
        SlotSet("rules_version", decision.rules_version),
    ]


class Reading(NamedTuple):
    """What the latest message says."""

    facts: dict
    reply: Optional[str]
    red_flag: bool  # both readers agree on a current red flag
    old_injury: bool = False  # a fall or injury a year or more ago (not a recent one)
    incoming: Optional[checks.Incoming] = None


def read_message(tracker: Tracker, requested_slot: Optional[str]) -> Reading:
    """What the latest message says: facts, reply, the two readers' flag findings, ..."""
    text = messages.latest_text(tracker)
    if messages.is_button_payload(text):
        values = messages.payload_values(tracker, PAYLOAD_SLOTS)
        check_answer = values.pop("check_answer", None)
        return Reading(
            values,
            None,
            False,
            incoming=checks.Incoming(text=text, facts=values, from_button=True, check_answer=check_answer),
        )
    understanding = answers_for(reading_of(tracker.latest_message, text), requested_slot)
    reply = understanding.reply or messages.reply_from_intent(tracker)
    incoming = checks.Incoming(
        **_what_it_says(text, understanding),
        reply=reply,
        interjection=understanding.interjection,
        correction=understanding.is_correction,
    )
    return Reading(
        dict(understanding.answers),
        reply,
        understanding.red_flag_stands,
        bool(understanding.old_injury_mentions),
        incoming,
    )


def reading_of(parse_data: Optional[dict], text: str):
    """The NLU pipeline's reading of a message (its parse data) with the learned flag reader's
    findings added, or a reading made here if it has none."""
    shipped = reading_codec.decode((parse_data or {}).get(reading_codec.KEY), text)
    if shipped is not None:
        return with_learned_reader(shipped)
    logger.debug("the message came without a reading: reading it here")
    return read(text)


def said_before_the_start(tracker: Tracker) -> List[checks.Incoming]:
    """What the person typed before tapping Start ("are you a real person? my legs hurt when I
    walk", then Start): read as an opening is, so it is not asked again. Flags count too."""
    found = []
    for text, parse_data in messages.typed_before_the_latest(tracker):
        understanding = answers_for(reading_of(parse_data, text), None)
        found.append(checks.Incoming(**_what_it_says(text, understanding)))  # no question was open
    return found


def _what_it_says(text: str, understanding) -> dict:
    """The fields of checks.Incoming that any typed message has, whether or not it answers an
    open question: its answers (flags only as findings), the flag findings, hedge and doubt."""
    return {
        "text": text,
        "facts": checks.without_flag_facts(understanding.answers),
        "findings": [f.as_dict() for f in understanding.flags],
        "hedge": understanding.hedge,
        "doubt": understanding.doubt,
    }


def dialogue_from(tracker: Tracker) -> checks.Dialogue:
    return checks.Dialogue(
        state=State.from_slots(tracker.slots),
        check=tracker.get_slot("pending_check") or None,
        sources=dict(tracker.get_slot("answer_sources") or {}),
        log=list(tracker.get_slot("answer_checks") or []),
    )


def dialogue_events(d: checks.Dialogue) -> List[EventType]:
    return [
        SlotSet("pending_check", d.check),
        SlotSet("answer_sources", d.sources or None),
        SlotSet("answer_checks", d.log or None),
    ]


def screening_start_events(tracker: Tracker) -> List[EventType]:
    """Identity of a new screening: its id, and who is answering."""
    if tracker.get_slot("screening_id"):
        return []
    staff = messages.voice(tracker) == "staff"
    return [
        SlotSet("screening_id", uuid.uuid4().hex),
        SlotSet("answered_by", "staff" if staff else "patient"),
        SlotSet("staff_name", messages.staff_name(tracker) if staff else None),
        SlotSet("screening_status", "in_progress"),
    ]


class ValidateScreeningForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_screening_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        events: List[EventType] = screening_start_events(tracker)
        d = dialogue_from(tracker)
        state = d.state
        requested = tracker.get_slot("requested_slot")

        if messages.has_new_message(tracker):
            if events and messages.is_button_payload(messages.latest_text(tracker)):
                for earlier in said_before_the_start(tracker):  # a new screening, started by its button
                    result = checks.take_turn(d, None, earlier)
                    events += [SlotSet(slot, value) for slot, value in result.changes.items()]
            reading = read_message(tracker, requested)
            incoming = reading.incoming
            if (
                not incoming.facts
                and not incoming.reply
                and not incoming.findings
                and not incoming.check_answer
                and messages.is_side_question(tracker)
            ):
                return []  # let the rules answer the side question; the form asks again afterwards
            had_check = d.check
            result = checks.take_turn(d, requested, incoming)
            events += [SlotSet(slot, value) for slot, value in result.changes.items()]
            if result.corrections and not state.answers.get("red_flags") == "yes":
                dispatcher.utter_message(response="utter_correction_noted")
            explained = reading.old_injury and requested == "urgent_flags" and not result.understood and not d.check
            if explained:
                dispatcher.utter_message(response="utter_old_injury_not_recent")
            answered_check = had_check is not None and (d.check is None or d.check != had_check)
            progressed = result.understood or explained or answered_check or (d.check and not had_check)
            attempts = 0 if progressed or not requested else int(tracker.get_slot("failed_attempts") or 0) + 1
            events.append(SlotSet("failed_attempts", attempts))
            logger.info(
                "screening turn: requested=%s understood=%s changed=%s check=%s",
                requested,
                result.understood,
                sorted(result.changes),
                d.check["kind"] if d.check else None,
            )

        plan = questionnaire.plan(state)
        if d.check and plan.decision.outcome == "emergency":
            d.check = None  # nothing else is asked after a red flag
        events += decision_events(plan, d.check) + dialogue_events(d)
        next_slot = checks.requested_slot(d, plan.next_slot)
        if next_slot is None:
            events.append(SlotSet("screening_status", "finished"))
        events += self.before_question(dispatcher, tracker, domain, events)
        # The form then asks action_ask_<requested_slot> (actions/ask.py): a pending check's
        # question, or utter_ask_<slot> whose variations' conditions pick the wording from
        # question_variant (and the channel picks the patient or staff voice).
        events.append(SlotSet("question_variant", checks.variant(d) or plan.variant))
        # Only changed slots are sent back (smaller trackers, faster turns). Always sent:
        # failed_attempts after a message (a form turn that sets nothing counts as rejected),
        # and requested_slot (the form decides from it what to ask, or that it is done).
        always = {"failed_attempts"}
        return [e for e in events if e["name"] in always or e["value"] != tracker.get_slot(e["name"])] + [
            SlotSet("requested_slot", next_slot)
        ]

    @staticmethod
    def before_question(
        dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict, events: List[EventType]
    ) -> List[EventType]:
        """The disclaimer once per screening, and help when an answer was not understood."""
        if not tracker.get_slot("intro_shown"):
            dispatcher.utter_message(response="utter_screening_intro")
            return [SlotSet("intro_shown", True)]
        attempts = next(
            (e["value"] for e in reversed(events) if e.get("event") == "slot" and e.get("name") == "failed_attempts"), 0
        )
        requested = tracker.get_slot("requested_slot")
        if attempts > MAX_FAILED_ATTEMPTS_BEFORE_HELP:
            dispatcher.utter_message(response="utter_not_understood_again")
        elif attempts:
            dispatcher.utter_message(response="utter_not_understood")
            if f"utter_hint_{requested}" in domain.get("responses", {}):
                dispatcher.utter_message(response=f"utter_hint_{requested}")
        return []
