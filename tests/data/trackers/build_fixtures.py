"""Writes the hand-built tracker fixtures of this folder (``python tests/data/trackers/build_fixtures.py``).

Each fixture is a tracker as ``GET /conversations/{id}/tracker?include_events=ALL`` returns it,
with events shaped exactly as Rasa 3.6 serialises them: the form loop ``screening_form``, its
validation action's slot events right after the user message, ``requested_slot`` and the
``utter_ask_*`` question with buttons, the result as text plus a custom ``result_card``.
Files named ``real_*.json`` are dumps of the real assistant and are not written here.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODEL_META = {"model_id": "0b7c1e0f2a3d4c5b8e9f", "assistant_id": "mild-intake"}

QUESTIONS = {
    "red_flags": (
        "First, to be safe: right now, do you have new loss of bladder or bowel control, numbness "
        "in the groin or inner thighs, leg weakness that is quickly getting worse, or back pain "
        "with fever or chills?",
        [("Yes", "yes"), ("No", "no")],
    ),
    "urgent_flags": (
        "Have you had a recent fall or injury to your back, a history of cancer, or weight loss you can't explain?",
        [("Yes", "yes"), ("No", "no")],
    ),
    "leg_symptoms": (
        "Do you get pain, numbness or heaviness in your buttocks or legs when you walk or stand for a while?",
        None,
    ),
    "sitting_leaning_relief": (
        "Do those symptoms ease when you sit down or bend forward, for example leaning on a shopping cart?",
        [("Yes", "yes"), ("No", "no"), ("Not sure", "unsure")],
    ),
    "walking_tolerance": (
        "How far can you walk before you have to stop?",
        [
            ("More than 2 miles", "over_2_miles"),
            ("2 blocks to 2 miles", "2_blocks_to_2_miles"),
            ("50 feet to 2 blocks", "50_feet_to_2_blocks"),
            ("Less than 50 feet", "under_50_feet"),
        ],
    ),
    "symptom_duration_months": ("How long have you had these symptoms?", None),
    "age_years": ("How old are you? You may skip this.", [("I'd rather not say", "declined")]),
    "conservative_care": (
        "Have you tried physical therapy, exercises or pain medication for this?",
        [("Yes, without enough relief", "failed"), ("Yes, and it helps", "helped"), ("No", "not_tried")],
    ),
    "injections": (
        "Have you had epidural steroid injections or other spinal injections for it?",
        [("Yes, without enough relief", "failed"), ("Yes, and they help", "helped"), ("No", "not_tried")],
    ),
    "prior_back_surgery": ("Have you ever had surgery on your lower back?", [("Yes", "yes"), ("No", "no")]),
    "imaging_stenosis": (
        "Has an MRI or CT scan shown spinal stenosis (narrowing)?",
        [("Yes", "yes"), ("No", "no"), ("Not sure", "unsure")],
    ),
    "blood_thinners": (
        "Do you take blood thinners, such as warfarin, apixaban or clopidogrel?",
        [("Yes", "yes"), ("No", "no")],
    ),
    # the appointment form's
    "contact_name": ("What name should the office use?", None),
    "contact_phone": ("And a phone number to reach you?", None),
    "preferred_office": ("Which office suits you?", [("Woburn", "Woburn"), ("Beverly", "Beverly")]),
}
GATE_BUTTONS = [
    {"title": "Yes", "payload": '/inform{"leg_symptoms":"yes","walking_standing_trigger":"yes"}'},
    {"title": "No", "payload": "/deny"},
    {"title": "Not sure", "payload": "/unsure"},
]

CARDS = {
    "recommend_consult": (
        "A consultation to discuss MILD looks appropriate",
        "Your answers fit the pattern that MILD treats.",
    ),
    "possible_consult": (
        "A spine or pain consultation can help decide",
        "Some of your answers fit the pattern that MILD treats.",
    ),
    "not_indicated": (
        "Your symptoms do not match the pattern MILD treats",
        "MILD is unlikely to help. A doctor can look for the cause of your symptoms.",
    ),
    "emergency": ("Please get emergency care now", "Go to the nearest emergency department or call 911 now."),
    "conservative_first": ("Conservative care comes first", "Treatments such as physical therapy come first."),
}


class Conversation:
    def __init__(self, sender_id: str, start: float, channel: str = "socketio"):
        self.sender_id = sender_id
        self.t = start
        self.channel = channel
        self.events: list[dict] = []
        self.slots: dict = {}
        self.session_start()

    def tick(self, seconds: float = 1.3) -> float:
        self.t = round(self.t + seconds, 4)
        return self.t

    def add(self, event: dict) -> None:
        self.events.append(event)

    def action(self, name: str, policy: str | None = "RulePolicy", confidence: float = 1.0) -> None:
        self.add(
            {
                "event": "action",
                "timestamp": self.tick(0.05),
                "metadata": dict(MODEL_META),
                "name": name,
                "policy": policy,
                "confidence": confidence,
                "action_text": None,
                "hide_rule_turn": False,
            }
        )

    def slot(self, name: str, value) -> None:
        self.slots[name] = value
        self.add({"event": "slot", "timestamp": self.tick(0.01), "name": name, "value": value})

    def loop(self, name: str | None) -> None:
        self.add({"event": "active_loop", "timestamp": self.tick(0.01), "name": name})

    def session_start(self, metadata: dict | None = None) -> None:
        self.action("action_session_start", policy=None)
        self.add({"event": "session_started", "timestamp": self.tick(0.01), "metadata": dict(MODEL_META)})
        for name, value in (metadata or {}).items():
            self.slot(name, value)
        self.action("action_listen", policy=None)

    def user(self, text: str, intent: str = "inform", entities: list | None = None, wait: float = 9.0) -> None:
        t = self.tick(wait)
        message_id = uuid.uuid5(uuid.NAMESPACE_URL, f"{self.sender_id}/{t}").hex
        parse = {
            "intent": {"name": intent, "confidence": 0.97},
            "entities": entities or [],
            "text": text,
            "message_id": message_id,
            "metadata": {},
            "intent_ranking": [{"name": intent, "confidence": 0.97}],
        }
        self.add(
            {
                "event": "user",
                "timestamp": t,
                "metadata": dict(MODEL_META),
                "text": text,
                "parse_data": parse,
                "input_channel": self.channel,
                "message_id": message_id,
            }
        )
        self.add({"event": "user_featurization", "timestamp": self.tick(0.01), "use_text_for_featurization": False})

    def bot(self, text: str | None, buttons: list | None = None, utter: str | None = None, custom=None) -> None:
        meta = dict(MODEL_META)
        if utter:
            meta["utter_action"] = utter
        self.add(
            {
                "event": "bot",
                "timestamp": self.tick(0.05),
                "metadata": meta,
                "text": text,
                "data": {
                    "elements": None,
                    "quick_replies": None,
                    "buttons": buttons,
                    "attachment": None,
                    "image": None,
                    "custom": custom,
                },
            }
        )

    def say(self, text: str | None, buttons: list | None = None, utter: str | None = None) -> None:
        """A bot message, then the bot listens."""
        self.bot(text, buttons, utter=utter)
        self.action("action_listen")

    def utter(self, name: str, text: str) -> None:
        """The response action `name` predicted and its message."""
        self.action(name)
        self.bot(text, utter=name)

    def ask(self, slot: str) -> None:
        """The form asks `slot`: requested_slot, then the question with its buttons."""
        self.slot("requested_slot", slot)
        if slot == "leg_symptoms":
            text, buttons = QUESTIONS[slot][0], GATE_BUTTONS
        else:
            text, options = QUESTIONS[slot]
            buttons = (
                None
                if options is None
                else [
                    {"title": title, "payload": "/inform" + json.dumps({slot: value}, separators=(",", ":"))}
                    for title, value in options
                ]
            )
        self.say(text, buttons, utter=f"utter_ask_{slot}")

    def answer(
        self,
        text: str,
        values: dict,
        ask_next: str | None,
        intent: str = "inform",
        entities: list | None = None,
        wait: float = 9.0,
        form: str = "screening_form",
    ) -> None:
        """One user turn inside `form`: the message, the validation's slot events, the next question."""
        self.user(text, intent, entities, wait)
        self.action(form, policy="RulePolicy")
        for name, value in values.items():
            self.slot(name, value)
        if ask_next:
            self.ask(ask_next)

    def button(self, slot_values: dict, ask_next: str | None, wait: float = 5.0) -> None:
        """A click on a button of the last question."""
        payload = "/inform" + json.dumps(slot_values, separators=(",", ":"))
        entities = [{"entity": k, "value": v, "start": 0, "end": 0} for k, v in slot_values.items()]
        self.answer(payload, slot_values, ask_next, entities=entities, wait=wait)

    def start_form(
        self,
        text: str = "I'd like to check if MILD is right for me",
        screening_id: str | None = None,
        answered_by: str = "patient",
        staff_name: str | None = None,
    ) -> str:
        self.user(text, intent="start_screening")
        self.action("action_start_screening", policy="RulePolicy")
        sid = screening_id or uuid.uuid5(uuid.NAMESPACE_URL, f"{self.sender_id}/{self.t}").hex
        self.slot("screening_id", sid)
        self.slot("answered_by", answered_by)
        if staff_name:
            self.slot("staff_name", staff_name)
        self.slot("screening_status", "in_progress")
        self.bot("This screening is not medical advice. In an emergency, call 911.", utter="utter_disclaimer")
        self.action("screening_form", policy="RulePolicy")
        self.loop("screening_form")
        self.ask("red_flags")
        return sid

    def no_flags_by_button(self) -> None:
        """ "No" to the red flags and to the urgent flags, both by button; then the gate question."""
        self.button({"red_flags": "no"}, "urgent_flags")
        self.button({"urgent_flags": "no"}, "leg_symptoms")

    def notes_by_button(self, imaging_stenosis: str, blood_thinners: str) -> None:
        """After the outcome: the two questions for the notes, answered by button."""
        self.ask("imaging_stenosis")
        self.button({"imaging_stenosis": imaging_stenosis}, "blood_thinners")
        self.button({"blood_thinners": blood_thinners}, None)

    def end_loop(self) -> None:
        self.slot("requested_slot", None)
        self.loop(None)

    def outcome(self, outcome: str, reasons: list, notes: list | None = None) -> None:
        self.slot("triage_outcome", outcome)
        self.slot("triage_reasons", reasons)
        self.slot("triage_notes", notes or [])
        self.slot("rules_version", "1")

    def end_form(self, outcome: str, reasons: list, notes: list | None = None) -> None:
        """The form has nothing left to ask: it ends, and the result is shown."""
        self.end_loop()
        self.action("action_show_result", policy="RulePolicy")
        self.slot("screening_status", "finished")
        title, summary = CARDS[outcome]
        card = {
            "type": "result_card",
            "outcome": outcome,
            "title": title,
            "summary": summary,
            "reasons": [r["text"] for r in reasons],
            "notes": [n["text"] for n in (notes or [])],
            "next_step": "Call Woburn 781-927-PAIN (7246) or Beverly 978-927-PAIN (7246).",
            "disclaimer": "This screening is not medical advice. In an emergency, call 911.",
            "phones": [
                {"office": "Woburn", "display": "781-927-PAIN (7246)", "tel": "+17819277246"},
                {"office": "Beverly", "display": "978-927-PAIN (7246)", "tel": "+19789277246"},
            ],
        }
        self.bot(f"Result: {title}. {summary}")
        self.bot(None, custom={"data": card})

    def finish(self, outcome: str, reasons: list) -> None:
        """The outcome with nothing more to ask: the form ends, the result is shown, the bot listens."""
        self.outcome(outcome, reasons)
        self.end_form(outcome, reasons)
        self.action("action_listen")

    def tracker(self) -> dict:
        latest = next((e for e in reversed(self.events) if e["event"] == "user"), None)
        return {
            "sender_id": self.sender_id,
            "slots": self.slots,
            "latest_message": latest["parse_data"] if latest else {},
            "latest_event_time": self.events[-1]["timestamp"],
            "followup_action": None,
            "paused": False,
            "events": self.events,
            "latest_input_channel": self.channel,
            "active_loop": {},
            "latest_action": {"action_name": "action_listen"},
            "latest_action_name": "action_listen",
        }


