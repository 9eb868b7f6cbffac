"""Issue 15, "What people see", for patients: in Chromium at 390x844 (a phone) and 1280x800.

The result card and the emergency card keep the page one screen tall with the header (the clinic's
numbers) in view; no answer button looks chosen on a touch screen before it is tapped; "Start
over" shows only once there is something to lose and asks first; the privacy notice comes before
the first question; "Question N of about M" follows the plan; after an emergency the text box is
closed and says why; every part has an icon; a closed socket.io connection is no ERROR in the log.
"""

from __future__ import annotations

import re
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LAPTOP, PHONE, RETENTION_DAYS, _new_page
from tests.support.chat import Chat, publish_screenshot, save_screenshot

SIZES = [pytest.param(PHONE, id="phone-390x844"), pytest.param(LAPTOP, id="laptop-1280x800")]
BRAND_SOFT = "rgb(227, 240, 243)"  # --brand-soft, the hover tint
WHITE = "rgb(255, 255, 255)"

LAYOUT_JS = """() => ({
  pageHeight: document.documentElement.scrollHeight,
  bodyHeight: document.body.scrollHeight,
  scrollY: window.scrollY,
  headerTop: document.querySelector('.site-header').getBoundingClientRect().top,
  headerBottom: document.querySelector('.site-header').getBoundingClientRect().bottom,
  composerBottom: document.querySelector('.composer').getBoundingClientRect().bottom,
})"""


@pytest.fixture(params=SIZES)
def sized(request, browser, dialogs, stack):
    context, page = _new_page(browser, request.param, dialogs)
    yield Chat(page, stack).open(), page, request.param
    context.close()


def assert_one_screen(page, size, where):
    m = page.evaluate(LAYOUT_JS)
    assert m["pageHeight"] == size["height"] and m["bodyHeight"] <= size["height"], f"{where}: {m}"
    assert m["scrollY"] == 0 and m["headerTop"] == 0, f"{where}: the page scrolled: {m}"
    assert m["composerBottom"] <= size["height"] + 0.5, f"{where}: the message box is off screen: {m}"
    expect(page.locator(".offices__link").first).to_be_in_viewport()


def tag(size) -> str:
    return "phone" if size["width"] < 600 else "laptop"


# ------------------------------------------------------------------------------------------------


def test_result_card_keeps_the_page_one_screen_with_progress_and_start_over(sized):
    chat, page, size = sized
    start_over = page.locator("#start-over")
    progress = page.locator("#progress")
    expect(start_over).to_be_hidden()  # nothing to lose yet
    expect(progress).to_be_hidden()
    chat.start()
    expect(progress).to_have_text("Question 1 of about 12")
    expect(start_over).to_be_hidden()  # only the page's own "Start screening" so far
    chat.click(title="No, none of these")
    expect(progress).to_have_text("Question 2 of about 12")
    expect(start_over).to_be_visible()
    chat.click(title="No")
    chat.click(title="Yes")  # the gate question answers two slots at once
    expect(progress).to_have_text("Question 4 of about 12")
    chat.reload()
    expect(progress).to_have_text("Question 4 of about 12")  # redrawn from the history

    chat.answer_until_outcome(prefer="click")
    expect(progress).to_be_hidden()  # the questions are over: "Here is what I understood"
    assert_one_screen(page, size, "answer summary")
    chat.confirm_summary()
    card = chat.card()
    expect(card.locator(".result-card__title")).to_be_in_viewport()
    assert_one_screen(page, size, "result card")
    chat.reload()
    expect(chat.card().locator(".result-card__title")).to_be_in_viewport()
    assert_one_screen(page, size, "result card after a reload")
    page.mouse.move(0, 0)
    save_screenshot(page, f"issue15-result-{tag(size)}.png")
    if size is PHONE:
        publish_screenshot(
            save_screenshot(chat.card(), "result-card-phone-issue15.png"), "docs/screenshot-result-card-phone.png"
        )


def test_emergency_card_stays_and_the_text_box_says_why(sized):
    chat, page, size = sized
    chat.start()
    chat.click(title="Yes, I have one of these")
    card = chat.card()
    expect(card).to_have_attribute("data-outcome", "emergency")
    box = page.get_by_label("Your message")
    note = page.locator("#composer-note")
    for where in ("emergency card", "emergency card after a reload"):
        card = chat.card()
        expect(card.locator(".result-card__title")).to_be_in_viewport()
        expect(card.locator('a[href="tel:911"]')).to_be_in_viewport()
        expect(box).to_be_disabled()
        expect(page.get_by_role("button", name="Send")).to_be_disabled()
        expect(note).to_be_visible()
        expect(note).to_contain_text("stopped because of a warning sign")
        expect(note).to_contain_text("911")
        assert box.get_attribute("aria-describedby") == "composer-note"
        expect(page.locator("#progress")).to_be_hidden()
        assert_one_screen(page, size, where)
        if where == "emergency card":
            page.mouse.move(0, 0)
            shot = save_screenshot(page, f"issue15-emergency-{tag(size)}.png")
            if size is PHONE:
                publish_screenshot(shot, "docs/screenshot-emergency-card.png")
            chat.reload()
    # Start over (after its question) opens the text box again.
    page.locator("#start-over").click()
    page.get_by_role("button", name="Yes, start over").click()
    expect(box).to_be_enabled()
    expect(note).to_be_hidden()


