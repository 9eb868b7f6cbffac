"""Drive the patient chat page in a real browser (Playwright, sync API) against the real stack.

The driver acts like a patient (clicks the quick-reply buttons, types into the message box) and
reads what a patient sees. To know *when the assistant has finished answering*, and which
question is open, it reads the conversation's tracker from Rasa's HTTP API: a message has been
handled once its user event is in the stored tracker (Rasa saves the tracker after running all
actions), and the page is up to date once it shows as many bot messages as the tracker holds.
"""

from __future__ import annotations

import json
import shutil
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Dict, List, Optional

from tests.support.servers import REPO_ROOT
from webapp.patient.transcript import transcript_from_events

STORE_KEY = "mild.chat.session.v1"
BOT_SELECTOR = "#log .msg--bot, #log .result-card, #log .answer-summary"
USER_SELECTOR = "#log .msg--user"
QUICK_REPLY_SELECTOR = "#log .quick-replies .quick-reply"
CARD_SELECTOR = "#log .result-card"
SUMMARY_SELECTOR = "#log .answer-summary"

SCREENING_SLOTS = (
    "red_flags",
    "urgent_flags",
    "leg_symptoms",
    "walking_standing_trigger",
    "sitting_leaning_relief",
    "walking_tolerance",
    "symptom_duration_months",
    "age_years",
    "conservative_care",
    "injections",
    "prior_back_surgery",
    "imaging_stenosis",
    "blood_thinners",
)
# A textbook case (spec: recommend_consult) answered with the buttons where they exist.
# Values are slot values; a button is chosen by its payload.
BUTTON_PLAN: Dict[str, Any] = {
    "red_flags": "no",
    "urgent_flags": "no",
    "leg_symptoms": "yes",
    "walking_standing_trigger": "yes",
    "sitting_leaning_relief": "yes",
    "walking_tolerance": "50_feet_to_2_blocks",
    "symptom_duration_months": 36,
    "age_years": "declined",  # the only button of the age question
    "conservative_care": "failed",
    "injections": "failed",
    "prior_back_surgery": "no",
    "imaging_stenosis": "yes",
    "blood_thinners": "yes",  # adds a note to the result
}
# Free-text answers, for questions without a fitting button and for the typing run.
TYPED_PLAN: Dict[str, str] = {
    "red_flags": "no, none of those",
    "urgent_flags": "no",
    "leg_symptoms": "yes",
    "walking_standing_trigger": "yes",
    "sitting_leaning_relief": "yes, sitting down helps",
    "walking_tolerance": "about a block",
    "symptom_duration_months": "about 2 years",
    "age_years": "I'm 72",
    "conservative_care": "I did physical therapy for months but it didn't help",
    "injections": "I had two epidural steroid injections, they didn't help",
    "prior_back_surgery": "no, never",
    "imaging_stenosis": "yes, the MRI showed stenosis",
    "blood_thinners": "no",
}
# "Did it give you enough relief?" after "yes, I tried it" (the treatment result question).
TYPED_TREATMENT_RESULT = "no, not enough relief"


SCREENSHOTS = REPO_ROOT / "tests" / "browser" / "screenshots"


class ChatError(AssertionError):
    pass


# The chat scrolls inside a full-height panel; to photograph a whole element taller than that
# panel, the layout is unrolled for the moment of the screenshot (CSSOM only, so the page's CSP
# is respected) and restored afterwards.
_UNROLL_JS = """(on) => {
  const els = [document.documentElement, document.body, document.querySelector('.main'),
               document.querySelector('.chat'), document.querySelector('.chat__scroll')].filter(Boolean);
  const props = ['height', 'maxHeight', 'overflow'];
  if (on) {
    window.__unrolled = {
      scroll: [window.scrollX, window.scrollY, (document.querySelector('.chat__scroll') || {}).scrollTop || 0],
      styles: els.map(e => props.map(p => e.style[p])),
    };
    els.forEach(e => { e.style.height = 'auto'; e.style.maxHeight = 'none'; e.style.overflow = 'visible'; });
  } else if (window.__unrolled) {
    const saved = window.__unrolled;
    els.forEach((e, i) => props.forEach((p, j) => { e.style[p] = saved.styles[i][j]; }));
    window.scrollTo(saved.scroll[0], saved.scroll[1]);
    const scroller = document.querySelector('.chat__scroll');
    if (scroller) { scroller.scrollTop = saved.scroll[2]; }
    delete window.__unrolled;
  }
}"""


