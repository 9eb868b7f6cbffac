"""Records tracker dumps of the real assistant as ``real_*.json`` in this folder.

    .venv/bin/python -m tests.data.trackers.capture_real      (needs a trained model in models/)

Starts actions + Rasa (tests.support.servers.Stack, its own SQLite file), runs scripted
conversations over the REST channels (patient: /webhooks/rest/webhook, staff:
/webhooks/staff/webhook with the staff token and a staff name), and saves each conversation's
``GET /conversations/{id}/tracker?include_events=ALL``. The dumps are what the record
derivation tests read as "real tracker event lists"; re-run after the bot changes.
"""

from __future__ import annotations

import json
import secrets
import sys
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[2]
sys.path.insert(0, str(REPO_ROOT))

from tests.support.servers import VAR_DIR, Stack  # noqa: E402

STAFF_TOKEN = secrets.token_hex(16)

# Value per slot for the textbook case, and how to say it in words.
PLAN = {
    "red_flags": ("no", "no, none of those"),
    "urgent_flags": ("no", "no"),
    "leg_symptoms": ("yes", "yes"),
    "walking_standing_trigger": ("yes", "yes"),
    "sitting_leaning_relief": ("yes", "yes, sitting down helps"),
    "walking_tolerance": ("50_feet_to_2_blocks", "about a block"),
    "symptom_duration_months": (24, "about 2 years"),
    "age_years": (72, "I'm 72"),
    "conservative_care": ("failed", "I did physical therapy for months but it didn't help"),
    "injections": ("failed", "I had two epidural steroid injections, they didn't help"),
    "prior_back_surgery": ("no", "no, never"),
    "imaging_stenosis": ("yes", "yes, the MRI showed stenosis"),
    "blood_thinners": ("no", "no"),
}


class Talk:
    def __init__(self, stack: Stack, sender: str, channel: str = "rest", staff_name: Optional[str] = None):
        self.stack = stack
        self.sender = sender
        self.channel = channel
        self.staff_name = staff_name
        self.last_buttons: List[Dict[str, str]] = []

    def say(self, text: str) -> List[Dict[str, Any]]:
        body: Dict[str, Any] = {"sender": self.sender, "message": text}
        headers = {"Content-Type": "application/json"}
        if self.channel == "staff":
            body["metadata"] = {"staff_name": self.staff_name}
            headers["x-staff-token"] = STAFF_TOKEN
        request = urllib.request.Request(
            f"{self.stack.rasa_url}/webhooks/{self.channel}/webhook", data=json.dumps(body).encode(), headers=headers
        )
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (local)
            messages = json.loads(response.read())
        buttons = [b for m in messages for b in (m.get("buttons") or [])]
        if buttons:
            self.last_buttons = buttons
        return messages

    def tracker(self) -> Dict[str, Any]:
        query = urllib.parse.urlencode({"token": self.stack.token, "include_events": "ALL"})
        url = f"{self.stack.rasa_url}/conversations/{urllib.parse.quote(self.sender)}/tracker?{query}"
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (local)
            return json.loads(response.read())

    def slots(self) -> Dict[str, Any]:
        return self.tracker().get("slots") or {}

    def click(self, slot: str, value: Any) -> bool:
        needle = json.dumps({slot: value})[1:-1].replace(" ", "")
        for button in self.last_buttons:
            if needle in (button.get("payload") or "").replace(" ", ""):
                self.say(button["payload"])
                return True
        return False

    def answer_open(self, prefer: str = "click", overrides: Optional[Dict[str, str]] = None) -> str:
        slots = self.slots()
        slot = slots.get("requested_slot")
        if not slot:
            raise RuntimeError("no open question")
        if slots.get("pending_result") == slot:
            self.say("no, not enough relief")
            return slot
        value, words = PLAN[slot]
        if overrides and slot in overrides:
            self.say(overrides[slot])
            return slot
        if prefer == "click" and self.click(slot, value):
            return slot
        self.say(words)
        return slot

    def until_outcome(
        self,
        prefer: str = "click",
        overrides: Optional[Dict[str, str]] = None,
        stop_at: Optional[str] = None,
        limit: int = 25,
    ) -> None:
        for _ in range(limit):
            slot = self.slots().get("requested_slot")
            if not slot or slot == stop_at or slot not in PLAN:
                return
            self.answer_open(prefer, overrides)
        raise RuntimeError(f"still asking after {limit} answers")


def buttons_recommend_appointment(t: Talk) -> None:
    t.say("/start_screening")
    t.until_outcome("click")
    if not t.click("appointment_consent", "yes"):
        t.say("yes please")
    t.say("Margaret Testrecord")
    t.say("781 555 0142")
    if not t.click("preferred_office", "Woburn"):
        t.say("Woburn")


def typed_with_correction(t: Talk) -> None:
    t.say("hi, can you check if MILD could help me?")
    t.until_outcome("type", overrides={"age_years": "I'm 45"}, stop_at="conservative_care")
    t.say("sorry, I typed that wrong, I'm 55")
    t.until_outcome("type")
    if not t.click("appointment_consent", "no"):
        t.say("no thanks, I'll call myself")


def abandoned_midway(t: Talk) -> None:
    t.say("/start_screening")
    t.until_outcome("click", stop_at="walking_tolerance")


def emergency_midway(t: Talk) -> None:
    t.say("/start_screening")
    t.until_outcome("click", stop_at="leg_symptoms")
    t.say("yes, and I also can't control my bladder since yesterday")


def staff_entered(t: Talk) -> None:
    t.say("/start_screening")
    t.until_outcome("click", overrides={"symptom_duration_months": "six weeks"})


def restart_two(t: Talk) -> None:
    t.say("/start_screening")
    t.until_outcome("click", stop_at="leg_symptoms")
    t.say("/restart")
    t.say("/start_screening")
    t.until_outcome("click", overrides={"leg_symptoms": "my back hurts but nothing in my legs"})


SCRIPTS: Dict[str, tuple[Callable[[Talk], None], str, Optional[str]]] = {
    "real_buttons_recommend_appointment": (buttons_recommend_appointment, "rest", None),
    "real_typed_correction": (typed_with_correction, "rest", None),
    "real_abandoned": (abandoned_midway, "rest", None),
    "real_emergency": (emergency_midway, "rest", None),
    "real_staff_entered": (staff_entered, "staff", "Dana Testagent"),
    "real_restart_two": (restart_two, "rest", None),
}


def main(argv: Optional[List[str]] = None) -> int:
    wanted = set(argv or []) or set(SCRIPTS)
    db_path = VAR_DIR / "capture-tracker.db"
    if db_path.exists():
        db_path.unlink()
    stack = Stack.with_free_ports(
        name="capture", db_path=db_path, start_web=False, extra_env={"STAFF_CHANNEL_TOKEN": STAFF_TOKEN}
    )
    with stack:
        for name, (script, channel, staff_name) in SCRIPTS.items():
            if name not in wanted:
                continue
            talk = Talk(stack, f"capture-{name[5:]}-{secrets.token_hex(3)}", channel, staff_name)
            script(talk)
            tracker = talk.tracker()
            path = HERE / f"{name}.json"
            path.write_text(json.dumps(tracker, indent=1) + "\n", encoding="utf-8")
            slots = tracker.get("slots") or {}
            print(
                f"{path.name}: {len(tracker['events'])} events, outcome {slots.get('triage_outcome')}, "
                f"requested {slots.get('requested_slot')}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