def reason(code: str, slot: str, value, text: str) -> dict:
    return {"code": code, "slot": slot, "value": value, "text": text}


def note(code: str, text: str) -> dict:
    return {"code": code, "text": text}


FIT_REASONS = [
    reason(
        "leg_symptoms_present", "leg_symptoms", "yes", "You have pain, numbness or heaviness in your buttocks or legs."
    ),
    reason(
        "walking_standing_trigger", "walking_standing_trigger", "yes", "It comes on when you walk or stand for a while."
    ),
    reason("sitting_leaning_relief", "sitting_leaning_relief", "yes", "It eases when you sit down or lean forward."),
    reason(
        "walking_limited",
        "walking_tolerance",
        "50_feet_to_2_blocks",
        "You can walk between 50 feet and 2 blocks before you have to stop.",
    ),
    reason("long_duration", "symptom_duration_months", 24.0, "You have had these symptoms for about 2 years."),
    reason(
        "conservative_care_failed",
        "conservative_care",
        "failed",
        "Physical therapy, exercise or pain medication did not give you enough relief.",
    ),
    reason("injections_failed", "injections", "failed", "Spinal injections did not give you enough relief."),
]
BLOOD_THINNER_NOTE = note(
    "blood_thinners",
    "You take a blood thinner. The doctor will tell you whether and when to "
    "pause it before a procedure. Never stop it on your own.",
)
MEDICARE_NOTE = note(
    "medicare", "Medicare covers MILD only through approved studies; our office will check your coverage."
)


