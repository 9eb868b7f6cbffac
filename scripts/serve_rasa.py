"""Starts the Rasa server with its HTTP API token kept off the command line.

    .venv/bin/python -m scripts.serve_rasa -m models/mild.tar.gz --enable-api -p 5005 ...

`rasa run --auth-token T` would put the token in the process's argv, where `ps` shows it to every
local user. This wrapper reads it from RASA_AUTH_TOKEN, or from the file named by
RASA_AUTH_TOKEN_FILE (which must not be readable by others), and hands it to Rasa inside the
process: /proc/<pid>/cmdline keeps only the arguments given here.
"""
from __future__ import annotations

import os
import stat
import sys
from pathlib import Path


def read_token(env: dict | None = None) -> str:
    env = dict(os.environ if env is None else env)
    token = env.get("RASA_AUTH_TOKEN", "").strip()
    if token:
        return token
    path = env.get("RASA_AUTH_TOKEN_FILE", "").strip()
    if not path:
        raise SystemExit("serve_rasa: set RASA_AUTH_TOKEN or RASA_AUTH_TOKEN_FILE")
    file = Path(path)
    mode = file.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise SystemExit(f"serve_rasa: {path} is readable by others (chmod 600 it)")
    token = file.read_text(encoding="utf-8").strip()
    if not token:
        raise SystemExit(f"serve_rasa: {path} is empty")
    return token


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if "--auth-token" in args:
        raise SystemExit("serve_rasa: give the token through the environment, not --auth-token")
    token = read_token()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", "run", *args, "--auth-token", token]
    rasa_main()


if __name__ == "__main__":
    main()
