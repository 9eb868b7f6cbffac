"""Browser tests of the patient chat: Playwright (sync API) driving Debian's Chromium against the
real stack (action server, Rasa with the trained model, web server) started once per session on
free ports.

Skipped, with a message, when there is no trained model in models/, unless MILD_REQUIRE_BROWSER
is set (then that is a failure). Screenshots go to tests/browser/screenshots/.

Helpers for the test modules' own servers, as fixtures (session-scoped, so module fixtures can use
them): ``need_trained_model(why)``, ``write_accounts(path, role=(name, password[, display name]), ...)``
and ``running_stack(stack, timeout=None)``.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Iterator, Optional

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from tests.support.servers import LOG_DIR, Stack, StackError, trained_models  # noqa: E402
from webapp.auth import hash_password  # noqa: E402

CHROMIUM = os.environ.get("MILD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}  # issue 15's second size
RETENTION_DAYS = "90"
PASSWORD_HASH_ITERATIONS = 20_000  # test accounts: fewer PBKDF2 rounds than production, same format


def _required() -> bool:
    return os.environ.get("MILD_REQUIRE_BROWSER", "").strip().lower() not in ("", "0", "false", "no")


def _unavailable(message: str):
    if _required():
        pytest.fail(message + " (MILD_REQUIRE_BROWSER is set)", pytrace=False)
    pytest.skip(message)


def _need_trained_model(why: str) -> None:
    """Skip (fail when MILD_REQUIRE_BROWSER is set) unless models/ has a trained model."""
    if not trained_models():
        _unavailable(f"no trained model in models/ (run `make train`); {why}")


def _write_accounts(path: Path, **accounts: tuple) -> Path:
    """An accounts file (webapp.auth's format) with one account per role, in the order given:
    ``role=(name, password)`` or ``role=(name, password, display name)``."""
    entries = []
    for role, (name, password, *display_name) in accounts.items():
        entry = {"name": name, "role": role, "password_hash": hash_password(password, PASSWORD_HASH_ITERATIONS)}
        if display_name:
            entry["display_name"] = display_name[0]
        entries.append(entry)
    path.write_text(json.dumps({"accounts": entries}), encoding="utf-8")
    return path


@contextlib.contextmanager
def _running_stack(stack: Stack, timeout: Optional[float] = None) -> Iterator[Stack]:
    """Start `stack` (fail the test when it does not come up), stop it afterwards. The timeout
    defaults to MILD_STACK_TIMEOUT (300 s): enough for Rasa to load the model on a busy machine."""
    if timeout is None:
        timeout = float(os.environ.get("MILD_STACK_TIMEOUT", "300"))
    try:
        stack.start(timeout=timeout)
    except StackError as exc:
        pytest.fail(f"could not start the stack: {exc}", pytrace=False)
    try:
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="session")
def need_trained_model():
    """``need_trained_model("what needs it")``: skips without a trained model (see _need_trained_model)."""
    return _need_trained_model


@pytest.fixture(scope="session")
def write_accounts():
    """``write_accounts(path, staff=(name, password, display name), clinician=(...))`` -> path."""
    return _write_accounts


@pytest.fixture(scope="session")
def running_stack():
    """``with running_stack(Stack.with_free_ports(...)) as stack: yield stack`` in a fixture."""
    return _running_stack


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        # Chromium is a test dependency: `apt-get install -y chromium` (make test installs it).
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _prune_old_logs(max_age_days: float = 2.0) -> None:
    cutoff = time.time() - max_age_days * 86400
    for path in LOG_DIR.glob("test-browser-*.log"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            pass


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    """Actions + Rasa + web server with the newest model in models/, on free ports.

    Its own tracker database (a fresh SQLite file per run) and its own log files
    (var/logs/test-browser-<pid>-{actions,rasa,web}.log), so parallel runs don't collide.
    """
    _need_trained_model("browser tests need the real bot")
    _prune_old_logs()
    db_path = tmp_path_factory.mktemp("tracker") / "tracker.db"
    # MILD_RETENTION_DAYS: the privacy notice says how long records are kept (issue 15's test reads it).
    stack = Stack.with_free_ports(
        name=f"test-browser-{os.getpid()}", db_path=db_path, extra_env={"MILD_RETENTION_DAYS": RETENTION_DAYS}
    )
    with _running_stack(stack) as stack:
        yield stack


class DialogRecorder(list):
    """JavaScript dialogs (alert/confirm/prompt) that fired; an XSS would show up here."""


def _new_page(browser, viewport, dialogs):
    context = browser.new_context(viewport=viewport, locale="en-US", reduced_motion="reduce")
    page = context.new_page()
    page.set_default_timeout(30_000)

    def on_dialog(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.errors = []  # uncaught exceptions on the page
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    return context, page


@pytest.fixture
def dialogs():
    return DialogRecorder()


@pytest.fixture
def page(browser, dialogs):
    """A desktop-sized page in a fresh browser context (fresh localStorage)."""
    context, page = _new_page(browser, DESKTOP, dialogs)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, dialogs):
    """A 390x844 (phone) page in a fresh browser context."""
    context, page = _new_page(browser, PHONE, dialogs)
    yield page
    context.close()


@pytest.fixture
def chat(page, stack):
    from tests.support.chat import Chat

    return Chat(page, stack).open()


@pytest.fixture
def phone_chat(phone_page, stack):
    from tests.support.chat import Chat

    return Chat(phone_page, stack).open()


@pytest.fixture
def web_without_rasa():
    """Only the web server, pointed at a Rasa port where nothing listens."""
    stack = Stack.with_free_ports(name=f"test-browser-norasa-{os.getpid()}", start_actions=False, start_rasa=False)
    with _running_stack(stack, timeout=30):
        yield stack