def finished_recommend() -> Conversation:
    """A web patient, free text and buttons mixed, recommend_consult, appointment requested."""
    c = Conversation("web-7f3a9c2e", 1763366400.0)  # 2025-11-17 08:00 UTC
    c.user("hi", intent="greet", wait=2)
    c.utter(
        "utter_greet", "Hello! I can check whether a consultation about MILD could help with your back and leg pain."
    )
    c.action("action_listen")
    c.start_form()
    c.button({"red_flags": "no"}, "urgent_flags")
    c.answer("no nothing like that", {"urgent_flags": "no"}, "leg_symptoms", intent="deny")
    c.answer(
        "yes both legs get heavy and numb after I walk about a block, sitting down helps right away",
        {
            "leg_symptoms": "yes",
            "walking_standing_trigger": "yes",
            "sitting_leaning_relief": "yes",
            "walking_tolerance": "50_feet_to_2_blocks",
        },
        "symptom_duration_months",
        entities=[{"entity": "walking_distance", "value": "a block", "start": 42, "end": 49}],
    )
    c.answer(
        "about 2 years now",
        {"symptom_duration_months": 24.0},
        "age_years",
        entities=[{"entity": "duration", "value": "2 years", "start": 6, "end": 13}],
    )
    c.answer(
        "I'm 71",
        {"age_years": 71},
        "conservative_care",
        entities=[{"entity": "age", "value": "71", "start": 4, "end": 6}],
    )
    c.answer(
        "I did PT for 3 months and take gabapentin, didn't really help",
        {"conservative_care": "failed"},
        "injections",
        entities=[{"entity": "treatment", "value": "PT", "start": 6, "end": 8}],
    )
    c.answer(
        "two epidurals last year, they wore off after a couple weeks", {"injections": "failed"}, "prior_back_surgery"
    )
    c.button({"prior_back_surgery": "no"}, None)
    c.outcome("recommend_consult", FIT_REASONS, [MEDICARE_NOTE])
    c.ask("imaging_stenosis")
    c.answer("yes the MRI showed stenosis at L4-L5", {"imaging_stenosis": "yes"}, "blood_thinners", intent="affirm")
    c.answer("I take Eliquis", {"blood_thinners": "yes"}, None)
    c.slot("triage_notes", [BLOOD_THINNER_NOTE, MEDICARE_NOTE])
    c.end_form("recommend_consult", FIT_REASONS, [BLOOD_THINNER_NOTE, MEDICARE_NOTE])
    c.say(
        "Would you like me to request a consultation appointment?",
        [{"title": "Yes, please", "payload": "/affirm"}, {"title": "No, thanks", "payload": "/deny"}],
        utter="utter_offer_appointment",
    )
    c.answer("/affirm", {"appointment_consent": "yes"}, None, intent="affirm", wait=6, form="appointment_form")
    c.loop("appointment_form")
    c.ask("contact_name")
    c.answer("Margaret Ellis", {"contact_name": "Margaret Ellis"}, "contact_phone", wait=7, form="appointment_form")
    c.answer("781 555 0142", {"contact_phone": "781-555-0142"}, "preferred_office", wait=8, form="appointment_form")
    c.answer(
        '/inform{"preferred_office":"Woburn"}',
        {"preferred_office": "Woburn"},
        None,
        wait=4,
        entities=[{"entity": "preferred_office", "value": "Woburn"}],
        form="appointment_form",
    )
    c.end_loop()
    c.say("Thank you, Margaret. The Woburn office will call you at 781-555-0142.", utter="utter_appointment_requested")
    return c


