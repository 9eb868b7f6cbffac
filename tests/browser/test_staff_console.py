"""The call-centre staff console (/staff) in Debian's Chromium (Playwright, sync API).

Servers (each with its own accounts file: a staff and a clinician account, never demo accounts):
- ``staff_web``: only the web server (no Rasa); sign-in checks run here without a trained model.
- ``staff_stack``: the real stack (action server, Rasa with the newest model in models/, web server)
  with its own tracker database and a random STAFF_CHANNEL_TOKEN. Skipped without a trained model
  (failed when MILD_REQUIRE_BROWSER is set).

The textbook intake is driven with keyboard shortcuts only; the test counts every keystroke from
"start intake" to the outcome and read-back (the page counts the trusted key presses and clicks it
receives as well) and prints the count.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from records.derive import derive_from_tracker
from tests.support.servers import REPO_ROOT, Stack

SCREENSHOTS = REPO_ROOT / "tests" / "browser" / "screenshots"
STAFF = ("casey", "staff pass phrase 42", "Casey Staff-Test")
CLINICIAN = ("dr-staff-test", "clinician pass phrase 42", "Dr. Staff Test")
MAX_INTAKE_ACTIONS = 15


def _env(accounts: Path) -> dict:
    return {
        "MILD_ACCOUNTS_FILE": str(accounts),
        "WEB_SECRET_KEY": secrets.token_hex(32),
        "STAFF_CHANNEL_TOKEN": secrets.token_urlsafe(24),
    }


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


@pytest.fixture(scope="module")
def staff_web(tmp_path_factory, write_accounts, running_stack):
    directory = tmp_path_factory.mktemp("staff-web")
    accounts = write_accounts(directory / "staff-accounts.json", staff=STAFF, clinician=CLINICIAN)
    stack = Stack.with_free_ports(
        name=f"test-staff-web-{os.getpid()}",
        db_path=directory / "tracker.db",
        start_actions=False,
        start_rasa=False,
        extra_env=_env(accounts),
    )
    with running_stack(stack, timeout=60):
        yield stack


@pytest.fixture(scope="module")
def staff_stack(tmp_path_factory, need_trained_model, write_accounts, running_stack):
    need_trained_model("the staff console needs the real bot")
    directory = tmp_path_factory.mktemp("staff-stack")
    accounts = write_accounts(directory / "staff-accounts.json", staff=STAFF, clinician=CLINICIAN)
    stack = Stack.with_free_ports(
        name=f"test-staff-{os.getpid()}", db_path=directory / "tracker.db", extra_env=_env(accounts)
    )
    with running_stack(stack):
        yield stack


# --- helpers ----------------------------------------------------------------------------------


def sign_in(page, base: str, username: str = STAFF[0], password: str = STAFF[1]) -> None:
    page.goto(base + "/staff")
    expect(page).to_have_url(re.compile(r"/staff/login"))
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def open_console(page, base: str) -> None:
    sign_in(page, base)
    expect(page).to_have_url(base + "/staff")
    expect(page.get_by_test_id("signed-in-as")).to_have_text(STAFF[2])
    expect(page.locator("#start-intake")).to_be_focused()


def idle(page) -> None:
    """Wait until the console has drawn the assistant's answer to the last action."""
    page.locator("#console[data-busy=false]").wait_for()


def console_attr(page, name: str) -> str:
    return page.locator("#console").get_attribute(name) or ""


def expect_asking(page, slot: str) -> None:
    expect(page.locator("#console")).to_have_attribute("data-requested-slot", slot)


class Keyboard:
    """Presses keys on the page and counts them (a typed text counts one per character)."""

    def __init__(self, page):
        self.page = page
        self.count = 0
        self.log: list[str] = []

    def press(self, key: str, expect_slot: str | None = None) -> None:
        self.page.keyboard.press(key)
        self.count += 1
        self.log.append(key)
        idle(self.page)
        if expect_slot is not None:
            expect_asking(self.page, expect_slot)

    def type(self, text: str) -> None:
        for char in text:
            self.page.keyboard.press(char)
            self.count += 1
            self.log.append(char)


