"""The web origins the assistant trusts: ``MILD_ALLOWED_ORIGINS``.

One list, read from the environment, used everywhere a browser's origin is checked:

- Rasa's HTTP API CORS (``--cors``, given by scripts/serve_rasa.py instead of ``"*"``);
- the socket.io channel (python-engineio's ``cors_allowed_origins``: a websocket or long-polling
  request whose ``Origin`` is not listed is refused with HTTP 400);
- the embed (``/embed.js`` refuses to start on a page of another origin, and the chat frame is
  served with ``Content-Security-Policy: frame-ancestors`` these origins);
- the cluster's nginx (a map of the same origins in front of socket.io and the HTTP API).

The value is origins separated by spaces or commas: ``https://www.clinic.org
https://assistant.clinic.org``. An origin is ``scheme://host[:port]``, nothing after it; ``*`` is
not accepted. Unset, the list is the project's own pages on a single machine:
``http://localhost:$WEB_PORT http://127.0.0.1:$WEB_PORT``. The assistant's own origin (the one
serving ``/`` and the chat frame) must be in the list: the chat frame talks to socket.io from it.

Plain Python, no Rasa or web imports.
"""

from __future__ import annotations

import os
import re
from typing import Iterable, List, Mapping, Optional

ENV = "MILD_ALLOWED_ORIGINS"
_ORIGIN_RE = re.compile(r"^(https?)://([a-z0-9]([a-z0-9.-]*[a-z0-9])?|\[[0-9a-f:.]+\])(:([0-9]{1,5}))?$")
_DEFAULT_PORTS = {"http": "80", "https": "443"}


class BadOrigins(ValueError):
    """MILD_ALLOWED_ORIGINS holds something that is not an origin (the message says which)."""


def normalize(origin: str) -> str:
    """``HTTPS://Clinic.org:443/`` -> ``https://clinic.org`` (as a browser sends it in ``Origin``)."""
    text = origin.strip().lower().rstrip("/")
    match = _ORIGIN_RE.fullmatch(text)
    if match is None:
        raise BadOrigins(
            f"{ENV}: {origin!r} is not an origin (scheme://host[:port], e.g. https://www.clinic.org; no path, no '*')"
        )
    scheme, host, port = match.group(1), match.group(2), match.group(5)
    if port is not None and not 0 < int(port) < 65536:
        raise BadOrigins(f"{ENV}: {origin!r} has no valid port")
    if port is None or port == _DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{int(port)}"


def parse(value: str) -> List[str]:
    """The origins of a MILD_ALLOWED_ORIGINS value, normalized, in order, without repeats."""
    items = [item for item in re.split(r"[\s,]+", value or "") if item]
    if not items:
        raise BadOrigins(f"{ENV} is empty")
    return list(dict.fromkeys(normalize(item) for item in items))


def default_origins(environ: Mapping[str, str] = os.environ) -> List[str]:
    port = (environ.get("WEB_PORT") or "8080").strip()
    return [f"http://localhost:{port}", f"http://127.0.0.1:{port}"]


def allowed_origins(environ: Optional[Mapping[str, str]] = None) -> List[str]:
    """The allow-list in force: MILD_ALLOWED_ORIGINS, or the single-machine default."""
    environ = os.environ if environ is None else environ
    value = (environ.get(ENV) or "").strip()
    return parse(value) if value else default_origins(environ)


def is_allowed(origin: Optional[str], allowed: Iterable[str]) -> bool:
    if not origin:
        return False
    try:
        return normalize(origin) in set(allowed)
    except BadOrigins:
        return False


def nginx_map_entries(allowed: Iterable[str]) -> str:
    """The body lines of an nginx ``map $http_origin ...`` that marks these origins 1."""
    return " ".join(f'"{origin}" 1;' for origin in allowed)


if __name__ == "__main__":  # python -m chat_security.origins [--nginx-map]
    import sys

    try:
        found = allowed_origins()
    except BadOrigins as exc:
        sys.exit(str(exc))
    print(nginx_map_entries(found) if "--nginx-map" in sys.argv[1:] else " ".join(found))
