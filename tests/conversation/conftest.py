"""Whole conversations through the trained model and the real action server.

The Rasa agent runs in this process (no HTTP server needed); the action server runs as a
subprocess on a free port, exactly as in production.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Optional

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "mild.tar.gz"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def action_server():
    port = free_port()
    log = (
        open(ROOT / "var" / "logs" / "test-actions.log", "w")
        if (ROOT / "var" / "logs").is_dir()
        else subprocess.DEVNULL
    )
    proc = subprocess.Popen(
        [str(ROOT / ".venv/bin/rasa"), "run", "actions", "--actions", "actions", "-p", str(port)],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url + "/health", timeout=1)
            break
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("action server exited; see var/logs/test-actions.log") from None
            time.sleep(0.5)
    else:
        raise RuntimeError("action server did not start")
    yield url + "/webhook"
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)


@pytest.fixture(scope="session")
def loop():
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


@pytest.fixture(scope="session")
def agent(action_server, loop):
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` first")
    from rasa.core.agent import Agent
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.endpoints import EndpointConfig
    from rasa.utils.log_utils import configure_structlog

    import channels  # noqa: F401  (as in the server, which loads it through credentials.yml)

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)

    return Agent.load(str(MODEL), action_endpoint=EndpointConfig(url=action_server))


class Conversation:
    """One person talking to the assistant; `say` returns what the bot answered."""

    def __init__(self, agent, loop, channel: str = "rest", metadata: Optional[dict] = None):
        self.agent = agent
        self.loop = loop
        self.sender = uuid.uuid4().hex
        self.channel = channel
        self.metadata = metadata
        self.replies: list[dict] = []

    def say(self, text: str) -> list[dict]:
        from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

        out = CollectingOutputChannel()
        message = UserMessage(text, out, self.sender, input_channel=self.channel, metadata=self.metadata)
        self.loop.run_until_complete(self.agent.handle_message(message))
        self.replies = out.messages
        return out.messages

    def texts(self) -> str:
        return "\n".join(m.get("text") or "" for m in self.replies)

    def buttons(self) -> list[str]:
        return [b["title"] for m in self.replies for b in (m.get("buttons") or [])]

    def click(self, title: str) -> list[dict]:
        for m in self.replies:
            for b in m.get("buttons") or []:
                if b["title"] == title:
                    return self.say(b["payload"])
        raise AssertionError(f"no button {title!r} in {self.buttons()}")

    def tracker(self):
        return self.loop.run_until_complete(self.agent.tracker_store.retrieve(self.sender))

    def slot(self, name: str) -> Any:
        return self.tracker().get_slot(name)

    def custom(self) -> list[dict]:
        return [m["custom"] for m in self.replies if m.get("custom")]


@pytest.fixture
def talk(agent, loop):
    def start(**kwargs) -> Conversation:
        return Conversation(agent, loop, **kwargs)

    return start