def count_user_input(page) -> None:
    """Let the page count trusted key presses and clicks (to check the test's own count)."""
    page.evaluate("""() => {
        window.__staffInput = 0;
        document.addEventListener('keydown', e => { if (e.isTrusted) window.__staffInput++; }, true);
        document.addEventListener('mousedown', e => { if (e.isTrusted) window.__staffInput++; }, true);
    }""")


def tracker(stack, sender: str) -> dict:
    url = f"{stack.rasa_url}/conversations/{sender}/tracker?token={stack.token}"
    with urllib.request.urlopen(url, timeout=10) as resp:  # noqa: S310 (local)
        return json.loads(resp.read())


def answer_row(page, slot: str):
    return page.locator(f"#answers li[data-slot='{slot}']")


TEXTBOOK = [  # (key, the question asked after it)
    ("2", "urgent_flags"),  # red flags: No
    ("2", "leg_symptoms"),  # urgent flags: No
    ("1", "sitting_leaning_relief"),  # gate: Yes (leg symptoms + walking/standing)
    ("1", "walking_tolerance"),  # relief sitting/leaning: Yes
    ("2", "symptom_duration_months"),  # 50 ft - 2 blocks
    ("3", "age_years"),  # 1-2 years
]
TEXTBOOK_AFTER_AGE = [
    ("1", "injections"),  # conservative care: tried, failed
    ("1", "prior_back_surgery"),  # injections: had, failed
    ("2", "imaging_stenosis"),  # no prior surgery -> outcome recommend_consult
]


def textbook_until_outcome(page, keys: Keyboard) -> None:
    """Start an intake and answer a textbook case up to the (provisional) outcome."""
    keys.press("Enter", expect_slot="red_flags")  # the focused "Start intake" button
    for key, slot in TEXTBOOK:
        keys.press(key, expect_slot=slot)
    expect(page.locator("#words")).to_be_focused()  # age is typed
    keys.type("72")
    keys.press("Enter", expect_slot="conservative_care")
    for key, slot in TEXTBOOK_AFTER_AGE:
        keys.press(key, expect_slot=slot)
    expect(page.locator("#console")).to_have_attribute("data-outcome", "recommend_consult")


# --- sign-in ------------------------------------------------------------------------------------


