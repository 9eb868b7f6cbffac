"""Starts the Rasa server with its HTTP API token kept off the command line.

    .venv/bin/python -m scripts.serve_rasa -m models/mild.tar.gz --enable-api -p 5005 ...

`rasa run --auth-token T` would put the token in the process's argv, where `ps` shows it to every
local user. This wrapper reads it from RASA_AUTH_TOKEN, or from the file named by
RASA_AUTH_TOKEN_FILE (which must not be readable by others), and hands it to Rasa inside the
process: /proc/<pid>/cmdline keeps only the arguments given here.

CORS: without a ``--cors`` argument, Rasa's HTTP API gets ``--cors`` with the origins of
MILD_ALLOWED_ORIGINS (chat_security.origins; the project's own pages by default), never ``"*"``.
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
    if "--cors" in args and "*" in args[args.index("--cors") + 1 :]:
        raise SystemExit("serve_rasa: --cors '*' trusts every web site; set MILD_ALLOWED_ORIGINS instead")
    token = read_token()
    if "--cors" not in args:
        from chat_security import origins

        try:
            args += ["--cors", *origins.allowed_origins()]
        except origins.BadOrigins as exc:
            raise SystemExit(f"serve_rasa: {exc}") from None
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", "run", *args, "--auth-token", token]
    rasa_main()


if __name__ == "__main__":
    main()
