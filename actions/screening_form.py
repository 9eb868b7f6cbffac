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
from mild_nlp.extract import understand
from screening import questionnaire
from screening.questionnaire import State

logger = logging.getLogger(__name__)

PAYLOAD_SLOTS = set(questionnaire.SLOTS) | {"gate_answer", "appointment_consent", "preferred_office"}
MAX_FAILED_ATTEMPTS_BEFORE_HELP = 2


def decision_events(plan: questionnaire.Plan) -> List[EventType]:
    """The outcome slots for a plan: set when determined, cleared when a correction reopened it."""
    decision = plan.decision
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
    red_flag: bool
    old_injury: bool = False  # a fall or injury a year or more ago (not a recent one)


def read_message(tracker: Tracker, requested_slot: Optional[str]) -> Reading:
    """What the latest message says: facts, reply, whether a red flag was mentioned, ..."""
    text = messages.latest_text(tracker)
    if messages.is_button_payload(text):
        return Reading(messages.payload_values(tracker, PAYLOAD_SLOTS), None, False)
    understanding = understand(text, requested_slot)
    reply = understanding.reply or messages.reply_from_intent(tracker)
    return Reading(dict(understanding.answers), reply, understanding.red_flag,
                   bool(understanding.old_injury_mentions))


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
        state = State.from_slots(tracker.slots)
        requested = tracker.get_slot("requested_slot")

        if messages.has_new_message(tracker):
            facts, reply, red_flag, old_injury = read_message(tracker, requested)
            if red_flag:
                facts["red_flags"] = "yes"
            if not facts and not reply and messages.is_side_question(tracker):
                return []  # let the rules answer the side question; the form asks again afterwards
            result = questionnaire.apply_understanding(state, requested, facts, reply)
            events += [SlotSet(slot, value) for slot, value in result.changes.items()]
            if result.corrections and not state.answers.get("red_flags") == "yes":
                dispatcher.utter_message(response="utter_correction_noted")
            explained = old_injury and requested == "urgent_flags" and not result.understood
            if explained:
                dispatcher.utter_message(response="utter_old_injury_not_recent")
            attempts = 0 if result.understood or explained or not requested \
                else int(tracker.get_slot("failed_attempts") or 0) + 1
            events.append(SlotSet("failed_attempts", attempts))
            logger.info("screening turn: requested=%s understood=%s changed=%s",
                        requested, result.understood, sorted(result.changes))

        plan = questionnaire.plan(state)
        events += decision_events(plan)
        if plan.next_slot is None:
            events.append(SlotSet("screening_status", "finished"))
        events += self.before_question(dispatcher, tracker, domain, events)
        # The form then asks utter_ask_<requested_slot>; its variations' conditions pick the
        # wording from question_variant (and the channel picks the patient or staff voice).
        events.append(SlotSet("question_variant", plan.variant))
        # Only changed slots are sent back (smaller trackers, faster turns). Always sent:
        # failed_attempts after a message (a form turn that sets nothing counts as rejected),
        # and requested_slot (the form decides from it what to ask, or that it is done).
        always = {"failed_attempts"}
        return [e for e in events if e["name"] in always or e["value"] != tracker.get_slot(e["name"])] \
            + [SlotSet("requested_slot", plan.next_slot)]

    @staticmethod
    def before_question(dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
                        events: List[EventType]) -> List[EventType]:
        """The disclaimer once per screening, and help when an answer was not understood."""
        if not tracker.get_slot("intro_shown"):
            dispatcher.utter_message(response="utter_screening_intro")
            return [SlotSet("intro_shown", True)]
        attempts = next((e["value"] for e in reversed(events)
                         if e.get("event") == "slot" and e.get("name") == "failed_attempts"), 0)
        requested = tracker.get_slot("requested_slot")
        if attempts > MAX_FAILED_ATTEMPTS_BEFORE_HELP:
            dispatcher.utter_message(response="utter_not_understood_again")
        elif attempts:
            dispatcher.utter_message(response="utter_not_understood")
            if f"utter_hint_{requested}" in domain.get("responses", {}):
                dispatcher.utter_message(response=f"utter_hint_{requested}")
        return []