def test_sign_in_refused_with_a_wrong_password(page, staff_web):
    base = staff_web.web_url
    sign_in(page, base, STAFF[0], "not the password")
    expect(page.locator("#login-error")).to_have_text("Wrong user name or password.")
    expect(page).to_have_url(re.compile(r"/staff/login"))
    assert not [c for c in page.context.cookies() if c["name"] == "mild_staff_session"]
    page.goto(base + "/staff")
    expect(page).to_have_url(re.compile(r"/staff/login\?next="))
    # the API refuses too, without a session
    response = page.request.post(base + "/staff/api/intakes", data="{}", headers={"Content-Type": "application/json"})
    assert response.status == 401

    # a clinician account cannot use the console
    sign_in(page, base, CLINICIAN[0], CLINICIAN[1])
    expect(page.locator("#login-error")).to_contain_text("Use a staff account")

    # the right password opens it; the cookie is HttpOnly and SameSite=Strict
    sign_in(page, base, STAFF[0], STAFF[1])
    expect(page).to_have_url(base + "/staff")
    expect(page.get_by_test_id("signed-in-as")).to_have_text(STAFF[2])
    cookie = next(c for c in page.context.cookies() if c["name"] == "mild_staff_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"


def test_api_post_without_the_csrf_header_is_refused(page, staff_web):
    base = staff_web.web_url
    sign_in(page, base)
    expect(page).to_have_url(base + "/staff")
    response = page.request.post(
        base + "/staff/api/intakes", data="{}", headers={"Content-Type": "application/json", "Origin": base}
    )
    assert response.status == 403
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    response = page.request.post(
        base + "/staff/api/intakes",
        data="{}",
        headers={"Content-Type": "application/json", "X-CSRF-Token": token, "Origin": "http://evil.example"},
    )
    assert response.status == 403


# --- intakes through the assistant ----------------------------------------------------------------


def test_textbook_intake_by_keyboard_shortcuts_only(page, staff_stack, dialogs):
    base = staff_stack.web_url
    open_console(page, base)
    count_user_input(page)
    keys = Keyboard(page)

    keys.press("Enter", expect_slot="red_flags")
    # the staff script: "Ask: ..." to read aloud, a hint line, big buttons with their shortcut keys
    script = page.locator("#script")
    expect(script).to_contain_text('Ask: "Right now, do you have new loss of bladder or bowel control')
    expect(script.locator(".hint-line")).to_contain_text("Hint:")
    expect(page.locator("#answer-buttons button.answer")).to_have_count(2)
    expect(page.locator("#answer-buttons button.answer").nth(0)).to_have_text(re.compile(r"^1\s*Yes$"))
    expect(page.locator("#answer-buttons button.answer").nth(1)).to_have_text(re.compile(r"^2\s*No$"))
    _shot(page, "staff-first-question.png")

    for key, slot in TEXTBOOK:
        keys.press(key, expect_slot=slot)
    expect(answer_row(page, "red_flags")).to_contain_text("No")
    expect(answer_row(page, "walking_tolerance")).to_contain_text("50 feet to 2 blocks")
    expect(page.locator("#words")).to_be_focused()  # the age is typed
    keys.type("72")
    keys.press("Enter", expect_slot="conservative_care")
    expect(answer_row(page, "age_years")).to_contain_text("72")
    for key, slot in TEXTBOOK_AFTER_AGE:
        keys.press(key, expect_slot=slot)
    # the outcome is known before the two record-only questions
    expect(page.locator("#outcome-panel")).to_be_visible()
    expect(page.locator("#outcome-provisional")).to_be_visible()
    keys.press("1", expect_slot="blood_thinners")  # imaging shows stenosis: Yes
    keys.press("2", expect_slot="appointment_consent")  # blood thinners: No -> the result

    outcome = page.locator("#outcome-panel")
    expect(page.locator("#console")).to_have_attribute("data-final", "true")
    expect(outcome).to_contain_text("Recommend a consultation to discuss MILD")
    expect(page.locator("#outcome-provisional")).to_be_hidden()
    expect(page.locator("#outcome-reasons li")).to_have_count(7)
    expect(page.locator("#outcome-reasons")).to_contain_text("Spinal injections did not give you enough relief.")
    readback = page.locator("#readback li")
    expect(readback).to_have_count(13)
    expect(page.locator("#readback")).to_contain_text(
        "You can walk between 50 feet and 2 blocks before you have to stop."
    )
    expect(page.locator("#readback")).to_contain_text("You are 72 years old.")
    expect(page.locator("#emergency-banner")).to_be_hidden()
    _shot(page, "staff-outcome-readback.png")

    counted_by_page = page.evaluate("() => window.__staffInput")
    print(
        f"\nstaff console: textbook intake from 'start intake' to the outcome and read-back took "
        f"{keys.count} keystrokes and 0 clicks ({' '.join(keys.log)}); the page counted {counted_by_page}"
    )
    assert counted_by_page == keys.count
    assert keys.count <= MAX_INTAKE_ACTIONS

    # the appointment request, entered by staff through the same conversation
    keys.press("1", expect_slot="contact_name")  # consent: Yes
    expect(page.locator("#words")).to_be_focused()
    page.keyboard.type("Margaret O'Neil")
    keys.press("Enter", expect_slot="contact_phone")
    page.keyboard.type("781-555-0142")
    keys.press("Enter", expect_slot="preferred_office")
    keys.press("1", expect_slot="")  # Woburn
    expect(page.locator("#script")).to_contain_text("Read back:")
    expect(page.locator("#script")).to_contain_text("Woburn")
    appointment = page.locator("#appointment")
    expect(appointment.locator("dd[data-slot=contact_name]")).to_have_text("Margaret O'Neil")
    expect(appointment.locator("dd[data-slot=preferred_office]")).to_have_text("Woburn")
    expect(page.locator("#done-panel")).to_be_visible()
    _shot(page, "staff-appointment-done.png")
    assert dialogs == [] and page.errors == []


def test_changed_answer_changes_the_outcome(page, staff_stack):
    base = staff_stack.web_url
    open_console(page, base)
    keys = Keyboard(page)
    textbook_until_outcome(page, keys)
    expect(page.locator("#outcome-title")).to_have_text("Recommend a consultation to discuss MILD")

    # one click on the answer, one on the new value
    answer_row(page, "injections").locator("button.answer-toggle").click()
    options = answer_row(page, "injections").locator(".change-options button")
    expect(options).to_have_count(3)
    expect(answer_row(page, "injections").locator(".change-options button.current")).to_contain_text("failed")
    answer_row(page, "injections").get_by_role("button", name=re.compile("Not tried")).click()
    idle(page)
    expect(page.locator("#console")).to_have_attribute("data-outcome", "possible_consult")
    expect(answer_row(page, "injections")).to_contain_text("Not tried")
    expect(answer_row(page, "injections")).to_contain_text("changed")
    expect(page.locator("#outcome-title")).to_have_text("Possible consultation: spine/pain physician to decide")
    expect(page.locator("#outcome-reasons")).to_contain_text("You have not had spinal (epidural) injections yet")
    expect_asking(page, "imaging_stenosis")  # the screening carries on where it was

    keys.press("1", expect_slot="blood_thinners")
    keys.press("2", expect_slot="appointment_consent")
    expect(page.locator("#console")).to_have_attribute("data-final", "true")
    expect(page.locator("#outcome-panel")).to_contain_text("Possible consultation: spine/pain physician to decide")
    _shot(page, "staff-changed-answer.png")


def test_change_after_the_result_updates_it(page, staff_stack):
    """The caller corrects an answer during the read-back, when the result is already shown."""
    base = staff_stack.web_url
    open_console(page, base)
    keys = Keyboard(page)
    textbook_until_outcome(page, keys)
    keys.press("1", expect_slot="blood_thinners")
    keys.press("2", expect_slot="appointment_consent")
    expect(page.locator("#console")).to_have_attribute("data-final", "true")

    answer_row(page, "injections").locator("button.answer-toggle").click()
    # the change options take the number keys while they are open
    keys.press("3")  # Not tried
    expect(page.locator("#console")).to_have_attribute("data-outcome", "possible_consult")
    expect(page.locator("#outcome-panel")).to_contain_text("Possible consultation: spine/pain physician to decide")
    expect(answer_row(page, "injections")).to_contain_text("Not tried")


def test_red_flag_shows_the_emergency_script(page, staff_stack, dialogs):
    base = staff_stack.web_url
    open_console(page, base)
    keys = Keyboard(page)
    keys.press("Enter", expect_slot="red_flags")
    keys.press("2", expect_slot="urgent_flags")
    keys.press("2", expect_slot="leg_symptoms")

    # whatever staff type is shown as text, never run as HTML
    page.locator("#words").focus()
    page.keyboard.type('<img src=x onerror="alert(1)">')
    keys.press("Enter")
    expect(page.locator("#console img")).to_have_count(0)
    expect(page.locator("#script .echo")).to_have_text('Entered: \u201c<img src=x onerror="alert(1)">\u201d')

    # the caller mentions a red flag in passing
    page.locator("#words").focus()
    page.keyboard.type("my legs hurt and since yesterday I can't control my bladder")
    keys.press("Enter")
    banner = page.locator("#emergency-banner")
    expect(banner).to_be_visible()
    expect(page.locator("#console")).to_have_attribute("data-outcome", "emergency")
    expect(banner).to_contain_text("RED FLAG")
    expect(page.locator("#emergency-script")).to_contain_text("call 911")
    expect(page.locator("#emergency-script")).to_contain_text("Read:")
    expect(answer_row(page, "red_flags")).to_contain_text("Yes")
    expect(page.locator("#answer-buttons button")).to_have_count(0)
    expect(page.locator("#outcome-panel")).to_be_hidden()
    expect(page.locator("#done-panel")).to_be_visible()
    _shot(page, "staff-red-flag.png")
    assert dialogs == [] and page.errors == []

    # a red flag answered with the first question's button
    keys.press("n", expect_slot="red_flags")
    expect(banner).to_be_hidden()
    keys.press("1", expect_slot="")
    expect(banner).to_be_visible()
    expect(page.locator("#emergency-script")).to_contain_text("911")


def test_record_is_marked_staff_entered_with_the_staff_name(page, staff_stack):
    base = staff_stack.web_url
    open_console(page, base)
    keys = Keyboard(page)
    keys.press("Enter", expect_slot="red_flags")
    keys.press("2", expect_slot="urgent_flags")
    keys.press("1", expect_slot="")  # urgent flags: yes -> urgent review, no appointment
    expect(page.locator("#console")).to_have_attribute("data-outcome", "urgent_review")
    expect(page.locator("#outcome-title")).to_have_text("Urgent review: caller should see a doctor within 1-2 days")
    expect(page.locator("#meta-staff")).to_have_text(STAFF[2])
    sender = page.locator("#meta-intake").inner_text().strip()
    assert re.fullmatch(r"staff-[0-9a-f]{32}", sender)

    conversation = tracker(staff_stack, sender)
    slots = conversation["slots"]
    assert slots["answered_by"] == "staff"
    assert slots["staff_name"] == STAFF[2]
    assert slots["triage_outcome"] == "urgent_review"
    assert conversation["latest_input_channel"] == "staff"
    record = derive_from_tracker(conversation)[-1]
    assert record["answered_by"] == "staff" and record["channel"] == "staff"
    assert record["staff_name"] == STAFF[2]
    assert record["answers"]["urgent_flags"]["value"] == "yes"

    # a reloaded console picks the intake up again
    page.reload()
    expect(page.locator("#meta-intake")).to_have_text(sender)
    expect(page.locator("#console")).to_have_attribute("data-outcome", "urgent_review")
    expect(answer_row(page, "urgent_flags")).to_contain_text("Yes")


# --- issue 15: the read-back comes before the outcome, at 390x844 and 1280x800 --------------------


@pytest.mark.parametrize(
    "size",
    [
        pytest.param({"width": 390, "height": 844}, id="phone-390x844"),
        pytest.param({"width": 1280, "height": 800}, id="laptop-1280x800"),
    ],
)
def test_read_back_comes_before_the_outcome(browser, dialogs, staff_stack, size):
    from tests.browser.conftest import _new_page

    context, page = _new_page(browser, size, dialogs)
    try:
        open_console(page, staff_stack.web_url)
        keys = Keyboard(page)
        textbook_until_outcome(page, keys)
        keys.press("1", expect_slot="blood_thinners")
        keys.press("2", expect_slot="appointment_consent")
        expect(page.locator("#console")).to_have_attribute("data-final", "true")
        readback, outcome = page.locator("#readback-panel"), page.locator("#outcome-panel")
        expect(readback).to_be_visible()
        expect(outcome).to_be_visible()
        # Read back first (step 1), then the outcome (step 2): above it on the page and in reading order.
        assert readback.bounding_box()["y"] + readback.bounding_box()["height"] <= outcome.bounding_box()["y"]
        order = page.evaluate("""() => Boolean(document.getElementById('readback-panel').compareDocumentPosition(
            document.getElementById('outcome-panel')) & Node.DOCUMENT_POSITION_FOLLOWING)""")
        assert order
        expect(readback.locator(".panel-title")).to_contain_text("before the outcome")
        expect(page.locator("#script")).to_contain_text("First read back the answers below")
        if size["width"] > 600:
            page.screenshot(path=str(REPO_ROOT / "docs" / "screenshot-staff-readback.png"), full_page=True)
        _shot(page, f"issue15-staff-readback-{size['width']}.png")
    finally:
        context.close()
