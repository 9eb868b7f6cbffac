"""Helpers for the production tests: the cluster of scripts/cluster.sh on free ports in its own
directory, the four screening scripts with what each must end in, and small async HTTP helpers.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shutil
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import aiohttp

REPO_ROOT = Path(__file__).resolve().parents[2]
CLUSTER_SH = REPO_ROOT / "scripts" / "cluster.sh"
MODEL = REPO_ROOT / "models" / "mild.tar.gz"

# ------------------------------------------------------------------------------------- scripts
RECOMMEND = [
    "hi",
    "no",
    "no",
    "yes",
    "yes",
    "maybe a block",
    "about 2 years",
    "I'm 72",
    "PT and ibuprofen, didn't help",
    "had 2 epidurals, no relief",
    "no",
    "no",
    "no",
]
SCRIPTS: Dict[str, List[str]] = {
    "emergency": ["hi", "yes"],
    "urgent_review": ["hi", "no", "yes"],
    "not_indicated": ["hi", "no", "no", "yes", "no"],
    "recommend_consult": RECOMMEND,
}
# The screening slots each script must end with (besides triage_outcome = the script's name).
EXPECTED_SLOTS: Dict[str, Dict[str, Any]] = {
    "emergency": {"red_flags": "yes"},
    "urgent_review": {"red_flags": "no", "urgent_flags": "yes"},
    "not_indicated": {
        "red_flags": "no",
        "urgent_flags": "no",
        "leg_symptoms": "yes",
        "walking_standing_trigger": "yes",
        "sitting_leaning_relief": "no",
    },
    "recommend_consult": {
        "red_flags": "no",
        "urgent_flags": "no",
        "leg_symptoms": "yes",
        "walking_standing_trigger": "yes",
        "sitting_leaning_relief": "yes",
        "walking_tolerance": "50_feet_to_2_blocks",
        "symptom_duration_months": 24.0,
        "age_years": 72,
        "conservative_care": "failed",
        "injections": "failed",
        "prior_back_surgery": "no",
        "imaging_stenosis": "no",
        "blood_thinners": "no",
    },
}
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
# requested_slot after each message of the textbook screening.
RECOMMEND_REQUESTED = [
    "red_flags",
    "urgent_flags",
    "leg_symptoms",
    "sitting_leaning_relief",
    "walking_tolerance",
    "symptom_duration_months",
    "age_years",
    "conservative_care",
    "injections",
    "prior_back_surgery",
    "imaging_stenosis",
    "blood_thinners",
    "appointment_consent",
]


# The REST channel is closed to the public in production (MILD_ENV=production): these tests and the
# load benchmark are the clinic's own clients and send REST_CHANNEL_TOKEN (set by the last Cluster made).
REST_TOKEN_HEADER = "X-Rest-Token"
_rest_token: Dict[str, Optional[str]] = {"value": None}


def rest_headers() -> Dict[str, str]:
    return {REST_TOKEN_HEADER: _rest_token["value"]} if _rest_token["value"] else {}


def script_mix(n: int) -> List[str]:
    names = list(SCRIPTS)
    return [names[i % len(names)] for i in range(n)]


# ------------------------------------------------------------------------------------- cluster
def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ClusterError(RuntimeError):
    pass


@dataclass
class Cluster:
    """scripts/cluster.sh with its own directory, free ports and fresh secrets."""

    directory: Path
    ports: Dict[str, int] = field(default_factory=dict)
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    staff_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    web_secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    chat_secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    rest_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    extra_env: Dict[str, str] = field(default_factory=dict)
    passwords: Dict[str, str] = field(default_factory=dict)  # web accounts of the run: name -> password

    PORT_VARS = {
        "http": "CLUSTER_HTTP_PORT",
        "gw": "CLUSTER_ACTIONS_GW_PORT",
        "rasa1": "CLUSTER_RASA1_PORT",
        "rasa2": "CLUSTER_RASA2_PORT",
        "actions1": "CLUSTER_ACTIONS1_PORT",
        "actions2": "CLUSTER_ACTIONS2_PORT",
        "web": "CLUSTER_WEB_PORT",
        "pg": "CLUSTER_PG_PORT",
        "redis": "CLUSTER_REDIS_PORT",
    }

    def __post_init__(self) -> None:
        for key in self.PORT_VARS:
            self.ports.setdefault(key, free_port())
        _rest_token["value"] = self.rest_token

    def chat_token(self, conversation_id: str) -> str:
        """A socket.io token for `conversation_id`, as the web server's /api/session hands out."""
        from chat_security import conversation

        return conversation.make_token(self.chat_secret, conversation_id, conversation.SOCKET, 3600)

    # URLs
    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['http']}"

    @property
    def rasa_urls(self) -> List[str]:
        return [f"http://127.0.0.1:{self.ports['rasa1']}", f"http://127.0.0.1:{self.ports['rasa2']}"]

    @property
    def actions_urls(self) -> List[str]:
        return [f"http://127.0.0.1:{self.ports['actions1']}", f"http://127.0.0.1:{self.ports['actions2']}"]

    @property
    def gw_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['gw']}"

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['web']}"

    @property
    def log_dir(self) -> Path:
        return self.directory / "logs"

    @property
    def service_directory(self) -> Path:
        """PostgreSQL's and Redis's data (scripts/cluster.sh SERVICE_DIR): not under var/, which is private."""
        return REPO_ROOT / ".services" / self.directory.name

    def env(self) -> Dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DB_", "LOCK_STORE_", "PG_", "REDIS_"))}
        env.update({var: str(self.ports[key]) for key, var in self.PORT_VARS.items()})
        env.update(
            {
                "CLUSTER_DIR": str(self.directory),
                "CLUSTER_SKIP_SETUP": "1",
                "RASA_AUTH_TOKEN": self.token,
                "STAFF_CHANNEL_TOKEN": self.staff_token,
                "WEB_SECRET_KEY": self.web_secret,
                "CHAT_SESSION_SECRET": self.chat_secret,
                "REST_CHANNEL_TOKEN": self.rest_token,
                "RASA_TELEMETRY_ENABLED": "false",
            }
        )
        env.pop("DB_URL", None)
        env.update(self.extra_env)
        return env

    def sh(self, *args: str, timeout: float = 420, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            ["bash", str(CLUSTER_SH), *args],
            cwd=REPO_ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and result.returncode != 0:
            raise ClusterError(
                f"cluster.sh {' '.join(args)} failed ({result.returncode}):\n"
                f"{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
            )
        return result

    def start(self, *parts: str) -> None:
        self.sh("start", *parts)

    def stop(self, *parts: str) -> None:
        self.sh("stop", *parts, timeout=120)

    def restart(self, *parts: str) -> None:
        self.sh("restart", *parts)

    def settings(self) -> Dict[str, str]:
        out = self.sh("env").stdout
        return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)

    def pid(self, part: str) -> Optional[int]:
        try:
            return int((self.directory / "run" / f"{part}.pid").read_text().strip())
        except (OSError, ValueError):
            return None

    def save(self) -> None:
        """Ports and secrets in CLUSTER_DIR/cluster.json (0600), so a later run can reuse the cluster."""
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / "cluster.json"
        path.write_text(
            json.dumps(
                {
                    "ports": self.ports,
                    "token": self.token,
                    "staff_token": self.staff_token,
                    "web_secret": self.web_secret,
                    "extra_env": self.extra_env,
                    "chat_secret": self.chat_secret,
                    "rest_token": self.rest_token,
                    "passwords": self.passwords,
                }
            )
        )
        path.chmod(0o600)

    @classmethod
    def load(cls, directory: Path) -> Optional[Cluster]:
        try:
            data = json.loads((directory / "cluster.json").read_text())
        except (OSError, ValueError):
            return None
        return cls(
            directory=directory,
            ports=data["ports"],
            token=data["token"],
            staff_token=data["staff_token"],
            web_secret=data["web_secret"],
            extra_env=data.get("extra_env") or {},
            chat_secret=data.get("chat_secret") or secrets.token_urlsafe(32),
            rest_token=data.get("rest_token") or secrets.token_urlsafe(24),
            passwords=data.get("passwords") or {},
        )

    def all_running(self) -> bool:
        return self.sh("status", check=False).returncode == 0

    def destroy(self) -> None:
        self.sh("stop", check=False, timeout=120)
        shutil.rmtree(self.directory, ignore_errors=True)


