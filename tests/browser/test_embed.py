"""The chat embedded in the clinic's own web site, in Debian's Chromium, and the axe-core audits.

One stack for the module (actions, Rasa, web server) whose MILD_ALLOWED_ORIGINS names its own pages
and a host site (tests/support/host_site.py) served on another port *and* another host name:
pages at http://localhost:<port>, the assistant at http://127.0.0.1:<port>, so the chat frame is a
third-party context as on a real clinic site (no SameSite cookie; storage partitioned by the top
site). The same host site seen as http://127.0.0.1:<port> is an origin that is not allowed.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.support import axe
from tests.support.chat import STORE_KEY, Chat, ChatError, publish_screenshot, save_screenshot
from tests.support.host_site import HostSite
from tests.support.servers import Stack, free_port

STAFF = ("staff-embed", "staff pass phrase 42", "Sam Staff")
CLINICIAN = ("dr-embed", "clinician pass phrase 42", "Dr. Embed")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}

PLAIN = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Pain clinic</title></head>
<body><header><h1>Pain clinic</h1>
<nav><a href="/plain.html">MILD</a> <a href="/plain.html#appt">Request an Appointment</a></nav></header>
<main><h2>The MILD procedure</h2><p>Minimally Invasive Lumbar Decompression.</p></main>
<script src="{web}/embed.js" data-office="woburn" async></script>
</body></html>"""

# A deliberately hostile host page: global resets, huge type, a z-index war in the launcher's
# corner, transforms on body, and a strict CSP (no inline script or style at all).
HOSTILE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Hostile clinic page</title>
<link rel="stylesheet" href="/hostile.css"></head>
<body><h1>Hostile</h1><p>Text under a reset.</p>
<div class="overlay">cookie banner</div>
<button type="button" class="host-button">Host button</button>
<iframe src="about:blank" title="host frame" class="host-frame"></iframe>
<script src="{web}/embed.js" data-position="bottom-left" data-lang="en" async></script>
</body></html>"""
HOSTILE_CSS = """
* { margin: 0 !important; padding: 0 !important; border: 0 !important; font-size: 30px !important;
    line-height: 3 !important; box-sizing: content-box !important; color: #0f0 !important;
    font-family: "Comic Sans MS", fantasy !important; letter-spacing: 4px !important; }
button, iframe, div, p, span, svg { display: inline !important; width: 7px !important; height: 7px !important;
    position: static !important; visibility: visible; opacity: .9 !important; }
