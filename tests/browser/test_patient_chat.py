"""The patient chat in a real browser against the real assistant (issue 3's acceptance tests).

Assertions are about what a patient sees: texts, buttons, the result card, phone links. The
tracker (Rasa's HTTP API) is read to know which question is open and that the answers and the
appointment request were stored with the conversation.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.support.chat import Chat, publish_screenshot, save_screenshot

RECOMMEND_TITLE = "A consultation to discuss MILD looks appropriate"
XSS = "<img src=x onerror=alert(1)>"
WOBURN_TEL = "tel:+17819277246"
BEVERLY_TEL = "tel:+19789277246"
UNREACHABLE = "We can't reach the assistant right now. Please call Woburn 781-927-PAIN or Beverly 978-927-PAIN."

# Finds visible text whose contrast against its background is below WCAG AA.
CONTRAST_CHECK_JS = r"""
(root) => {
  function rgba(s) {
    const m = s.match(/rgba?\(([^)]+)\)/);
    if (!m) return [0, 0, 0, 0];
    const p = m[1].split(',').map(x => parseFloat(x));
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  }
  function lum(c) {
    const a = c.slice(0, 3).map(v => {
      v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * a[0] + 0.7152 * a[1] + 0.0722 * a[2];
  }
  function background(el) {
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c[3] > 0.5) return c;
    }
    return [255, 255, 255, 1];
  }
  const failures = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim()) continue;
    const el = node.parentElement;
    if (!el || seen.has(el)) continue;
    seen.add(el);
    const r = el.getBoundingClientRect();
    const st = getComputedStyle(el);
    if (r.width <= 1 || r.height <= 1 || st.visibility === 'hidden' || st.display === 'none') continue;
    if (el.closest('[hidden]')) continue;
    if (el.closest('button:disabled')) continue;  // WCAG exempts inactive controls
    const fg = rgba(st.color), bg = background(el);
    const l1 = lum(fg), l2 = lum(bg);
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    const size = parseFloat(st.fontSize), bold = parseInt(st.fontWeight, 10) >= 700;
    const large = size >= 24 || (bold && size >= 18.66);
    const need = large ? 3 : 4.5;
    if (ratio < need) failures.push({text: node.textContent.trim().slice(0, 40), ratio: ratio.toFixed(2), need});
  }
  return failures;
}
"""


def assert_no_horizontal_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    assert width <= viewport, f"page is {width}px wide in a {viewport}px viewport"


def assert_contrast(page):
    failures = page.evaluate(CONTRAST_CHECK_JS, page.locator("body").element_handle())
    assert failures == [], f"text below WCAG AA contrast: {failures}"


def assert_result_card(card, *, title=RECOMMEND_TITLE):
    expect(card).to_be_visible()
    expect(card.locator(".result-card__title")).to_have_text(title)
    expect(card.locator(".result-card__summary")).not_to_be_empty()
    reasons = card.locator(".result-card__reasons li")
    assert reasons.count() >= 1, "the card lists no reasons"
    for text in reasons.all_inner_texts():
        assert text.strip(), "an empty reason"
    expect(card.locator(".result-card__next")).not_to_be_empty()
    woburn = card.locator(f'a[href="{WOBURN_TEL}"]')
    beverly = card.locator(f'a[href="{BEVERLY_TEL}"]')
    expect(woburn).to_be_visible()
    expect(woburn).to_contain_text("781-927-PAIN (7246)")
    expect(beverly).to_be_visible()
    expect(beverly).to_contain_text("978-927-PAIN (7246)")
    expect(card.locator(".result-card__disclaimer")).to_contain_text("911")


# ------------------------------------------------------------------------------------------------


def test_screening_completed_by_clicking_buttons(chat: Chat, page):
    expect(page.locator("#intro")).to_contain_text("not medical advice")
    chat.start()
    # The opening message with the disclaimer, then the first question with its buttons.
    opening = " ".join(chat.bot_texts())
    assert "not medical advice" in opening and "911" in opening
    assert chat.requested_slot() == "red_flags"
    titles = [b["title"] for b in chat.quick_replies()]
    assert titles == ["Yes, I have one of these", "No, none of these"]

    counts = chat.answer_until_outcome(prefer="click")
    assert counts["typed"] == 0, "; ".join(chat.transcript_log)
    assert counts["clicked"] <= 13

    # The answers are read back first; the result follows the confirmation.
    expect(chat.summary()).to_be_visible()
    assert chat.card_count() == 0
    chat.confirm_summary()
    card = chat.card()
    assert_result_card(card)
    expect(card.locator(".result-card__notes")).to_contain_text("blood thinner")
    # The result is scrolled into view at its top, and a button user's focus is on its title.
    expect(card.locator(".result-card__title")).to_be_in_viewport()
    expect(card.locator(".result-card__title")).to_be_focused()
    assert chat.slots()["triage_outcome"] == "recommend_consult"
    # The user's bubbles show the button titles, never the payloads.
    users = chat.user_texts()
    assert "No, none of these" in users and "50 feet to 2 blocks" in users
    assert not [u for u in users if u.startswith("/")], users
    # After the result: the offer to request an appointment.
    assert "Yes, request an appointment" in [b["title"] for b in chat.quick_replies()]
    assert_contrast(page)
    assert page.errors == []

    page.mouse.move(0, 0)  # no hover highlight in the pictures
    shot = save_screenshot(card, "result-card-desktop.png")
    save_screenshot(page, "chat-desktop-result.png")
    publish_screenshot(shot)


def test_screening_completed_by_typing(chat: Chat, page):
    chat.type("I'd like to take the screening")
    opening = " ".join(chat.bot_texts())
    assert "not medical advice" in opening and "911" in opening
    assert chat.requested_slot() == "red_flags"

    counts = chat.answer_until_outcome(prefer="type")
    assert counts["clicked"] == 0

    # The summary quotes the person's words under each answer.
    row = chat.summary_row("age_years")
    expect(row.locator(".answer-summary__value")).to_have_text("72")
    expect(row.locator(".answer-summary__words")).to_contain_text("\u201cI'm 72\u201d")
    chat.confirm_summary()
    assert_result_card(chat.card())
    slots = chat.slots()
    assert slots["triage_outcome"] == "recommend_consult"
    assert slots["age_years"] == 72
    assert slots["symptom_duration_months"] == 24
    users = chat.user_texts()
    assert "I'm 72" in users and "about 2 years" in users
    save_screenshot(chat.card(), "result-card-typed.png")


def test_red_flag_shows_the_emergency_card(chat: Chat, page):
    chat.start()
    chat.click(title="Yes, I have one of these")
    card = chat.card()
    expect(card).to_be_visible()
    expect(card).to_have_attribute("data-outcome", "emergency")
    expect(card.locator(".result-card__title")).to_contain_text("emergency")
    call_911 = card.locator('a[href="tel:911"]')
    expect(call_911).to_be_visible()
    expect(call_911).to_have_text("Call 911")
    assert chat.slots()["triage_outcome"] == "emergency"
    # Nothing else is offered: no appointment request, no further question.
    assert chat.quick_replies() == []
    assert chat.requested_slot() is None
    page.mouse.move(0, 0)
    save_screenshot(card, "result-card-emergency.png")


def test_procedure_question_midway_then_screening_continues(chat: Chat, page):
    chat.start()
    chat.click(title="No, none of these")
    assert chat.requested_slot() == "urgent_flags"
    question = chat.bot_texts()[-1]

    chat.type("how long does the procedure take?")
    texts = chat.bot_texts()
    assert any("about an hour" in t for t in texts[-3:]), texts[-3:]
    # The open question is asked again, with its buttons, and still open.
    assert texts[-1] == question
    assert [b["title"] for b in chat.quick_replies()] == ["Yes", "No"]
    assert chat.requested_slot() == "urgent_flags"

    chat.click(title="No")
    assert chat.slots()["urgent_flags"] == "no"
    assert chat.requested_slot() == "leg_symptoms"
    assert "walk or stand" in chat.bot_texts()[-1]


def test_appointment_request_with_consent(chat: Chat, page, stack):
    chat.start()
    chat.answer_until_outcome(prefer="click")
    chat.confirm_summary()
    assert_result_card(chat.card())

    chat.click(title="Yes, request an appointment")
    assert "name" in chat.bot_texts()[-1].lower()
    chat.type("Jane Testperson")
    assert "phone" in chat.bot_texts()[-1].lower()

    chat.type("12345")  # not a phone number: a clear re-ask
    recent = chat.bot_texts()[-2:]
    assert any("doesn't look like a phone number" in t for t in recent), recent
    assert chat.requested_slot() == "contact_phone"
    assert chat.slots().get("contact_phone") in (None, "")

    chat.type("(781) 555-0134")
    assert [b["title"] for b in chat.quick_replies()] == ["Woburn", "Beverly"]
    chat.click(title="Beverly")

    confirmation = chat.bot_texts()[-1]
    assert "Jane Testperson" in confirmation
    assert "Beverly" in confirmation
    assert re.sub(r"\D", "", confirmation).find("7815550134") >= 0, confirmation
    slots = chat.slots()
    assert slots["appointment_consent"] == "yes"
    assert slots["contact_name"] == "Jane Testperson"
    assert re.sub(r"\D", "", str(slots["contact_phone"])).endswith("7815550134")
    assert slots["preferred_office"] == "Beverly"
    save_screenshot(page, "appointment-confirmed.png")

    # Contact details are protected health information: never in the logs.
    for name in ("web", "rasa", "actions"):
        log = stack.log_path(name).read_text(encoding="utf-8", errors="replace")
        for secret in ("Testperson", "555-0134", "5550134"):
            assert secret not in log, f"{secret!r} found in {stack.log_path(name)}"


def test_appointment_declined_is_respected(chat: Chat):
    chat.start()
    chat.answer_until_outcome(prefer="click")
    chat.confirm_summary()
    chat.click(title="No thanks")
    assert chat.bot_texts()[-1].startswith("No problem")
    slots = chat.slots()
    assert slots["appointment_consent"] == "no"
    assert not slots.get("contact_name") and not slots.get("contact_phone")
    assert chat.quick_replies() == []
    assert not any("name" in t.lower() and t.endswith("?") for t in chat.bot_texts()[-2:])


def test_reload_shows_the_conversation_and_it_continues(chat: Chat, page):
    chat.start()
    chat.click(title="No, none of these")
    chat.click(title="No")
    session_id = chat.session_id
    users, bots = chat.user_texts(), chat.bot_texts()
    replies = chat.quick_replies()
    assert [b["title"] for b in replies] == ["Yes", "No", "Not sure"]

    chat.reload()
    expect(page.locator("#log .msg--bot")).to_have_count(len(bots))
    assert chat.session_id == session_id
    assert chat.user_texts() == users  # button titles, not payloads
    assert chat.bot_texts() == bots
    assert chat.quick_replies() == replies
    expect(page.locator("#intro")).to_be_hidden()

    chat.click(title="Yes")
    slots = chat.slots()
    assert slots["leg_symptoms"] == "yes" and slots["walking_standing_trigger"] == "yes"
    assert "sit down" in chat.bot_texts()[-1]


def test_start_over_begins_a_new_screening_in_the_same_session(chat: Chat, page):
    chat.start()
    chat.click(title="No, none of these")
    session_id = chat.session_id
    first_screening = chat.slots()["screening_id"]

    page.get_by_role("button", name="Start over").click()
    # issue 15: it asks first ("Start over? Your answers will be cleared").
    page.get_by_role("button", name="Yes, start over").click()
    # The transcript is cleared; the assistant confirms the fresh start.
    expect(page.locator("#log .msg--user")).to_have_count(0)
    expect(page.locator("#log .msg--bot").first).to_contain_text("start a new screening")
    assert chat.session_id == session_id
    events = chat.tracker()["events"]
    assert any(e["event"] == "restart" for e in events)

    chat.click(title="Start the screening")
    assert chat.requested_slot() == "red_flags"
    assert chat.slots().get("red_flags") is None
    new_screening = chat.slots()["screening_id"]
    assert new_screening and new_screening != first_screening

    chat.reload()
    assert "No, none of these" not in chat.user_texts()  # only the new screening is redrawn


def test_markup_in_a_message_is_shown_as_text(chat: Chat, page, dialogs):
    chat.start()
    chat.type(XSS)
    bubble = page.locator("#log .msg--user").last
    expect(bubble).to_contain_text(XSS)
    assert chat.user_texts()[-1] == XSS
    assert page.locator("#log img").count() == 0
    page.wait_for_timeout(500)
    assert dialogs == []

    chat.reload()
    assert XSS in chat.user_texts()
    assert page.locator("#log img").count() == 0
    page.wait_for_timeout(500)
    assert dialogs == []
    assert page.errors == []


def test_phone_sized_screen(phone_chat: Chat, phone_page):
    page = phone_page
    start = page.get_by_role("button", name="Start screening", exact=True)
    expect(start).to_be_in_viewport()
    expect(page.get_by_label("Your message")).to_be_in_viewport()
    assert_no_horizontal_scroll(page)
    save_screenshot(page, "phone-intro.png")

    phone_chat.start()
    for button in page.locator("#log .quick-reply").all():
        box = button.bounding_box()
        assert box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= 390
    phone_chat.answer_until_outcome(prefer="click")
    phone_chat.confirm_summary()
    card = phone_chat.card()
    assert_result_card(card)
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert_no_horizontal_scroll(page)
    expect(page.get_by_label("Your message")).to_be_in_viewport()
    assert_contrast(page)
    expect(card.locator(".result-card__title")).to_be_in_viewport()
    page.mouse.move(0, 0)
    save_screenshot(card, "result-card-phone.png")
    save_screenshot(page, "phone-after-result.png")

    # Largest text on the phone: nothing runs off the side, the message box stays on screen.
    larger = page.get_by_role("button", name="Larger text")
    while larger.is_enabled():
        larger.click()
    assert page.evaluate("document.documentElement.style.fontSize") == "200%"
    assert_no_horizontal_scroll(page)
    expect(page.get_by_label("Your message")).to_be_in_viewport()
    page.get_by_label("Your message").focus()
    page.keyboard.press("End")
    save_screenshot(page, "phone-largest-text.png")


def test_answers_read_back_before_the_result_and_changed_with_one_tap(phone_chat: Chat, phone_page):
    page = phone_page
    chat = phone_chat
    chat.start()
    chat.answer_until_outcome(prefer="click")

    # "Here is what I understood" instead of the result: every answer, on one phone screen.
    summary = chat.summary()
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading", name="Here is what I understood")).to_be_visible()
    assert chat.card_count() == 0
    assert chat.quick_replies() == []
    rows = summary.get_by_role("list").get_by_role("listitem")
    expect(rows).to_have_count(12)  # the warning signs, then the 11 other answers
    box = summary.bounding_box()
    assert box["height"] <= page.viewport_size["height"], f"the summary is {box['height']}px tall"
    assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]
    assert_no_horizontal_scroll(page)
    expect(summary.locator(".answer-summary__title")).to_be_in_viewport()
    warning = chat.summary_row("warning_signs")
    expect(warning).to_contain_text("Warning signs")
    expect(warning).to_contain_text("None")
    assert warning.locator("button").count() == 0  # a warning sign is typed, as the note says
    expect(summary.locator(".answer-summary__note")).to_contain_text("type")
    duration = chat.summary_row("symptom_duration_months")
    expect(duration.locator(".answer-summary__value")).to_have_text("36 months")
    assert duration.locator("button").count() == 0  # numbers are typed
    expect(summary.locator(".answer-summary__words")).to_have_count(0)  # all answered by buttons: no words
    assert_contrast(page)
    page.mouse.move(0, 0)
    save_screenshot(summary, "answer-summary-phone.png")

    # Keyboard: from the heading (focused after the last button answer) Tab reaches the first
    # "Change"; it opens its row's options, and the focus is visible.
    expect(summary.locator(".answer-summary__title")).to_be_focused()
    page.keyboard.press("Tab")
    first_change = chat.summary_row("leg_symptoms").locator(".answer-summary__change")
    expect(first_change).to_be_focused()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    expect(first_change).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "No"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    expect(first_change).to_have_attribute("aria-expanded", "false")

    # A long answer in the person's words is shortened on screen, complete for screen readers.
    long_words = "Sorry, I got that wrong before, I have actually had these leg symptoms for about 4 years now"
    chat.type(long_words)
    assert chat.slots()["symptom_duration_months"] == 48
    expect(chat.summary_row("symptom_duration_months").locator(".answer-summary__value")).to_have_text("48 months")
    words = chat.summary_row("symptom_duration_months").locator(".answer-summary__words")
    shown = words.locator("[aria-hidden='true']").inner_text()
    assert len(shown) <= 62 and shown.endswith("\u2026\u201d"), shown
    expect(words).to_have_attribute("title", long_words)
    expect(words.locator(".visually-hidden")).to_have_text(f"You said: \u201c{long_words}\u201d")

    # Change one answer: "Change" shows the other values; one tap sends it.
    row = chat.summary_row("walking_tolerance")
    expect(row.locator(".answer-summary__value")).to_have_text("50 feet to 2 blocks")
    change = row.get_by_role("button", name="Change Walking tolerance")
    panel = page.locator("#" + change.get_attribute("aria-controls"))
    expect(change).to_have_attribute("aria-expanded", "false")
    expect(panel).to_be_hidden()
    change.click()
    expect(change).to_have_attribute("aria-expanded", "true")
    expect(panel).to_be_visible()
    assert [t.strip() for t in panel.get_by_role("button").all_inner_texts()] == [
        "More than 2 miles",
        "2 blocks to 2 miles",
        "Less than 50 feet",
    ]
    old_count = page.locator("#log .answer-summary").count()
    chat.change_answer("walking_tolerance", "More than 2 miles")
    assert chat.user_texts()[-1] == "More than 2 miles"
    assert chat.slots()["walking_tolerance"] == "over_2_miles"
    # The used summary's buttons are disabled; the changed answers are read back again.
    expect(page.locator("#log .answer-summary")).to_have_count(old_count + 1)
    for button in page.locator("#log .answer-summary").nth(old_count - 1).get_by_role("button").all():
        expect(button).to_be_disabled()
    expect(chat.summary_row("walking_tolerance").locator(".answer-summary__value")).to_have_text("More than 2 miles")
    assert chat.card_count() == 0

    # Confirm: the result follows the change.
    confirm = chat.summary().get_by_role("button", name="That's right, show my result")
    expect(confirm).to_be_visible()
    chat.confirm_summary()
    card = chat.card()
    expect(card).to_have_attribute("data-outcome", "not_indicated")
    expect(card.locator(".result-card__title")).to_have_text("Your symptoms do not match the pattern MILD treats")
    expect(card.locator(".result-card__reasons")).to_contain_text("more than 2 miles")
    assert chat.user_texts()[-1] == "That's right, show my result"
    for button in chat.summary().get_by_role("button").all():
        expect(button).to_be_disabled()
    assert chat.slots()["triage_outcome"] == "not_indicated"
    assert page.errors == []

    # A reload redraws the summaries (used ones disabled) and the result.
    chat.reload()
    expect(page.locator("#log .answer-summary")).to_have_count(old_count + 1)
    for button in page.locator("#log .answer-summary button").all():
        expect(button).to_be_disabled()
    expect(chat.card()).to_have_attribute("data-outcome", "not_indicated")


def test_keyboard_only(chat: Chat, page):
    # Tab from the top of the page reaches "Start screening" through the header controls.
    reached = []
    for _ in range(15):
        page.keyboard.press("Tab")
        name = page.evaluate("document.activeElement.textContent.trim()")
        reached.append(name)
        if name == "Start screening":
            break
    else:
        pytest.fail(f"Start screening not reachable by Tab: {reached}")
    assert reached[0] == "Skip to the message box"

    before = chat._user_event_count()
    page.keyboard.press("Enter")
    chat.wait_idle(before + 1)
    # Focus moves to the first answer button of the question.
    assert page.evaluate("document.activeElement.textContent.trim()") == "Yes, I have one of these"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "No, none of these"
    before = chat._user_event_count()
    page.keyboard.press("Enter")
    chat.wait_idle(before + 1)
    assert chat.requested_slot() == "urgent_flags"
    assert page.evaluate("document.activeElement.textContent.trim()") == "Yes"

    # Tab past the answer buttons to the message box, type, Enter sends.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "message-input"
    page.keyboard.type("no")
    before = chat._user_event_count()
    page.keyboard.press("Enter")
    chat.wait_idle(before + 1)
    assert chat.slots()["urgent_flags"] == "no"
    assert page.evaluate("document.activeElement.id") == "message-input"  # typing stays in the box
    # Every control has a visible focus indicator.
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"


def test_text_can_be_enlarged_and_controls_are_labelled(chat: Chat, page):
    chat.start()
    bubble = page.locator("#log .msg--bot").first
    before = float(bubble.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    larger = page.get_by_role("button", name="Larger text")
    larger.click()
    larger.click()
    larger.click()
    after = float(bubble.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    assert after >= before * 1.45, (before, after)
    assert_no_horizontal_scroll(page)
    chat.reload()  # the choice is remembered
    after_reload = float(page.locator("#log .msg--bot").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    assert after_reload == after
    page.get_by_role("button", name="Smaller text").click()
    assert float(page.locator("#log .msg--bot").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) < after

    # Screen-reader names and the live region.
    log = page.get_by_role("log", name="Conversation")
    expect(log).to_have_attribute("aria-live", "polite")
    expect(page.get_by_role("textbox", name="Your message")).to_be_visible()
    expect(page.get_by_role("button", name="Send")).to_be_visible()
    expect(page.get_by_role("group", name="Answer options")).to_be_visible()
    expect(page.get_by_role("navigation", name="Call an office")).to_be_visible()


def test_history_api_rejects_bad_session_ids(web_without_rasa):
    stack = web_without_rasa
    for bad in ("abc", "../../status", "x" * 65, "0123456789abcdef0123456789abcdeg"):
        url = f"{stack.web_url}/api/history/{urllib.request.quote(bad, safe='')}"
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(url, timeout=5)
        assert info.value.code in (400, 404)


def test_assistant_unreachable_shows_the_phone_numbers(web_without_rasa, page):
    stack = web_without_rasa
    # The history API answers 502 with a clear message (for the browser's own conversation: the
    # cookie of /api/session; an id alone reads nothing, see test_chat_security.py).
    from tests.support.socket_patient import web_session

    own = web_session(stack.web_url)
    request = urllib.request.Request(f"{stack.web_url}/api/history", headers={"Cookie": own["cookie"]})
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request, timeout=10)
    assert info.value.code == 502
    assert json.loads(info.value.read())["message"] == UNREACHABLE

    # A returning patient: the page cannot load the history and says whom to call.
    page.goto(stack.web_url + "/")
    page.wait_for_selector("body[data-chat-ready='true']")
    page.evaluate(
        """() => { const s = JSON.parse(localStorage.getItem('mild.chat.session.v1'));
                   s.started = true; s.lastActivity = Date.now();
                   localStorage.setItem('mild.chat.session.v1', JSON.stringify(s)); }"""
    )
    page.reload()
    status = page.get_by_role("alert")
    expect(status).to_contain_text(UNREACHABLE)
    expect(status.locator(f'a[href="{WOBURN_TEL}"]')).to_be_visible()
    expect(status.locator(f'a[href="{BEVERLY_TEL}"]')).to_be_visible()

    # A new visitor: the socket cannot connect, same message.
    page.evaluate("() => localStorage.clear()")
    page.reload()
    expect(page.get_by_role("alert")).to_contain_text(UNREACHABLE)


def test_history_api_only_redraws_web_chat_conversations(stack):
    # A conversation held over another channel (here Rasa's REST channel) is not handed out.
    sender = "fedcba9876543210fedcba9876543210"
    request = urllib.request.Request(
        f"{stack.rasa_url}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": "hello"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    urllib.request.urlopen(request, timeout=30).read()
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(f"{stack.web_url}/api/history/{sender}", timeout=10)
    assert info.value.code == 404