def correction() -> Conversation:
    """Age and walking distance corrected; the outcome changes from possible to recommend."""
    c = Conversation("web-c0rrec71", 1763460000.0)  # 2025-11-18 10:00 UTC
    c.start_form("can you tell me if mild is for me")
    c.answer("no", {"red_flags": "no"}, "urgent_flags", intent="deny")
    c.answer("no", {"urgent_flags": "no"}, "leg_symptoms", intent="deny")
    c.button({"leg_symptoms": "yes", "walking_standing_trigger": "yes"}, "sitting_leaning_relief")
    c.answer(
        "yes if I lean on the cart at the grocery store",
        {"sitting_leaning_relief": "yes"},
        "walking_tolerance",
        intent="affirm",
    )
    c.answer("maybe half a mile", {"walking_tolerance": "2_blocks_to_2_miles"}, "symptom_duration_months")
    c.answer("since last spring, so 8 months", {"symptom_duration_months": 8.0}, "age_years")
    c.answer("45", {"age_years": 45}, "conservative_care")
    c.answer("sorry I typed that wrong, I'm 54", {"age_years": 54}, "conservative_care")
    c.answer(
        "and actually it's more like 100 feet, not half a mile",
        {"walking_tolerance": "50_feet_to_2_blocks"},
        "conservative_care",
    )
    c.answer("physical therapy twice, no luck", {"conservative_care": "failed"}, "injections")
    c.answer("one round of injections, no help", {"injections": "failed"}, "prior_back_surgery")
    c.answer("never", {"prior_back_surgery": "no"}, None, intent="deny")
    reasons = [r for r in FIT_REASONS if r["code"] != "long_duration"] + [
        reason("long_duration", "symptom_duration_months", 8.0, "You have had these symptoms for about 8 months.")
    ]
    c.outcome("recommend_consult", reasons)
    c.notes_by_button(imaging_stenosis="unsure", blood_thinners="no")
    notes = [note("no_imaging", "The consultation will need an MRI or CT scan of your lower back.")]
    c.slot("triage_notes", notes)
    c.end_form("recommend_consult", reasons, notes)
    c.say("Would you like me to request a consultation appointment?", utter="utter_offer_appointment")
    c.user("no thanks, I'll call", intent="deny")
    c.slot("appointment_consent", "no")
    c.say("Of course. Woburn 781-927-PAIN (7246) or Beverly 978-927-PAIN (7246).", utter="utter_phone_numbers")
    return c


