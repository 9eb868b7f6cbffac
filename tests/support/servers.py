"""Start the real stack (action server, Rasa, web server) as subprocesses, for tests and scripts.

    from tests.support.servers import Stack
    with Stack.with_free_ports(name="browser") as stack:
        stack.web_url      # http://127.0.0.1:<port>
        stack.rasa_url
        ...

or from a shell (runs until Ctrl-C):

    .venv/bin/python -m tests.support.servers [--name dev] [--web-port 8080 --rasa-port 5005 --actions-port 5055]

Each process runs in its own process group with its own log file under ``var/logs/``; ``start()``
waits for each to be healthy (Rasa: ``GET /`` then ``GET /status`` until a model is loaded;
actions: ``GET /health``; web: ``GET /healthz``) and ``stop()`` terminates the groups.
The tracker store is a SQLite file under ``var/`` (one per stack name), so a test run does not
touch the database of a running ``make run``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional

REPO_ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = REPO_ROOT / ".venv" / "bin"
VAR_DIR = REPO_ROOT / "var"
LOG_DIR = VAR_DIR / "logs"
MODELS_DIR = REPO_ROOT / "models"

ENV_VAR_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class StackError(RuntimeError):
    """A process did not start or did not become healthy; the message names its log file."""


def free_port() -> int:
    """A TCP port that is free right now on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def trained_models(models_dir: Path = MODELS_DIR) -> List[Path]:
    return sorted(models_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)


def env_vars_named_in(path: Path) -> List[str]:
    """The ``${VAR}`` names a Rasa YAML file (endpoints.yml, credentials.yml) expects."""
    if not path.exists():
        return []
    return sorted(set(ENV_VAR_RE.findall(path.read_text(encoding="utf-8"))))


def _http_get(url: str, timeout: float = 2.0) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:  # noqa: S310 (local URLs only)
            return resp.status, resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace") if exc.fp else ""


def _tail(path: Path, lines: int = 30) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


@dataclass
class ManagedProcess:
    name: str
    cmd: List[str]
    env: Dict[str, str]
    log_path: Path
    healthy: Callable[[], bool]
    cwd: Path = REPO_ROOT
    proc: Optional[subprocess.Popen] = None
    _log_file: Optional[object] = field(default=None, repr=False)

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log_file = open(self.log_path, "ab", buffering=0)
        self._log_file.write(f"\n==== {time.strftime('%Y-%m-%d %H:%M:%S')} starting {self.name}\n".encode())
        self.proc = subprocess.Popen(
            self.cmd,
            cwd=str(self.cwd),
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # own process group, so stop() reaches its children too
        )

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running():
                code = self.proc.returncode if self.proc else None
                raise StackError(
                    f"{self.name} exited with code {code} before it was healthy; log {self.log_path}:\n"
                    + _tail(self.log_path)
                )
            try:
                if self.healthy():
                    return
            except (OSError, ValueError):
                pass
            time.sleep(0.5)
        raise StackError(f"{self.name} not healthy after {timeout:.0f}s; log {self.log_path}:\n" + _tail(self.log_path))

    def stop(self, grace: float = 10.0) -> None:
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(timeout=5)
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None


