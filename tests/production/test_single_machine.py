"""`make run` on one machine: every server on loopback, no secret in `ps`, var/ private.

Issue 14, finding 4: Rasa and the unauthenticated action server listened on 0.0.0.0, the HTTP API
token was on Rasa's command line and the secrets and the SQLite records were mode 0644.
This starts scripts/run.sh (what `make run` runs) on free ports and looks at it as another local
user would: the listening sockets (as `ss -ltn` reads them), every process's command line, and the
modes of var/ and the files in it.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import time
from pathlib import Path

import pytest

from tests.production.support import free_port
from tests.production.test_security import _listening

REPO = Path(__file__).resolve().parents[2]
VAR = REPO / "var"


@pytest.fixture(scope="module")
def single_machine():
    ports = {"rasa": free_port(), "actions": free_port(), "web": free_port()}
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("MILD_BIND", "RASA_AUTH_TOKEN", "WEB_SECRET_KEY", "STAFF_CHANNEL_TOKEN", "DB_URL")
    }
    env.update(
        RASA_PORT=str(ports["rasa"]),
        ACTION_PORT=str(ports["actions"]),
        WEB_PORT=str(ports["web"]),
        ACTION_ENDPOINT_URL=f"http://127.0.0.1:{ports['actions']}/webhook",
    )
    log = VAR / "single-machine-test.log"
    VAR.mkdir(exist_ok=True)
    with open(log, "w") as out:
        proc = subprocess.Popen(
            ["bash", "scripts/run.sh"], cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 600
        while "is running" not in log.read_text(errors="replace"):
            if proc.poll() is not None:
                pytest.fail("scripts/run.sh stopped:\n" + log.read_text(errors="replace")[-3000:])
            if time.monotonic() > deadline:
                pytest.fail("scripts/run.sh did not start in 10 minutes")
            time.sleep(1)
        yield ports
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def test_every_server_listens_on_loopback_only(single_machine):
    listening = _listening()
    for part, port in single_machine.items():
        addresses = listening.get(port)
        assert addresses, f"{part}: nothing listens on port {port}"
        assert all(a.startswith("127.") for a in addresses), f"{part} (port {port}) listens on {addresses}"


def test_no_secret_shows_in_any_command_line(single_machine):
    secrets = {
        name: (VAR / name).read_text().strip()
        for name in ("rasa-token", "web-secret", "staff-channel-token", "chat-secret")
    }
    seen, leaks = 0, []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        seen += 1
        leaks += [
            f"{name} in the command line of pid {proc.name}" for name, secret in secrets.items() if secret in cmdline
        ]
    assert seen > 3
    assert not leaks  # (the message names the secret, never shows it)


def test_var_and_its_secrets_and_records_are_the_owners_only(single_machine):
    assert stat.S_IMODE(VAR.stat().st_mode) == 0o700
    private = [VAR / n for n in ("rasa-token", "web-secret", "staff-channel-token", "chat-secret", "dev-accounts.txt")]
    private += sorted(VAR.glob("*.db"))
    assert any(p.suffix == ".db" for p in private), "no SQLite records in var/"
    for path in private:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, f"{path.name} is {oct(stat.S_IMODE(path.stat().st_mode))}"