def test_start_over_asks_first_and_can_be_cancelled(sized):
    chat, page, _size = sized
    chat.start()
    chat.click(title="No, none of these")
    start_over = page.locator("#start-over")
    start_over.click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Start over? Your answers will be cleared")
    expect(dialog.get_by_role("button", name="Keep my answers")).to_be_focused()
    dialog.get_by_role("button", name="Keep my answers").click()
    expect(dialog).to_be_hidden()
    assert "No, none of these" in chat.user_texts()  # nothing was cleared
    assert not any(e["event"] == "restart" for e in chat.tracker()["events"])
    expect(start_over).to_be_focused()
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    start_over.click()
    page.get_by_role("button", name="Yes, start over").click()
    expect(page.locator("#log .msg--user")).to_have_count(0)
    expect(page.locator("#log .msg--bot").first).to_contain_text("start a new screening")
    expect(start_over).to_be_hidden()  # nothing to lose again


def test_privacy_notice_before_the_first_question(sized):
    _chat, page, size = sized
    notice = page.get_by_role("region", name="Your privacy")
    expect(notice).to_be_visible()
    text = notice.inner_text()
    assert "stored" in text and "name and phone number" in text
    assert f"Pain clinic keeps them for {RETENTION_DAYS} days, then deletes them." in text
    assert "clinicians" in text
    assert "Nobody watches this chat live" in text
    expect(notice.locator('a[href="tel:+17819277246"]')).to_have_text("Woburn 781-927-PAIN (7246)")
    expect(notice.locator('a[href="tel:+19789277246"]')).to_have_text("Beverly 978-927-PAIN (7246)")
    # Before the first question: the notice and "Start screening" are on the first screen, in that order.
    start = page.get_by_role("button", name="Start screening", exact=True)
    expect(notice).to_be_in_viewport()
    expect(start).to_be_in_viewport()
    assert notice.bounding_box()["y"] < start.bounding_box()["y"]
    assert page.locator("#log .msg--bot").count() == 0
    if size is PHONE:
        publish_screenshot(save_screenshot(page, "privacy-notice-phone.png"), "docs/screenshot-privacy-notice.png")


@pytest.mark.parametrize("size", SIZES)
def test_no_answer_button_looks_chosen_on_a_touch_screen(browser, dialogs, stack, size):
    context = browser.new_context(
        viewport=size, has_touch=True, is_mobile=size is PHONE, locale="en-US", reduced_motion="reduce"
    )
    try:
        page = context.new_page()
        chat = Chat(page, stack).open()
        assert page.evaluate("matchMedia('(hover: hover)').matches") is False

        def tap(name):
            before = chat._user_event_count()
            page.get_by_role("button", name=name, exact=True).tap()
            chat.wait_idle(before + 1)

        def assert_none_looks_chosen(where):
            looks = page.locator("#log .quick-reply").evaluate_all(
                """bs => bs.map(b => ({t: b.textContent.trim(), bg: getComputedStyle(b).backgroundColor,
                                       fv: b.matches(':focus-visible'), f: b === document.activeElement}))"""
            )
            assert looks, where
            for b in looks:
                assert b["bg"] == WHITE and not b["fv"] and not b["f"], f"{where}: {b} looks chosen"

        tap("Start screening")
        assert_none_looks_chosen("the warning-sign question under the finger")
        tap("No, none of these")
        assert_none_looks_chosen("the next question")
    finally:
        context.close()


@pytest.mark.parametrize("size", SIZES)
def test_hover_tint_stays_for_a_mouse(browser, dialogs, stack, size):
    context, page = _new_page(browser, size, dialogs)
    try:
        chat = Chat(page, stack).open()
        chat.start()
        button = page.locator("#log .quick-reply").last
        page.mouse.move(0, 0)  # a mouse still over the spot of "Start screening" would hover this button
        expect(button).to_have_css("background-color", WHITE)
        button.hover()
        expect(button).to_have_css("background-color", BRAND_SOFT)
    finally:
        context.close()


@pytest.mark.parametrize("size", SIZES)
def test_favicon_on_the_patient_page(browser, dialogs, stack, size):
    context, page = _new_page(browser, size, dialogs)
    try:
        page.goto(stack.web_url + "/")
        hrefs = page.locator("link[rel=icon]").evaluate_all("ls => ls.map(l => l.href)")
        assert hrefs and all(re.search(r"/favicon\.(svg|ico)$", h) for h in hrefs), hrefs
        for href in hrefs:
            response = page.request.get(href)
            assert response.status == 200 and response.headers["content-type"].startswith("image/"), href
    finally:
        context.close()


def test_a_closed_socketio_connection_is_not_an_error_in_the_rasa_log(browser, dialogs, stack):
    for size in (PHONE, LAPTOP):
        context, page = _new_page(browser, size, dialogs)
        chat = Chat(page, stack).open()
        chat.start()
        context.close()  # the browser leaves: its websocket closes
    # A later conversation is served, so the server has been through the closed connections.
    context, page = _new_page(browser, PHONE, dialogs)
    try:
        Chat(page, stack).open().start()
    finally:
        context.close()
    with urllib.request.urlopen(stack.rasa_url + "/", timeout=10):  # noqa: S310 (local)
        pass
    log = stack.log_path("rasa").read_text(encoding="utf-8", errors="replace")
    errors = [line for line in log.splitlines() if "ERROR" in line and "socket.io" in line]
    assert errors == [], errors[:3]
    assert "Invalid response type None" not in log