body { transform: translateZ(0) rotate(0.5deg); overflow: hidden !important; filter: blur(0); }
.overlay { position: fixed !important; left: 0; bottom: 0; width: 100vw !important; height: 120px !important;
    z-index: 2147483647 !important; background: #f0f !important; display: block !important; }
html::after { content: ""; position: fixed; inset: 0 0 0 0; z-index: 2147483646; pointer-events: none; }
"""


@pytest.fixture(scope="module")
def host_site():
    site = HostSite().start()
    yield site
    site.stop()


@pytest.fixture(scope="module")
def embed_stack(tmp_path_factory, host_site, need_trained_model, write_accounts, running_stack):
    need_trained_model("the embed talks to the real bot")
    directory = tmp_path_factory.mktemp("embed")
    accounts = write_accounts(directory / "accounts.json", staff=STAFF, clinician=CLINICIAN)
    web_port = free_port()
    allowed = f"http://127.0.0.1:{web_port} http://localhost:{web_port} {host_site.origin('localhost')}"
    stack = Stack(
        web_port=web_port,
        rasa_port=free_port(),
        actions_port=free_port(),
        name=f"test-embed-{os.getpid()}",
        db_path=directory / "tracker.db",
        extra_env={
            "MILD_ALLOWED_ORIGINS": allowed,
            "MILD_ACCOUNTS_FILE": str(accounts),
            "WEB_SECRET_KEY": secrets.token_hex(32),
        },
    )
    web = stack.web_url
    host_site.add("/plain.html", PLAIN.replace("{web}", web))
    csp = (
        f"default-src 'self'; script-src 'self' {web}; frame-src {web}; style-src 'self'; "
        "img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'"
    )
    host_site.add("/hostile.html", HOSTILE.replace("{web}", web), Content_Security_Policy=csp)
    host_site.add("/hostile.css", HOSTILE_CSS, content_type="text/css")
    # a page that frames the chat directly (on an origin that is not allowed, the browser refuses)
    host_site.add(
        "/framed.html",
        f'<!doctype html><html lang="en"><head><title>framed</title></head><body>'
        f'<iframe title="chat" src="{web}/embed/frame"></iframe></body></html>',
    )
    with running_stack(stack):
        yield stack


def _context(browser, viewport):
    context = browser.new_context(viewport=viewport, locale="en-US", reduced_motion="reduce")
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.console = []
    page.errors = []
    page.on("console", lambda msg: page.console.append((msg.type, msg.text)))
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    return context, page


@pytest.fixture
def host_page(browser):
    context, page = _context(browser, DESKTOP)
    yield page
    context.close()


@pytest.fixture
def host_phone(browser):
    context, page = _context(browser, PHONE)
    yield page
    context.close()


class EmbedChat(Chat):
    """The Chat driver on the embed's frame: the frame keeps its session through the host page."""

    @property
    def session_id(self) -> str:
        raw = self.page.evaluate(f"window.MILD_CHAT_STORAGE.get({json.dumps(STORE_KEY)})")
        if not raw:
            raise ChatError("no chat session kept by the host page")
        return json.loads(raw)["id"]


def launcher(page):
    return page.locator("mild-chat-embed").locator("button.launcher")


def chat_frame(page, stack, timeout=45_000):
    """The chat in the panel, as a Chat driver (its page is the frame)."""
    handle = page.locator("mild-chat-embed").locator("iframe")
    expect(handle).to_be_visible()
    frame = handle.element_handle().content_frame()
    frame.wait_for_selector("body[data-chat-ready='true']", timeout=timeout)
    return EmbedChat(frame, stack)


def open_embed(page, url, stack) -> Chat:
    page.goto(url)
    button = launcher(page)
    expect(button).to_be_visible()
    button.click()
    return chat_frame(page, stack)


def whole_screening(chat: Chat) -> None:
    chat.start()
    chat.answer_until_outcome(prefer="click")
    chat.confirm_summary()
    expect(chat.card()).to_be_visible()


# ------------------------------------------------------------------------------------------------


def test_embed_js_is_cached_briefly_and_revalidated(embed_stack):
    with urllib.request.urlopen(embed_stack.web_url + "/embed.js") as resp:  # noqa: S310 (local)
        body = resp.read().decode()
        assert resp.headers["Content-Type"].startswith("application/javascript")
        assert resp.headers["Cache-Control"] == "public, max-age=300"
        etag = resp.headers["ETag"]
    assert "MILD_EMBED_SETTINGS" not in body and "allowedOrigins" in body
    request = urllib.request.Request(embed_stack.web_url + "/embed.js", headers={"If-None-Match": etag})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(request)  # noqa: S310
    assert err.value.code == 304


def test_whole_screening_through_the_launcher_on_another_origin(host_page, embed_stack, host_site):
    page = host_page
    page.goto(host_site.url("/plain.html"))
    button = launcher(page)
    expect(button).to_be_visible()
    expect(button).to_have_accessible_name("Back or leg pain? Chat with us")
    expect(button).to_have_attribute("aria-expanded", "false")
    # keyboard: Tab from the host's links reaches the launcher; Enter opens the panel
    page.keyboard.press("Tab")
    for _ in range(6):
        if page.evaluate("() => document.activeElement && document.activeElement.localName") == "mild-chat-embed":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.localName") == "mild-chat-embed"
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    panel = page.locator("mild-chat-embed").locator("[role=dialog]")
    expect(panel).to_have_accessible_name("Screening assistant")
    chat = chat_frame(page, embed_stack)
    # the office of data-office comes first in the chat's header
    expect(chat.page.locator(".offices__link").first).to_contain_text("Woburn")
    whole_screening(chat)
    assert chat.slots()["triage_outcome"] == "recommend_consult"
    assert chat.tracker()["latest_input_channel"] == "socketio"
    page.mouse.move(0, 0)
    shot = save_screenshot(page, "embed-launcher-panel-desktop.png")
    publish_screenshot(shot, "docs/screenshot-embed.png")
    # closing keeps the conversation; reopening shows it as it was
    before = chat.bot_texts()
    page.locator("mild-chat-embed").locator("button.close").click()
    expect(panel).to_be_hidden()
    expect(button).to_be_focused()
    button.click()
    expect(panel).to_be_visible()
    assert chat.bot_texts() == before
    assert page.errors == []


def test_host_page_reload_mid_conversation_keeps_it(host_page, embed_stack, host_site):
    page = host_page
    chat = open_embed(page, host_site.url("/plain.html"), embed_stack)
    chat.start()
    chat.answer_open_question(prefer="click")
    chat.answer_open_question(prefer="click")
    session_id = chat.session_id
    bots, users = chat.bot_texts(), chat.user_texts()
    assert len(users) >= 3
    page.reload()
    # the panel was open: it opens again by itself, with the same conversation redrawn
    chat = chat_frame(page, embed_stack)
    assert chat.session_id == session_id
    expect(chat.page.locator("#log .msg--user")).to_have_count(len(users))
    assert chat.user_texts() == users and chat.bot_texts() == bots
    # and it goes on from where it was
    chat.answer_until_outcome(prefer="click")
    chat.confirm_summary()
    expect(chat.card()).to_be_visible()
    # a new page load with the panel closed: still the same conversation when opened
    page.locator("mild-chat-embed").locator("button.close").click()
    page.goto(host_site.url("/plain.html"))
    expect(launcher(page)).to_have_attribute("aria-expanded", "false")
    launcher(page).click()
    chat = chat_frame(page, embed_stack)
    assert chat.session_id == session_id
    expect(chat.card()).to_be_visible()


def test_phone_panel_fills_the_screen_with_a_close_button(host_phone, embed_stack, host_site):
    page = host_phone
    chat = open_embed(page, host_site.url("/plain.html"), embed_stack)
    panel = page.locator("mild-chat-embed").locator("[role=dialog]")
    box = panel.bounding_box()
    assert box == {"x": 0, "y": 0, "width": PHONE["width"], "height": PHONE["height"]}
    close = page.locator("mild-chat-embed").locator("button.close")
    expect(close).to_have_accessible_name("Close the chat")
    cbox = close.bounding_box()
    assert cbox["width"] >= 44 and cbox["height"] >= 44
    chat.start()
    session_id = chat.session_id
    close.click()
    expect(panel).to_be_hidden()
    launcher(page).click()
    assert chat_frame(page, embed_stack).session_id == session_id
    save_screenshot(page, "embed-panel-phone.png")


def test_hostile_host_page_does_not_break_the_widget(host_page, embed_stack, host_site):
    page = host_page
    page.goto(host_site.url("/hostile.html"))
    button = launcher(page)
    expect(button).to_be_visible()
    # the launcher keeps its own size and type, in its corner (data-position="bottom-left")
    style = button.evaluate(
        "b => { const s = getComputedStyle(b); return {size: s.fontSize, family: s.fontFamily,"
        " color: s.color, position: s.position}; }"
    )
    assert style["size"] == "16px" and "Comic" not in style["family"] and style["position"] == "fixed", style
    box = button.bounding_box()
    assert box["x"] == pytest.approx(20, abs=1) and box["height"] >= 44
    # it wins the z-index war: the topmost element at its centre is the widget, and a click opens it
    top = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).localName",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert top == "mild-chat-embed"
    button.click()
    chat = chat_frame(page, embed_stack)
    # the host's CSS does not reach the chat
    assert chat.page.evaluate("() => getComputedStyle(document.body).fontSize") != "30px"
    chat.start()
    expect(chat.page.locator(".quick-reply").first).to_be_visible()
    family = chat.page.evaluate("() => getComputedStyle(document.querySelector('.quick-reply')).fontFamily")
    assert "Comic" not in family
    # the widget leaks nothing into the host page: no stylesheet, no global, no CSP violation
    assert page.evaluate("() => document.styleSheets.length") == 1
    assert page.evaluate("() => document.querySelectorAll('style').length") == 0
    assert not [t for kind, t in page.console if "Content Security Policy" in t], page.console
    assert page.errors == []
    save_screenshot(page, "embed-hostile-page.png")


