"""Asking the open question: `action_ask_<slot>` for every screening slot.

A pending check (screening.checks: a flag question, a clarification, a read-back or a
confirmation) is asked with its own words from screening.check_wording and yes/no buttons;
otherwise the domain's `utter_ask_<slot>` is sent, whose variations pick the wording from
`question_variant` and the channel.
"""

from __future__ import annotations

from typing import List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import messages
from screening import check_wording, checks, questionnaire

# Channels whose page shows "Question 4 of about 12" above the chat (a small custom payload that
# travels with the question: {"type": "progress", "number": 4, "total": 12}).
PROGRESS_CHANNELS = {"socketio"}


def progress_payload(tracker: Tracker) -> Optional[dict]:
    """The question's place in the screening, counted by the plan; None where it is not shown."""
    if messages.channel(tracker) not in PROGRESS_CHANNELS:
        return None
    counted = questionnaire.progress(questionnaire.State.from_slots(tracker.slots))
    if counted is None:
        return None
    return {"data": {"type": "progress", "number": counted.number, "total": counted.total}}


def _button(title: str, answer: str) -> dict:
    return {"title": title, "payload": '/inform{"check_answer":"' + answer + '"}'}


class AskSlot(Action):
    """Asks one screening slot's question (or the pending check about it)."""

    slot = ""

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        check = tracker.get_slot("pending_check")
        progress = progress_payload(tracker)
        if check and check.get("slot") == self.slot:
            variant = tracker.get_slot("question_variant")
            voice = messages.voice(tracker)
            buttons = [_button("Yes", "yes"), _button("No", "no")]
            if check["kind"] == checks.FLAG:
                buttons.append(_button("Not sure", "unsure"))
            dispatcher.utter_message(
                text=check_wording.check_question(check, voice, variant), buttons=buttons, json_message=progress
            )
        else:
            dispatcher.utter_message(response=f"utter_ask_{self.slot}", json_message=progress)
        return []


# One action class per slot, as Rasa looks them up by name (action_ask_<slot>).
for _slot in questionnaire.SLOTS:
    globals()[f"AskSlot_{_slot}"] = type(f"AskSlot_{_slot}", (AskSlot,), {"slot": _slot})