# ------------------------------------------------------------------------------------- HTTP
def client_session(limit: int = 0, timeout: float = 180) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=limit, force_close=False),
        timeout=aiohttp.ClientTimeout(total=timeout),
    )


async def post_json(
    session: aiohttp.ClientSession, url: str, payload: Any, headers: Optional[Dict[str, str]] = None
) -> Tuple[int, Any]:
    if url.endswith("/webhooks/rest/webhook"):
        headers = {**rest_headers(), **(headers or {})}
    async with session.post(url, json=payload, headers=headers) as resp:
        raw = await resp.read()
    try:
        body = json.loads(raw.decode("utf-8")) if raw else None
    except ValueError:
        body = raw.decode("utf-8", "replace")
    return resp.status, body


async def send(
    session: aiohttp.ClientSession, base_url: str, sender: str, text: Any, headers: Optional[Dict[str, str]] = None
) -> Tuple[int, Any]:
    return await post_json(
        session, base_url + "/webhooks/rest/webhook", {"sender": sender, "message": text}, headers=headers
    )


async def tracker(session: aiohttp.ClientSession, base_url: str, token: str, sender: str) -> Dict[str, Any]:
    url = f"{base_url}/conversations/{sender}/tracker"
    async with session.get(url, params={"token": token, "include_events": "ALL"}) as resp:
        if resp.status != 200:
            raise AssertionError(f"GET tracker {sender}: HTTP {resp.status}: {(await resp.text())[:300]}")
        return await resp.json()