def test_widget_defines_no_globals(browser, embed_stack, host_site):
    context, page = _context(browser, DESKTOP)
    try:
        # the same page without the embed line: the set of window properties to compare with
        embed_line = '<script src="{web}/embed.js" data-office="woburn" async></script>'
        host_site.add("/bare.html", PLAIN.replace(embed_line, ""))
        page.goto(host_site.url("/bare.html"))
        bare = set(page.evaluate("() => Object.getOwnPropertyNames(window)"))
        page.goto(host_site.url("/plain.html"))
        expect(launcher(page)).to_be_visible()
        launcher(page).click()
        chat_frame(page, embed_stack)
        embedded = set(page.evaluate("() => Object.getOwnPropertyNames(window)"))
        assert embedded - bare == set()
        assert page.evaluate("() => getComputedStyle(document.body).fontSize") == "16px"
    finally:
        context.close()


def test_not_allowed_origin_is_refused_by_embed_frame_and_socketio(host_page, embed_stack, host_site):
    page = host_page
    # the same host site under another name is another origin, not on the list
    page.goto(host_site.url("/plain.html", host="127.0.0.1"))
    page.wait_for_function("() => document.readyState === 'complete'")
    page.wait_for_timeout(500)
    assert page.locator("mild-chat-embed").count() == 0
    refused = [t for kind, t in page.console if kind == "error" and "allow-list" in t]
    assert refused and host_site.origin("127.0.0.1") in refused[0] and "MILD_ALLOWED_ORIGINS" in refused[0]
    # framing the chat by hand: the browser refuses to show it there (frame-ancestors)
    page.goto(host_site.url("/framed.html", host="127.0.0.1"))
    page.wait_for_timeout(1500)
    framed = page.locator("iframe").element_handle().content_frame()
    assert not framed.evaluate("() => !!document.getElementById('log')")
    # the socket.io server refuses the origin, from the browser's websocket and from a raw request
    result = page.evaluate(
        """(url) => new Promise(done => { const ws = new WebSocket(url);
             ws.onopen = () => done('open'); ws.onerror = () => done('refused');
             setTimeout(() => done('timeout'), 8000); })""",
        embed_stack.rasa_url.replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket",
    )
    assert result == "refused"
    for origin, status in (
        (host_site.origin("127.0.0.1"), 400),
        ("https://evil.example", 400),
        (embed_stack.web_url, 200),
    ):
        request = urllib.request.Request(
            embed_stack.rasa_url + "/socket.io/?EIO=4&transport=polling", headers={"Origin": origin}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as resp:  # noqa: S310
                got = resp.status
        except urllib.error.HTTPError as exc:
            got = exc.code
        assert got == status, origin
    # Rasa's HTTP API: CORS for the allowed origins only
    for origin, allowed in ((host_site.origin("localhost"), True), ("https://evil.example", False)):
        request = urllib.request.Request(embed_stack.rasa_url + "/version", headers={"Origin": origin})
        with urllib.request.urlopen(request, timeout=10) as resp:  # noqa: S310
            assert (resp.headers.get("Access-Control-Allow-Origin") == origin) is allowed, origin


def test_own_page_keeps_working_with_the_default_allow_list(page, stack):
    """The session stack runs with the default list (its own pages): the chat at / still talks."""
    chat = Chat(page, stack).open()
    chat.start()
    assert chat.requested_slot() == "red_flags"


def test_printable_summary_shows_the_answers_and_start_over_clears_it(host_page, embed_stack, host_site):
    page = host_page
    chat = open_embed(page, host_site.url("/plain.html"), embed_stack)
    whole_screening(chat)
    link = chat.card().locator(".result-card__keep a")
    expect(link).to_have_text(re.compile("Open a printable summary"))
    with page.context.expect_page() as new_page:
        link.click()
    summary = new_page.value
    summary.wait_for_load_state()
    assert re.search(r"/summary/s1\.wc_[0-9a-f]{32}\.", summary.url)
    expect(summary.get_by_role("heading", name="Your screening summary")).to_be_visible()
    expect(summary.locator(".outcome")).to_have_text(chat.card().locator(".result-card__title").inner_text())
    answers = summary.locator("table.answers tbody tr")
    assert answers.count() >= 10
    expect(summary.locator("table.answers")).to_contain_text("50 feet to 2 blocks")
    expect(summary.locator(".reasons li").first).to_be_visible()
    expect(summary.locator(".notes")).to_contain_text("blood thinner")
    for office in ("Woburn: 781-927-PAIN (7246)", "Beverly: 978-927-PAIN (7246)"):
        expect(summary.locator(".offices")).to_contain_text(office)
    expect(summary.locator(".sheet__date time")).to_have_attribute("datetime", re.compile(r"^\d{4}-\d{2}-\d{2}$"))
    summary.emulate_media(media="print")
    expect(summary.locator("#print")).to_be_hidden()
    summary.emulate_media(media="screen")
    save_screenshot(summary, "summary.png")
    # another session cannot make an address, and a forged or changed one shows nothing
    status = _post(embed_stack.web_url + "/api/summary", None)
    assert status == 404
    forged = summary.url[:-3] + ("AAA" if not summary.url.endswith("AAA") else "BBB")
    assert _get_status(forged) == 404
    # "Start over" clears it
    chat.page.locator("#start-over").click()
    chat.page.get_by_role("button", name="Yes, start over").click()  # it asks first (issue 15)
    chat.page.wait_for_function("() => !document.querySelector('#log .result-card')")
    summary.wait_for_timeout(1500)
    summary.reload()
    expect(summary.get_by_role("heading", name="This summary is no longer available")).to_be_visible()
    assert _get_status(summary.url) == 404


def _post(url, token):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    request = urllib.request.Request(url, data=b"", headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:  # noqa: S310
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _get_status(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:  # noqa: S310
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


# --- accessibility: Deque's axe-core, WCAG 2.1 A/AA, serious and critical fail --------------------


def _audits(target, name, state, found):
    bad = axe.failing(axe.audit(target, name, state))
    if bad:
        found.append(f"{name} [{state}]:\n" + axe.describe(bad))


def _sign_in(page, base, part, account):
    page.goto(f"{base}/{part}")
    page.get_by_label("User name").fill(account[0])
    page.get_by_label("Password").fill(account[1])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(rf"/{part}(\?.*)?$"))


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_axe_patient_chat_and_summary(browser, embed_stack, size):
    context, page = _context(browser, VIEWPORTS[size])
    found = []
    try:
        chat = Chat(page, embed_stack).open()
        _audits(page, "/", f"{size} start", found)
        chat.start()
        _audits(page, "/", f"{size} buttons", found)
        chat.answer_until_outcome(prefer="click")
        _audits(page, "/", f"{size} answers read back", found)
        chat.confirm_summary()
        expect(page.locator(".result-card__keep a")).to_be_visible()
        _audits(page, "/", f"{size} result card", found)
        with context.expect_page() as new_page:
            page.locator(".result-card__keep a").click()
        summary = new_page.value
        summary.wait_for_load_state()
        _audits(summary, "/summary", size, found)
    finally:
        context.close()
    assert not found, "\n\n".join(found)


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_axe_embed_on_a_host_page(browser, embed_stack, host_site, size):
    context, page = _context(browser, VIEWPORTS[size])
    found = []
    try:
        page.goto(host_site.url("/plain.html"))
        expect(launcher(page)).to_be_visible()
        _audits(page, "embed host page", f"{size} launcher", found)
        launcher(page).click()
        chat = chat_frame(page, embed_stack)
        _audits(page, "embed host page", f"{size} panel open", found)
        _audits(chat.page, "embed frame", f"{size} start", found)
        chat.start()
        _audits(chat.page, "embed frame", f"{size} buttons", found)
        chat.answer_until_outcome(prefer="click")
        chat.confirm_summary()
        expect(chat.card()).to_be_visible()
        _audits(chat.page, "embed frame", f"{size} result card", found)
    finally:
        context.close()
    assert not found, "\n\n".join(found)


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_axe_staff_and_review(browser, embed_stack, size):
    base = embed_stack.web_url
    # a finished screening in the records, for the review detail and the dashboard
    for message in ("/start_screening", "I lost control of my bladder since yesterday"):
        body = json.dumps({"sender": f"axe-{size}-{secrets.token_hex(4)}", "message": message}).encode()
        request = urllib.request.Request(
            base.replace(str(embed_stack.web_port), str(embed_stack.rasa_port)) + "/webhooks/rest/webhook",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        urllib.request.urlopen(request, timeout=60).read()  # noqa: S310 (local)
    context, page = _context(browser, VIEWPORTS[size])
    found = []
    try:
        page.goto(base + "/staff")
        _audits(page, "/staff sign-in", size, found)
        _sign_in(page, base, "staff", STAFF)
        _audits(page, "/staff", f"{size} start", found)
        page.locator("#start-intake").click()
        page.wait_for_selector("#answer-buttons button", timeout=30_000)
        _audits(page, "/staff", f"{size} buttons", found)
        callbacks = page.request.get(base + "/staff/callbacks")
        if callbacks.status != 404:
            page.goto(base + "/staff/callbacks")
            _audits(page, "/staff/callbacks", size, found)
    finally:
        context.close()
    context, page = _context(browser, VIEWPORTS[size])
    try:
        _sign_in(page, base, "review", CLINICIAN)
        _audits(page, "/review", size, found)
        first = page.locator("a[href^='/review/s/']").first
        expect(first).to_be_visible()
        first.click()
        page.wait_for_url(re.compile(r"/review/s/"))
        _audits(page, "/review detail", size, found)
        page.goto(base + "/review/dashboard")
        _audits(page, "/review/dashboard", size, found)
    finally:
        context.close()
    assert not found, "\n\n".join(found)