def save_screenshot(target, name: str) -> Path:
    """Screenshot of a page (its viewport) or of a whole element into tests/browser/screenshots/<name>."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    page = getattr(target, "page", None)
    if page is None or not hasattr(target, "bounding_box"):  # a Page
        target.screenshot(path=str(path))
        return path
    page.evaluate(_UNROLL_JS, True)
    try:
        target.screenshot(path=str(path))
    finally:
        page.evaluate(_UNROLL_JS, False)
    return path


def publish_screenshot(path: Path, target: str = "docs/screenshot-result-card.png") -> Path:
    dest = REPO_ROOT / target
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, dest)
    return dest


class Chat:
    def __init__(self, page, stack, timeout: float = 45.0) -> None:
        self.page = page
        self.stack = stack
        self.timeout = timeout
        self.transcript_log: List[str] = []

    # ---- page -------------------------------------------------------------------------------
    def open(self) -> Chat:
        self.page.goto(self.stack.web_url + "/")
        self.page.wait_for_selector("body[data-chat-ready='true']", timeout=self.timeout * 1000)
        return self

    def reload(self) -> Chat:
        self.page.reload()
        self.page.wait_for_selector("body[data-chat-ready='true']", timeout=self.timeout * 1000)
        return self

    @property
    def session_id(self) -> str:
        raw = self.page.evaluate(f"window.localStorage.getItem({json.dumps(STORE_KEY)})")
        if not raw:
            raise ChatError("no chat session in localStorage")
        return json.loads(raw)["id"]

    def _texts(self, selector: str) -> List[str]:
        # The visually hidden "You:" / "Assistant:" prefixes are for screen readers.
        return self.page.eval_on_selector_all(
            selector,
            """els => els.map(e => {
                 const c = e.cloneNode(true);
                 c.querySelectorAll('.visually-hidden').forEach(x => x.remove());
                 return c.textContent.trim();
               })""",
        )

    def bot_texts(self) -> List[str]:
        return self._texts("#log .msg--bot")

    def user_texts(self) -> List[str]:
        return self._texts(USER_SELECTOR)

    def quick_replies(self) -> List[Dict[str, str]]:
        return self.page.eval_on_selector_all(
            QUICK_REPLY_SELECTOR,
            "els => els.map(e => ({title: e.textContent.trim(), payload: e.getAttribute('data-payload')}))",
        )

    def card(self):
        return self.page.locator(CARD_SELECTOR).last

    def card_count(self) -> int:
        return self.page.locator(CARD_SELECTOR).count()

    def summary(self):
        """The latest "Here is what I understood" (the answers read back before the result)."""
        return self.page.locator(SUMMARY_SELECTOR).last

    def summary_row(self, slot: str):
        return self.summary().locator(f'.answer-summary__row[data-slot="{slot}"]')

    def confirm_summary(self) -> None:
        """Taps "That's right, show my result" under the latest summary."""
        before = self._user_event_count()
        self.summary().locator(".answer-summary__confirm").click()
        self.transcript_log.append("confirmed the summary")
        self.wait_idle(before + 1)

    def change_answer(self, slot: str, title: str) -> None:
        """Taps "Change" on the summary's row for `slot`, then the option `title`."""
        row = self.summary_row(slot)
        change = row.locator(".answer-summary__change")
        if change.get_attribute("aria-expanded") != "true":
            change.click()
        before = self._user_event_count()
        row.locator(".answer-summary__options").get_by_role("button", name=title, exact=True).click()
        self.transcript_log.append(f"changed {slot}: {title}")
        self.wait_idle(before + 1)

    # ---- tracker ------------------------------------------------------------------------------
    def tracker(self, session_id: Optional[str] = None) -> Dict[str, Any]:
        sid = session_id or self.session_id
        query = urllib.parse.urlencode({"token": self.stack.token, "include_events": "ALL"})
        url = f"{self.stack.rasa_url}/conversations/{sid}/tracker?{query}"
        with urllib.request.urlopen(url, timeout=10) as resp:  # noqa: S310 (local)
            return json.loads(resp.read().decode("utf-8"))

    @staticmethod
    def events_after_restart(events: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
        last = max((i for i, e in enumerate(events) if e.get("event") == "restart"), default=-1)
        return events[last + 1 :]

    def slots(self) -> Dict[str, Any]:
        return self.tracker().get("slots") or {}

    def requested_slot(self) -> Optional[str]:
        return self.slots().get("requested_slot")

    def _user_event_count(self) -> int:
        try:
            events = self.tracker().get("events") or []
        except Exception:  # noqa: BLE001 (no conversation yet)
            return 0
        return sum(1 for e in events if e.get("event") == "user")

    def wait_idle(self, user_events: int) -> None:
        """Wait until Rasa has handled `user_events` messages and the page shows every bot message."""
        deadline = time.monotonic() + self.timeout
        events: List[Dict[str, Any]] = []
        while time.monotonic() < deadline:
            self.stack.check_running()
            events = self.tracker().get("events") or []
            if sum(1 for e in events if e.get("event") == "user") >= user_events:
                break
            time.sleep(0.25)
        else:
            raise ChatError(f"Rasa did not handle message #{user_events} within {self.timeout}s")
        expected = sum(1 for e in transcript_from_events(self.events_after_restart(events)) if e["from"] == "bot")
        try:
            self.page.wait_for_function(
                "([sel, n]) => document.querySelectorAll(sel).length >= n",
                arg=[BOT_SELECTOR, expected],
                timeout=self.timeout * 1000,
            )
            self.page.wait_for_selector("#typing-inner", state="hidden", timeout=self.timeout * 1000)
        except Exception as exc:
            shown = self.page.locator(BOT_SELECTOR).count()
            hint = ""
            rasa_log = self.stack.log_path("rasa")
            if (
                shown == 0
                and rasa_log.exists()
                and "'AsyncServer.enter_room' was never awaited" in rasa_log.read_text(errors="replace")
            ):
                hint = (
                    " -- Rasa's socket.io channel never put the browser in its session room "
                    "(python-socketio >= 5.9 made enter_room a coroutine that Rasa 3.6 does not await), "
                    "so no bot message reaches the page"
                )
            raise ChatError(f"the page shows {shown} bot messages, the tracker {expected}{hint}") from exc
        self.page.wait_for_timeout(150)  # let the focus handling after a burst settle

    # ---- acting like a patient -------------------------------------------------------------------
    def start(self) -> None:
        before = self._user_event_count()
        self.page.get_by_role("button", name="Start screening", exact=True).click()
        self.wait_idle(before + 1)

    def type(self, text: str) -> None:
        before = self._user_event_count()
        box = self.page.get_by_label("Your message")
        box.fill(text)
        box.press("Enter")
        self.transcript_log.append(f"typed: {text}")
        self.wait_idle(before + 1)

    def click(self, *, title: Optional[str] = None, payload_part: Optional[str] = None) -> str:
        """Clicks a quick reply by its visible title or by a fragment of its payload; returns the title."""
        buttons = self.quick_replies()
        chosen = None
        for b in buttons:
            if title is not None and b["title"] == title:
                chosen = b
                break
            if payload_part is not None and payload_part in (b["payload"] or ""):
                chosen = b
                break
        if chosen is None:
            raise ChatError(f"no quick reply {title or payload_part!r} among {buttons}")
        before = self._user_event_count()
        self.page.locator("#log .quick-replies").get_by_role("button", name=chosen["title"], exact=True).click()
        self.transcript_log.append(f"clicked: {chosen['title']}")
        self.wait_idle(before + 1)
        return chosen["title"]

    def button_for(self, slot: str, value: Any) -> Optional[Dict[str, str]]:
        needle = json.dumps({slot: value})[1:-1].replace(" ", "")  # "slot":"value"
        for b in self.quick_replies():
            if needle in (b["payload"] or "").replace(" ", ""):
                return b
        return None

    def answer_open_question(self, *, prefer: str = "click") -> str:
        """Answers the question that is open (tracker's requested_slot) per the textbook plan."""
        slots = self.slots()
        slot = slots.get("requested_slot")
        if not slot:
            raise ChatError("no open question")
        treatment_result = slots.get("pending_result") == slot
        if prefer == "click":
            if slot in BUTTON_PLAN:
                button = self.button_for(slot, BUTTON_PLAN[slot])
                if button is not None:
                    self.click(title=button["title"])
                    return "clicked"
            if treatment_result:
                button = self._button_matching(("not enough", "no"))
                if button is not None:
                    self.click(title=button["title"])
                    return "clicked"
        text = TYPED_TREATMENT_RESULT if treatment_result else TYPED_PLAN.get(slot)
        if text is None:
            raise ChatError(f"no plan to answer {slot}")
        self.type(text)
        return "typed"

    def _button_matching(self, prefixes) -> Optional[Dict[str, str]]:
        for prefix in prefixes:
            for b in self.quick_replies():
                if b["title"].lower().startswith(prefix):
                    return b
        return None

    def answer_until_outcome(self, *, prefer: str = "click", max_questions: int = 20) -> Dict[str, int]:
        """Answers questions until no question is open; returns how many were clicked/typed."""
        counts = {"clicked": 0, "typed": 0}
        for _ in range(max_questions):
            slot = self.requested_slot()
            if slot not in SCREENING_SLOTS:  # done (None) or the appointment request is open
                return counts
            before = self.slots()
            how = self.answer_open_question(prefer=prefer)
            counts[how] += 1
            after = self.slots()
            if (
                after.get("requested_slot") == slot
                and after.get(slot) == before.get(slot)
                and after.get("pending_result") == before.get("pending_result")
            ):
                raise ChatError(
                    f"the answer to {slot} was not taken ({how}); last bot messages: {self.bot_texts()[-3:]}"
                )
        raise ChatError(f"still asking after {max_questions} answers: {self.requested_slot()}")
