"""The front desk's call-back worklist in Chromium (Playwright, sync API).

- ``desk_web``: the web server alone over a SQLite database with three appointment requests (the
  real assistant's tracker, shifted in time; two share a phone number) and an injected clock
  (MILD_TEST_CLOCK): the worklist, overdue marking, the duplicate hint, attempts and a booking by
  keys, and the audit page refused to a clinician without the admin role.
- ``desk_stack``: the real stack; a patient requests an appointment in the web chat and the agent
  finds it in the worklist, with the promised call-back in the confirmation.
Each server has its own accounts file (never demo accounts).
"""

from __future__ import annotations

import json
import os
import re
import secrets

import pytest
from playwright.sync_api import expect

from records.store import RecordStore
from tests.support.servers import REPO_ROOT, Stack

TRACKER = REPO_ROOT / "tests" / "data" / "trackers" / "real_buttons_recommend_appointment.json"
SCREENSHOTS = REPO_ROOT / "tests" / "browser" / "screenshots"
STAFF = ("desk-ann", "desk pass phrase 42", "Ann Desk")
CLINICIAN = ("dr-plain", "clinician pass phrase 42", "Dr. Plain")
DAY = 86400.0


def _load(store: RecordStore, sender: str, shift: float, phone: str) -> None:
    tracker = json.loads(TRACKER.read_text(encoding="utf-8"))
    events = []
    for e in tracker["events"]:
        e = dict(e)
        if e.get("timestamp"):
            e["timestamp"] += shift
        if e.get("event") == "slot" and e.get("name") == "contact_phone":
            e["value"] = phone
        if e.get("event") == "slot" and e.get("name") == "screening_id":
            e["value"] = f"{sender}-screening"
        events.append(e)
    store.add_events(sender, events)


def _last_ts() -> float:
    return max(e.get("timestamp") or 0 for e in json.loads(TRACKER.read_text(encoding="utf-8"))["events"])


@pytest.fixture(scope="module")
def desk_web(tmp_path_factory, write_accounts, running_stack):
    directory = tmp_path_factory.mktemp("desk-web")
    db_path = directory / "tracker.db"
    store = RecordStore(f"sqlite:///{db_path}")
    # the fixture's request was made on Wednesday 2025-11-25 ... (its own time); the clock is 2 h later
    _load(store, "web-old", -6 * DAY, "781-555-0142")  # six days before: overdue
    _load(store, "web-new", 0.0, "(781) 555-0142")  # same number, just now: the duplicate hint
    _load(store, "web-other", -3600.0, "617-555-0199")
    store.engine.dispose()
    accounts = write_accounts(directory / "accounts.json", staff=STAFF, clinician=CLINICIAN)
    env = {
        "MILD_ACCOUNTS_FILE": str(accounts),
        "WEB_SECRET_KEY": secrets.token_hex(32),
        "MILD_TZ": "America/New_York",
        "MILD_TEST_CLOCK": str(_last_ts() + 7200),
        "MILD_CALLBACK_SYNC_SECONDS": "2",
        "MILD_CALLBACK_BUSINESS_DAYS": "1",
    }
    stack = Stack.with_free_ports(
        name=f"test-desk-web-{os.getpid()}", db_path=db_path, start_actions=False, start_rasa=False, extra_env=env
    )
    with running_stack(stack, timeout=60) as running:
        yield running


def sign_in(page, base: str, part: str, account: tuple, target: str) -> None:
    page.goto(base + target)
    expect(page).to_have_url(re.compile(rf"/{part}/login"))
    page.get_by_label("User name").fill(account[0])
    page.get_by_label("Password").fill(account[1])
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(re.escape(target.split("?")[0]) + r"(\?.*)?$"))


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def test_worklist_oldest_first_overdue_and_duplicate_hint(page, desk_web):
    sign_in(page, desk_web.web_url, "staff", STAFF, "/staff/callbacks")
    rows = page.locator("tr[data-screening]")
    expect(rows).to_have_count(3)
    assert [r.get_attribute("data-screening") for r in rows.all()] == [
        "web-old-screening",
        "web-other-screening",
        "web-new-screening",
    ]
    old, other, new = (page.locator(f'tr[data-screening="{s}-screening"]') for s in ("web-old", "web-other", "web-new"))
    expect(old.get_by_text("Overdue")).to_be_visible()
    expect(new.get_by_text("Overdue")).to_have_count(0)
    expect(other.get_by_text("Overdue")).to_have_count(0)
    expect(page.locator("[data-count=overdue]")).to_have_text("1 overdue")
    expect(old.get_by_test_id("duplicate-hint")).to_be_visible()
    expect(new.get_by_test_id("duplicate-hint")).to_be_visible()
    expect(other.get_by_test_id("duplicate-hint")).to_have_count(0)
    expect(page.locator("[data-count=new]")).to_have_text("3")
    _shot(page, "callbacks-worklist.png")
    # the hint is an offer: opening the newer one shows it with a "Duplicate" button, nothing is merged
    new.get_by_role("link", name=re.compile("Open")).click()
    expect(page.get_by_test_id("duplicate-hint")).to_contain_text("same phone number")
    expect(page.get_by_test_id("status")).to_contain_text("New")
    page.get_by_role("button", name="Duplicate").click()
    expect(page.get_by_test_id("status")).to_contain_text("Duplicate")
    page.goto(desk_web.web_url + "/staff/callbacks")
    expect(page.locator("tr[data-screening]")).to_have_count(2)
    expect(page.get_by_test_id("duplicate-hint")).to_have_count(0)
    page.goto(desk_web.web_url + "/staff/callbacks?office=Beverly")
    expect(page.get_by_test_id("empty")).to_be_visible()
    page.goto(desk_web.web_url + "/staff/callbacks?status=duplicate")
    expect(page.locator("tr[data-screening]")).to_have_count(1)


