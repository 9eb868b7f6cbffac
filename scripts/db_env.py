"""Prints shell exports that split DB_URL into the variables endpoints.yml reads.

eval "$(python -m scripts.db_env sqlite:///var/rasa.db)"
"""

from __future__ import annotations

import shlex
import sys
from urllib.parse import unquote, urlsplit


def db_settings(url: str) -> dict[str, str]:
    if url.startswith("sqlite:///"):
        return {
            "DB_DIALECT": "sqlite",
            "DB_HOST": "",
            "DB_PORT": "0",
            "DB_NAME": url[len("sqlite:///") :],
            "DB_USER": "",
            "DB_PASSWORD": "",
        }
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        raise SystemExit(f"unsupported DB_URL scheme: {parts.scheme!r} (use sqlite:/// or postgresql://)")
    return {
        "DB_DIALECT": "postgresql",
        "DB_HOST": parts.hostname or "127.0.0.1",
        "DB_PORT": str(parts.port or 5432),
        "DB_NAME": parts.path.lstrip("/") or "rasa",
        "DB_USER": unquote(parts.username or ""),
        "DB_PASSWORD": unquote(parts.password or ""),
    }


if __name__ == "__main__":
    for key, value in db_settings(sys.argv[1]).items():
        print(f"export {key}={shlex.quote(value)}")
