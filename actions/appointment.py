"""The appointment request after a result: consent, name, phone number, preferred office.

Contact details are protected health information: they are stored only in the conversation
(slots) and never logged.
"""

from __future__ import annotations

import logging
from typing import Any, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions import messages
from actions.result import send_result, signature
from actions.screening_form import decision_events, read_message
from screening import callback, catalogue, contact, questionnaire, triage
from screening.questionnaire import State

logger = logging.getLogger(__name__)

FIELDS = catalogue.APPOINTMENT_SLOTS
# Answers to the screening (and the gate's bookkeeping) that a message may change during the request.
SCREENING_FACTS = set(questionnaire.SLOTS) | {"gate_answer"}


def _attempts_an_answer(requested: Optional[str], text: str) -> bool:
    """Whether the text is meant as the requested contact detail, whatever the classifier says.

    Names look off-topic to the classifier, so any text asked for as a name is taken as one
    (checked by screening.contact). Digits asked for as a phone number are an attempt at one,
    even a wrong one ("12345" gets "that doesn't look like a phone number"); a phone question
    without digits ("what's your number?") is still a side question."""
    if requested == "contact_name":
        return True
    return requested == "contact_phone" and any(ch.isdigit() for ch in text)


def next_field(slots: dict) -> Optional[str]:
    if slots.get("triage_outcome") == "emergency" or slots.get("appointment_consent") == "no":
        return None
    return next((f for f in FIELDS if slots.get(f) is None), None)


class ValidateAppointmentForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_appointment_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        slots = dict(tracker.slots)
        requested = tracker.get_slot("requested_slot")
        events: List[EventType] = []
        if messages.has_new_message(tracker) and requested in FIELDS:
            text = messages.latest_text(tracker)
            facts, reply, red_flag, _, incoming = read_message(tracker, None)
            # While contact details are taken there is no question to go back to: a red flag
            # raised by either reader ends the request with the emergency advice.
            if red_flag or any(f["kind"] == "red" for f in incoming.findings):
                state = State.from_slots(slots)
                state.answers["red_flags"] = "yes"
                events += [SlotSet("red_flags", "yes")] + decision_events(questionnaire.plan(state))
                return events + [SlotSet("requested_slot", None)]
            corrections = {k: v for k, v in facts.items() if k in SCREENING_FACTS}
            if corrections and messages.is_button_payload(text):
                return events + self._correct_screening(dispatcher, tracker, slots, corrections)
            if not facts and messages.is_side_question(tracker) and not _attempts_an_answer(requested, text):
                return []
            value = self._value(requested, text, facts, reply)
            if value is None:
                events.append(SlotSet("failed_attempts", int(slots.get("failed_attempts") or 0) + 1))
                if requested == "contact_phone":
                    dispatcher.utter_message(response="utter_invalid_phone")
                elif requested == "contact_name":
                    dispatcher.utter_message(response="utter_invalid_name")
                else:
                    dispatcher.utter_message(response="utter_not_understood")
            else:
                slots[requested] = value
                events += [SlotSet(requested, value), SlotSet("failed_attempts", 0)]
            logger.info("appointment turn: requested=%s accepted=%s", requested, value is not None)
        return events + [SlotSet("requested_slot", next_field(slots))]

    @staticmethod
    def _correct_screening(
        dispatcher: CollectingDispatcher, tracker: Tracker, slots: dict, corrections: dict
    ) -> List[EventType]:
        """A changed screening answer (e.g. staff correcting one during the read-back): re-plan.

        If the outcome still offers an appointment, show the new result and carry on with the
        request; otherwise leave the request, and action_submit_appointment hands back to the
        screening (its next question, or the new result)."""
        requested = slots.get("requested_slot")
        state = State.from_slots(slots)
        result = questionnaire.apply_understanding(state, None, corrections, None)
        if not result.changes:
            return [SlotSet("requested_slot", requested)]
        plan = questionnaire.plan(state)
        updated = {**slots, **state.slot_values()}
        events: List[EventType] = [SlotSet(s, v) for s, v in result.changes.items()] + decision_events(plan)
        decision = plan.decision
        if decision.outcome != triage.EMERGENCY:
            dispatcher.utter_message(response="utter_correction_noted")
        logger.info("appointment turn: screening answer changed %s", sorted(result.changes))
        if plan.next_slot is None and decision.outcome in triage.APPOINTMENT_OUTCOMES:
            send_result(dispatcher, tracker, decision, answers=updated)
            return events + [SlotSet("result_shown", signature(decision)), SlotSet("requested_slot", requested)]
        return events + [SlotSet("appointment_offered", False), SlotSet("requested_slot", None)]

    @staticmethod
    def _value(requested: str, text: str, facts: dict, reply: Optional[str]) -> Any:
        if requested == "appointment_consent":
            consent = facts.get("appointment_consent") or reply
            return consent if consent in ("yes", "no") else None
        if messages.is_button_payload(text):
            return facts.get(requested)
        if requested == "contact_name":
            return contact.clean_name(text)
        if requested == "contact_phone":
            return contact.clean_phone(text)
        if requested == "preferred_office":
            return contact.match_office(text)
        return None


class ActionSubmitAppointment(Action):
    """Confirms the request back to the person (or tells them the numbers if they declined)."""

    def name(self) -> Text:
        return "action_submit_appointment"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if tracker.get_slot("triage_outcome") == "emergency":
            decision = questionnaire.plan(State.from_slots(tracker.slots)).decision
            send_result(dispatcher, tracker, decision)
            return [SlotSet("appointment_offered", False)]
        plan = questionnaire.plan(State.from_slots(tracker.slots))
        if plan.next_slot is not None or plan.decision.outcome not in triage.APPOINTMENT_OUTCOMES:
            # a changed answer reopened the screening or changed the outcome: back to the screening
            return [SlotSet("appointment_offered", False), FollowupAction("screening_form")]
        if tracker.get_slot("appointment_consent") == "yes" and all(tracker.get_slot(f) for f in FIELDS):
            # who calls, from which number, within the configured promise (screening.callback)
            dispatcher.utter_message(
                response="utter_appointment_confirmed",
                **callback.confirmation_values(tracker.get_slot("preferred_office") or ""),
            )
        else:
            dispatcher.utter_message(response="utter_appointment_declined")
        return [SlotSet("appointment_offered", False)]
