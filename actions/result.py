"""Telling the person the outcome, and answering side questions about the procedure."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import messages
from records import answer_summary
from screening import questionnaire, triage, wording
from screening.questionnaire import State

RICH_CHANNELS = {"socketio", messages.STAFF_CHANNEL}
# Channels where the answers are read back ("Here is what I understood") before the outcome.
SUMMARY_CHANNELS = {"socketio"}


def send_result(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    decision: triage.Decision,
    answers: Optional[Dict[Text, Any]] = None,
) -> None:
    """The result card on channels that draw it, the same content as text everywhere else."""
    card = wording.result_card(decision, answers or tracker.slots, voice=messages.voice(tracker))
    if messages.channel(tracker) in RICH_CHANNELS:
        dispatcher.utter_message(json_message={"data": card})
    else:
        dispatcher.utter_message(text=wording.result_text(card))


def signature(decision: triage.Decision) -> str:
    return "|".join([decision.outcome or ""] + [r.code for r in decision.reasons] + [n.code for n in decision.notes])


class ActionScreeningResult(Action):
    """Shows the outcome with its reasons and notes once the questionnaire is done."""

    def name(self) -> Text:
        return "action_screening_result"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        decision = questionnaire.plan(State.from_slots(tracker.slots)).decision
        if not decision.determined:  # cannot happen after the form; say something useful anyway
            dispatcher.utter_message(response="utter_default")
            return [SlotSet("appointment_offered", False)]
        events: List[EventType] = []
        key = answer_summary.summary_key(tracker.slots)
        intent, _confidence = messages.intent(tracker)
        if intent == answer_summary.CONFIRM_INTENT:
            events.append(SlotSet("summary_confirmed", key))
        elif messages.channel(tracker) in SUMMARY_CHANNELS and answer_summary.needs_confirmation(
            decision.outcome, tracker.slots, tracker.get_slot("summary_confirmed")
        ):
            summary = answer_summary.answer_summary(tracker.slots, tracker.get_slot("answer_sources") or {})
            dispatcher.utter_message(json_message={"data": summary})
            return [SlotSet("appointment_offered", False)]
        shown = signature(decision)
        if tracker.get_slot("result_shown") == shown:
            dispatcher.utter_message(response="utter_result_unchanged")
        else:
            send_result(dispatcher, tracker, decision)
        offered = decision.outcome in triage.APPOINTMENT_OUTCOMES and tracker.get_slot("appointment_consent") is None
        return events + [
            SlotSet("result_shown", shown),
            SlotSet("screening_status", "finished"),
            SlotSet("appointment_offered", offered),
        ]


SIDE_ANSWERS = {
    "human_handoff": "utter_handoff",
    "bot_challenge": "utter_iamabot",
    "out_of_scope": "utter_out_of_scope",
    "thanks": "utter_welcome",
    "goodbye": "utter_goodbye",
}


class ActionAnswerQuestion(Action):
    """Answers a question about the procedure, the clinic or the assistant (from the domain's texts)."""

    def name(self) -> Text:
        return "action_answer_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        intent, _confidence = messages.intent(tracker)
        response = SIDE_ANSWERS.get(intent or "", f"utter_{intent}")
        if response not in domain.get("responses", {}):
            response = "utter_default"
        dispatcher.utter_message(response=response)
        if offers_screening(tracker, intent):
            dispatcher.utter_message(response="utter_offer_screening")
        return []


OFFER_AFTER = ("bot_challenge", "out_of_scope")  # besides every procedure question (faq_*)


def offers_screening(tracker: Tracker, intent: Optional[str]) -> bool:
    """After a question about the procedure (or "are you a bot?", or something off the topic),
    before any screening has begun, the person is offered the screening: "I want to find out
    about MILD" is usually the first step, and "are you a real person? my legs hurt when I
    walk" is somebody who came to be screened. Not after thanks or a wish to talk to a person."""
    return (
        bool(intent and (intent.startswith("faq_") or intent in OFFER_AFTER))
        and not (tracker.active_loop or {}).get("name")
        and tracker.get_slot("screening_status") is None
    )