def abandoned() -> Conversation:
    """The person stops answering at the walking question."""
    c = Conversation("web-ab4nd0n3", 1763546400.0)  # 2025-11-19 10:00 UTC
    c.start_form("start screening")
    c.no_flags_by_button()
    c.answer(
        "yes my right leg",
        {"leg_symptoms": "yes", "walking_standing_trigger": "yes"},
        "sitting_leaning_relief",
        intent="affirm",
    )
    c.user("what does the procedure involve?", intent="faq_what_is_mild")
    c.utter(
        "utter_faq_what_is_mild",
        "MILD is a procedure in which a device the diameter of a paper hole punch is inserted down to the spine.",
    )
    c.action("screening_form")
    c.say(QUESTIONS["sitting_leaning_relief"][0], utter="utter_ask_sitting_leaning_relief")
    c.answer("not sure really", {"sitting_leaning_relief": "unsure"}, "walking_tolerance", intent="unsure")
    return c


def emergency() -> Conversation:
    """A red flag mentioned in the middle of the questionnaire ends it as an emergency."""
    c = Conversation("web-e3e76e9c", 1763629200.0)  # 2025-11-20 09:00 UTC
    c.start_form("hi I want to do the screening")
    c.no_flags_by_button()
    c.answer(
        "yes, and I also can't control my bladder since yesterday",
        {"leg_symptoms": "yes", "walking_standing_trigger": "yes", "red_flags": "yes"},
        None,
        intent="report_red_flag",
    )
    reasons = [reason("red_flags", "red_flags", "yes", "You reported a warning sign that needs emergency care.")]
    c.finish("emergency", reasons)
    return c


