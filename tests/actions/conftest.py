"""Fixtures for calling the actions directly, as the action server would."""

from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def domain():
    return yaml.safe_load((ROOT / "domain.yml").read_text())


@pytest.fixture
def dispatcher():
    return CollectingDispatcher()


def make_tracker(
    slots=None,
    text="",
    intent="inform",
    confidence=0.9,
    entities=None,
    channel="rest",
    events=None,
    metadata=None,
    active_loop="screening_form",
):
    """A tracker whose latest event is the user message `text`, as after action_listen."""
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "entities": entities or [],
        "metadata": metadata or {},
    }
    history = list(events or []) + [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text, "parse_data": latest, "input_channel": channel, "metadata": metadata or {}},
    ]
    return Tracker(
        "tester",
        dict(slots or {}),
        latest,
        history,
        False,
        None,
        {"name": active_loop} if active_loop else {},
        "action_listen",
    )


@pytest.fixture
def tracker_for():
    return make_tracker