class Stack:
    """The action server, Rasa and the web server, on the given ports."""

    def __init__(
        self,
        *,
        web_port: int,
        rasa_port: int,
        actions_port: int,
        name: str = "dev",
        token: Optional[str] = None,
        db_path: Optional[Path] = None,
        model: Optional[Path] = None,
        credentials: Optional[Path] = None,
        extra_env: Optional[Dict[str, str]] = None,
        start_web: bool = True,
        start_actions: bool = True,
        start_rasa: bool = True,
    ) -> None:
        self.name = name
        self.web_port = web_port
        self.rasa_port = rasa_port
        self.actions_port = actions_port
        self.token = token or secrets.token_hex(16)
        self.db_path = db_path or VAR_DIR / f"{name}-tracker.db"
        self.model = model
        self.credentials = credentials
        self.extra_env = dict(extra_env or {})
        self.start_web = start_web
        self.start_actions = start_actions
        self.start_rasa = start_rasa
        self.processes: List[ManagedProcess] = []

    @classmethod
    def with_free_ports(cls, **kwargs) -> Stack:
        return cls(web_port=free_port(), rasa_port=free_port(), actions_port=free_port(), **kwargs)

    # URLs -------------------------------------------------------------------------------------
    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def actions_url(self) -> str:
        return f"http://127.0.0.1:{self.actions_port}"

    def log_path(self, process: str) -> Path:
        return LOG_DIR / f"{self.name}-{process}.log"

    # environment --------------------------------------------------------------------------------
    def env(self) -> Dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "PYTHONUNBUFFERED": "1",
                "PYTHONPATH": str(REPO_ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else ""),
                # endpoints.yml
                "ACTION_ENDPOINT_URL": f"{self.actions_url}/webhook",
                # SQLite tracker store: host/user/password empty; Rasa insists the port is an int.
                "DB_DIALECT": "sqlite",
                "DB_NAME": str(self.db_path),
                "DB_HOST": "",
                "DB_PORT": "0",
                "DB_USER": "",
                "DB_PASSWORD": "",
                "DB_URL": "",
                # web server
                "WEB_PORT": str(self.web_port),
                "WEB_HOST": "127.0.0.1",
                "RASA_PORT": str(self.rasa_port),
                "RASA_URL": self.rasa_url,
                "RASA_PUBLIC_URL": f"http://127.0.0.1:{self.rasa_port}",
                "RASA_AUTH_TOKEN": self.token,
                "ACTION_PORT": str(self.actions_port),
                # keep TensorFlow and friends quiet and off the network
                "TF_CPP_MIN_LOG_LEVEL": "2",
                "RASA_TELEMETRY_ENABLED": "false",
            }
        )
        # Secrets the servers read at run time: random per stack unless the caller set them.
        env.setdefault("STAFF_CHANNEL_TOKEN", secrets.token_urlsafe(24))
        env.setdefault("WEB_SECRET_KEY", secrets.token_urlsafe(32))
        env.setdefault("CHAT_SESSION_SECRET", secrets.token_urlsafe(32))
        # CORS / socket.io / embed allow-list (as scripts/run.sh gives it): the stack's own pages;
        # a test adds a host site's origin with extra_env.
        env["MILD_ALLOWED_ORIGINS"] = f"http://127.0.0.1:{self.web_port} http://localhost:{self.web_port}"
        env.update(self.extra_env)
        missing = [
            var
            for yml in ("endpoints.yml", "credentials.yml")
            for var in env_vars_named_in(REPO_ROOT / yml)
            if var not in env
        ]
        if missing:
            # Rasa refuses to start on an unset ${VAR}; say which ones instead of failing later.
            raise StackError(
                "endpoints.yml/credentials.yml name environment variables this helper does not set: "
                + ", ".join(sorted(set(missing)))
                + " (pass them with extra_env=...)"
            )
        return env

    # health checks -----------------------------------------------------------------------------
    def _rasa_healthy(self) -> bool:
        status, _ = _http_get(f"{self.rasa_url}/")
        if status != 200:
            return False
        status, body = _http_get(f"{self.rasa_url}/status?token={self.token}")
        if status != 200:
            return False
        data = json.loads(body)
        return bool(data.get("model_id") or data.get("model_file"))

    def _actions_healthy(self) -> bool:
        status, _ = _http_get(f"{self.actions_url}/health")
        return status == 200

    def _web_healthy(self) -> bool:
        status, _ = _http_get(f"{self.web_url}/healthz")
        return status == 200

    # lifecycle ---------------------------------------------------------------------------------
    def start(self, timeout: float = 240.0) -> Stack:
        if self.start_rasa and self.model is None and not trained_models():
            raise StackError(f"no trained model in {MODELS_DIR} (run `make train`)")
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        env = self.env()
        rasa = str(VENV_BIN / "rasa")
        model_arg = str(self.model) if self.model else str(MODELS_DIR)
        # As scripts/run.sh starts it: the token from the environment (RASA_AUTH_TOKEN), never argv.
        rasa_cmd = [
            str(VENV_BIN / "python"),
            "-m",
            "scripts.serve_rasa",
            "-m",
            model_arg,
            "--enable-api",
            "-p",
            str(self.rasa_port),
            "-i",
            "127.0.0.1",
        ]
        if (REPO_ROOT / "endpoints.yml").exists():
            rasa_cmd += ["--endpoints", "endpoints.yml"]
        if self.credentials is not None:
            rasa_cmd += ["--credentials", str(self.credentials)]
        elif (REPO_ROOT / "credentials.yml").exists():
            rasa_cmd += ["--credentials", "credentials.yml"]
        wanted = []
        if self.start_actions:
            wanted.append(
                ManagedProcess(
                    "actions",
                    [rasa, "run", "actions", "-p", str(self.actions_port)],
                    env,
                    self.log_path("actions"),
                    self._actions_healthy,
                )
            )
        if self.start_rasa:
            wanted.append(ManagedProcess("rasa", rasa_cmd, env, self.log_path("rasa"), self._rasa_healthy))
        if self.start_web:
            wanted.append(
                ManagedProcess(
                    "web", [str(VENV_BIN / "python"), "-m", "webapp"], env, self.log_path("web"), self._web_healthy
                )
            )
        try:
            for process in wanted:  # start all at once: Rasa's model load is the slow part
                process.start()
                self.processes.append(process)
            deadline = time.monotonic() + timeout
            for process in self.processes:
                process.wait_healthy(max(5.0, deadline - time.monotonic()))
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.stop()
        self.processes = []

    def check_running(self) -> None:
        """Raises StackError if a process has died (with the end of its log)."""
        for process in self.processes:
            if not process.running():
                raise StackError(f"{process.name} has exited; log {process.log_path}:\n" + _tail(process.log_path))

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Start actions + Rasa + web server until Ctrl-C.")
    parser.add_argument("--name", default="dev", help="log/db file prefix under var/ (default dev)")
    parser.add_argument("--web-port", type=int, default=0, help="0 = a free port")
    parser.add_argument("--rasa-port", type=int, default=0)
    parser.add_argument("--actions-port", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=240.0)
    args = parser.parse_args(argv)
    stack = Stack(
        name=args.name,
        web_port=args.web_port or free_port(),
        rasa_port=args.rasa_port or free_port(),
        actions_port=args.actions_port or free_port(),
        token=os.environ.get("RASA_AUTH_TOKEN") or None,
    )
    print(f"starting: actions {stack.actions_url}, rasa {stack.rasa_url}, web {stack.web_url}", flush=True)
    try:
        stack.start(timeout=args.timeout)
    except StackError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"ready: open {stack.web_url}/  (logs in {LOG_DIR}/{stack.name}-*.log; Ctrl-C stops)", flush=True)
    stop = {"now": False}

    def _stop(*_args):
        stop["now"] = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        while not stop["now"]:
            stack.check_running()
            time.sleep(1)
    except StackError as exc:
        print(exc, file=sys.stderr)
        return 1
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