def test_agent_records_two_attempts_and_a_booking_with_a_few_keys(page, desk_web):
    sign_in(page, desk_web.web_url, "staff", STAFF, "/staff/callbacks")
    keys = 0

    def press(chord: str) -> None:
        nonlocal keys
        page.keyboard.press(chord)
        keys += len(chord.split("+"))

    def type_(text: str) -> None:
        nonlocal keys
        page.keyboard.type(text)
        keys += len(text)

    press("Alt+o")  # opens the oldest request
    expect(page).to_have_url(re.compile(r"/staff/callbacks/web-old-screening$"))
    expect(page.get_by_test_id("tel")).to_have_attribute("href", "tel:781-555-0142")
    expect(page.get_by_test_id("contact-name")).to_have_text("Margaret Testrecord")
    expect(page.get_by_test_id("office")).to_contain_text("Woburn")
    expect(page.get_by_test_id("reasons")).to_be_visible()
    expect(page.get_by_test_id("overdue")).to_be_visible()
    opening = keys
    for attempt in (1, 2):
        if attempt == 2:
            press("Alt+n")
            type_("left voicemail")
        press("Alt+a")
        expect(page.get_by_test_id("saved")).to_contain_text("call attempt recorded")
        expect(page.get_by_test_id("status")).to_contain_text(f"{attempt} of 3 attempts")
    keys_for_attempts = keys - opening
    before_booking = keys
    press("Alt+b")
    type_("12/8 10:30")
    press("Enter")
    expect(page.get_by_test_id("saved")).to_contain_text("booking recorded")
    expect(page.get_by_test_id("status")).to_contain_text("Booked")
    expect(page.get_by_test_id("status")).to_contain_text("10:30 at Woburn")
    history = page.get_by_test_id("history").locator("li")
    expect(history).to_have_count(4)
    expect(history.nth(2)).to_contain_text("left voicemail")
    expect(history.nth(3)).to_contain_text("by Ann Desk")
    _shot(page, "callbacks-booked.png")
    booking = opening + (keys - before_booking)
    # the figure for the report: from the worklist to a recorded booking
    print(
        f"\nkeystrokes: open the oldest request {opening}, two attempts {keys_for_attempts}, "
        f"booking from the worklist {booking}"
    )
    (SCREENSHOTS / "keystrokes.txt").write_text(f"booking_from_worklist={booking}\n", encoding="utf-8")
    assert booking == 15
    # a booked request leaves the open worklist
    page.goto(desk_web.web_url + "/staff/callbacks?status=booked")
    expect(page.locator('tr[data-screening="web-old-screening"]')).to_contain_text("Booked")


def test_clinician_without_the_admin_role_cannot_open_the_audit(page, desk_web):
    sign_in(page, desk_web.web_url, "review", CLINICIAN, "/review")
    response = page.goto(desk_web.web_url + "/review/audit")
    assert response.status == 403
    expect(page.get_by_test_id("audit-forbidden")).to_be_visible()
    assert page.goto(desk_web.web_url + "/review/audit.csv").status == 403


@pytest.fixture(scope="module")
def desk_stack(tmp_path_factory, need_trained_model, write_accounts, running_stack):
    need_trained_model("a web request needs the real assistant")
    directory = tmp_path_factory.mktemp("desk-stack")
    accounts = write_accounts(directory / "accounts.json", staff=STAFF, clinician=CLINICIAN)
    env = {
        "MILD_ACCOUNTS_FILE": str(accounts),
        "WEB_SECRET_KEY": secrets.token_hex(32),
        "MILD_CALLBACK_SYNC_SECONDS": "2",
    }
    stack = Stack.with_free_ports(name=f"test-desk-{os.getpid()}", db_path=directory / "tracker.db", extra_env=env)
    with running_stack(stack) as running:
        yield running


def test_a_web_request_appears_in_the_worklist(browser, desk_stack):
    from tests.support.chat import Chat

    patient_context = browser.new_context(viewport={"width": 1280, "height": 900})
    patient = patient_context.new_page()
    patient.set_default_timeout(30_000)
    chat = Chat(patient, desk_stack).open()
    chat.start()
    chat.answer_until_outcome(prefer="click")
    chat.confirm_summary()
    chat.click(title="Yes, request an appointment")
    chat.type("Rosa Worklisttest")
    chat.type("(978) 555-0177")
    chat.click(title="Beverly")
    confirmation = chat.bot_texts()[-1]
    assert "from 978-927-PAIN (7246), within one business day" in confirmation, confirmation
    assert "front desk" in confirmation
    screening_id = chat.slots()["screening_id"]
    patient_context.close()

    agent_context = browser.new_context(viewport={"width": 1280, "height": 900})
    agent = agent_context.new_page()
    agent.set_default_timeout(30_000)
    sign_in(agent, desk_stack.web_url, "staff", STAFF, "/staff/callbacks")
    row = agent.locator(f'tr[data-screening="{screening_id}"]')
    expect(row).to_contain_text("Beverly")
    expect(row).to_contain_text("Web chat")
    expect(row).to_contain_text("New")
    row.get_by_role("link", name=re.compile("Open")).click()
    expect(agent.get_by_test_id("contact-name")).to_have_text("Rosa Worklisttest")
    expect(agent.get_by_test_id("tel")).to_have_attribute("href", re.compile(r"tel:.*978.*555.*0177"))
    agent_context.close()
    for name in ("web", "rasa", "actions"):
        log = desk_stack.log_path(name).read_text(encoding="utf-8", errors="replace")
        for secret in ("Worklisttest", "555-0177", "5550177"):
            assert secret not in log, f"{secret!r} in {desk_stack.log_path(name)}"
