"""Starting Rasa servers as subprocesses for benchmarks, and reading their memory use."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv" / "bin"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, name: str, args: list[str], cwd: Path, env: Optional[dict] = None, health: str = "/"):
        self.name, self.args, self.cwd, self.env, self.health = name, args, cwd, env, health
        self.proc: Optional[subprocess.Popen] = None

    def start(self, port: int, timeout: float = 300) -> Server:
        (ROOT / "var" / "logs").mkdir(parents=True, exist_ok=True)
        log = open(ROOT / "var" / "logs" / f"bench-{self.name}.log", "w")
        self.proc = subprocess.Popen(
            self.args,
            cwd=self.cwd,
            env={**os.environ, **(self.env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        url = f"http://127.0.0.1:{port}{self.health}"
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited; see var/logs/bench-{self.name}.log")
            try:
                urllib.request.urlopen(url, timeout=2)
                return self
            except OSError:
                time.sleep(0.5)
        raise RuntimeError(f"{self.name} did not answer {url} within {timeout} s")

    def rss_mb(self) -> float:
        """Resident memory of the server process and its children, in MB."""
        if not self.proc:
            return 0.0
        pids = [self.proc.pid]
        try:
            out = subprocess.run(["pgrep", "-g", str(self.proc.pid)], capture_output=True, text=True).stdout
            pids = [int(p) for p in out.split()] or pids
        except OSError:
            pass
        total = 0
        for pid in pids:
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            except OSError:
                continue
        return total / 1024

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