def user_texts(tracker_json: Dict[str, Any]) -> List[str]:
    return [e.get("text") for e in tracker_json.get("events") or [] if e.get("event") == "user"]


def bot_counts_per_turn(tracker_json: Dict[str, Any]) -> List[int]:
    """How many bot messages followed each user message (before the next one)."""
    counts: List[int] = []
    for event in tracker_json.get("events") or []:
        if event.get("event") == "user":
            counts.append(0)
        elif event.get("event") == "bot" and counts:
            counts[-1] += 1
    return counts


def new_sender(prefix: str = "prod") -> str:
    return f"{prefix}-{uuid.uuid4().hex}"


def new_chat_id() -> str:
    """A web-chat conversation id (the form the web server issues)."""
    from chat_security import conversation

    return conversation.new_conversation_id()


def check_conversation(
    tj: Dict[str, Any], sender: str, sent: Sequence[str], script: str, silent_ok: Sequence[int] = ()
) -> List[str]:
    """Problems with one finished conversation (empty when all is well). `silent_ok`: user messages
    that may have no bot event in the tracker (answered by the channel while a server was down)."""
    problems = []
    if tj.get("sender_id") != sender:
        problems.append(f"tracker sender_id {tj.get('sender_id')!r}")
    texts = user_texts(tj)
    if texts != list(sent):
        problems.append(f"user messages {texts!r} != sent {list(sent)!r}")
    silent = [i for i, n in enumerate(bot_counts_per_turn(tj)) if n == 0 and i not in silent_ok]
    if silent:
        problems.append(f"no bot message after user message(s) {silent}")
    slots = tj.get("slots") or {}
    if slots.get("triage_outcome") != script:
        problems.append(f"triage_outcome {slots.get('triage_outcome')!r} != {script!r}")
    expected = EXPECTED_SLOTS[script]
    for name in SCREENING_SLOTS:
        if slots.get(name) != expected.get(name):
            problems.append(f"slot {name}={slots.get(name)!r}, expected {expected.get(name)!r}")
    return problems


def run(coro, timeout: float):
    """Runs a coroutine in a fresh event loop with an overall time limit."""
    return asyncio.run(asyncio.wait_for(coro, timeout))


def wait_until(predicate, timeout: float, interval: float = 0.5, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except Exception:  # noqa: BLE001 (not ready yet)
            pass
        time.sleep(interval)
    raise AssertionError(f"{what} not reached within {timeout:.0f}s")