def staff_entered() -> Conversation:
    """A call-centre agent enters a caller's answers in the staff console: conservative_first."""
    c = Conversation("staff-dw-20251121-01", 1763730000.0, channel="staff")  # 2025-11-21 13:00 UTC
    c.start_form("new screening", answered_by="staff", staff_name="Dana Whitfield")
    c.no_flags_by_button()
    c.answer(
        "caller says both legs ache when walking",
        {"leg_symptoms": "yes", "walking_standing_trigger": "yes"},
        "sitting_leaning_relief",
    )
    c.button({"sitting_leaning_relief": "yes"}, "walking_tolerance")
    c.button({"walking_tolerance": "2_blocks_to_2_miles"}, "symptom_duration_months")
    c.answer("6 weeks", {"symptom_duration_months": 1.5}, None)
    reasons = [
        reason(
            "short_duration",
            "symptom_duration_months",
            1.5,
            "Your symptoms started about 1.5 months ago; MILD is considered after at least 3 months.",
        )
    ]
    c.finish("conservative_first", reasons)
    return c


def restart_two() -> Conversation:
    """A first screening abandoned by "/restart" at the gate question, then a second one: not_indicated."""
    c = Conversation("web-r35t4r7x", 1763812800.0)  # 2025-11-22 12:00 UTC
    first = c.start_form("check if I qualify")
    c.button({"red_flags": "no"}, "urgent_flags")
    c.answer("no", {"urgent_flags": "no"}, "leg_symptoms", intent="deny")
    c.user("/restart", intent="restart")
    c.action("action_restart")
    c.bot("Let's start over.", utter="utter_restart")
    c.add({"event": "restart", "timestamp": c.tick(0.01)})
    c.slots = {}
    c.session_start()
    second = c.start_form("ok let me start again", screening_id=uuid.uuid5(uuid.NAMESPACE_URL, first).hex)
    c.button({"red_flags": "no"}, "urgent_flags")
    c.answer("no falls, no cancer", {"urgent_flags": "no"}, "leg_symptoms", intent="deny")
    c.answer("my back hurts but nothing in my legs", {"leg_symptoms": "no"}, None)
    reasons = [
        reason(
            "no_leg_symptoms",
            "leg_symptoms",
            "no",
            "You do not have pain, numbness or heaviness in your buttocks or legs.",
        )
    ]
    c.finish("not_indicated", reasons)
    assert first != second
    return c


def buttons_only() -> Conversation:
    """Every answer by button, including the combined gate question; possible_consult."""
    c = Conversation("web-b877on5s", 1763899200.0)  # 2025-11-23 12:00 UTC
    c.start_form("/start_screening")
    c.no_flags_by_button()
    c.button({"leg_symptoms": "yes", "walking_standing_trigger": "yes"}, "sitting_leaning_relief")
    c.button({"sitting_leaning_relief": "yes"}, "walking_tolerance")
    c.button({"walking_tolerance": "under_50_feet"}, "symptom_duration_months")
    c.answer("a year and a half", {"symptom_duration_months": 18.0}, "age_years")
    c.button({"age_years": "declined"}, "conservative_care")
    c.button({"conservative_care": "failed"}, "injections")
    c.button({"injections": "not_tried"}, "prior_back_surgery")
    c.button({"prior_back_surgery": "no"}, None)
    reasons = [
        reason(
            "injections_not_tried",
            "injections",
            "not_tried",
            "You have not had spinal (epidural) injections yet; they are usually tried before MILD.",
        )
    ]
    c.outcome("possible_consult", reasons)
    c.notes_by_button(imaging_stenosis="yes", blood_thinners="no")
    c.end_form("possible_consult", reasons)
    c.action("action_listen")
    return c


FIXTURES = {
    "finished_recommend": finished_recommend,
    "correction": correction,
    "abandoned": abandoned,
    "emergency": emergency,
    "staff_entered": staff_entered,
    "restart_two": restart_two,
    "buttons_only": buttons_only,
}


def main() -> None:
    for name, build in FIXTURES.items():
        path = HERE / f"{name}.json"
        path.write_text(json.dumps(build().tracker(), indent=1) + "\n", encoding="utf-8")
        print(f"wrote {path.relative_to(HERE.parents[2])}")


if __name__ == "__main__":
    main()
