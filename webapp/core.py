"""What every part of the web server shares: where its files are, templates, asset versions,
security headers, the HTTP client that talks to Rasa, and the app keys.

The parts (webapp.patient, webapp.staff, webapp.review, and those added later) build on this
module instead of each making its own; settings come from webapp.config.WebConfig.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Optional

import aiohttp
import jinja2
from aiohttp import web

from webapp.config import WebConfig

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
TEMPLATE_DIR = PACKAGE_DIR / "templates"
STATIC_DIR = PACKAGE_DIR / "static"

CONFIG_KEY = web.AppKey("config", WebConfig)
HTTP_KEY = web.AppKey("http", aiohttp.ClientSession)
_HTTP_WANTED = web.AppKey("http_wanted", bool)

RASA_TIMEOUT_SECONDS = 60

# The Content-Security-Policy every page starts from; a part may add connect-src origins.
_CSP = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
)


def templates(strict: bool = True, trim: bool = False, **filters: Callable) -> jinja2.Environment:
    """A Jinja environment over webapp/templates with every value escaped.

    strict: an unknown name is an error (the forms and pages built from code); trim: block tags
    leave no blank lines (the review pages' long tables)."""
    env = _environment(strict, trim)
    if filters:
        env = env.overlay()
        env.filters.update(filters)
    return env


@lru_cache(maxsize=4)
def _environment(strict: bool, trim: bool) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=True,  # all record content and every message is untrusted text
        undefined=jinja2.StrictUndefined if strict else jinja2.Undefined,
        trim_blocks=trim,
        lstrip_blocks=trim,
    )


def asset_version(directory: Path) -> str:
    """A short hash of the files under `directory`, appended to their URLs so browsers reload them."""
    digest = hashlib.sha256()
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(directory).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def security_headers(
    connect_src: Iterable[str] = (), referrer: str = "same-origin", frame_deny: bool = True
) -> dict[str, str]:
    """The headers of a page: CSP (with extra connect-src origins), nosniff, framing, referrer.

    "same-origin" referrers (not "no-referrer") let browsers send a real Origin on form POSTs,
    which the CSRF checks read."""
    extra = " ".join(o for o in connect_src if o)
    csp = [f"{d} {extra}" if d == "connect-src 'self'" and extra else d for d in _CSP]
    headers = {
        "Content-Security-Policy": "; ".join(csp),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": referrer,
    }
    if frame_deny:
        headers["X-Frame-Options"] = "DENY"
    return headers


def add_headers(
    app: web.Application, prefix: str, headers: Mapping[str, str], static_prefix: Optional[str] = None
) -> None:
    """Adds `headers` to every response under `prefix`; pages (not static files) are never cached,
    as they hold health information."""

    async def on_prepare(request: web.Request, response: web.StreamResponse) -> None:
        path = request.path
        if path == prefix or path.startswith(prefix.rstrip("/") + "/"):
            for name, value in headers.items():
                response.headers.setdefault(name, value)
            if not (static_prefix and path.startswith(static_prefix)):
                response.headers["Cache-Control"] = "no-store"

    app.on_response_prepare.append(on_prepare)  # type: ignore[arg-type]  # aiohttp's Signal typing


def use_http_client(app: web.Application) -> None:
    """One aiohttp ClientSession for the whole app (app[HTTP_KEY]), for the calls to Rasa."""
    if app.get(_HTTP_WANTED):
        return
    app[_HTTP_WANTED] = True

    async def client(app: web.Application) -> AsyncIterator[None]:
        timeout = aiohttp.ClientTimeout(total=RASA_TIMEOUT_SECONDS)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            app[HTTP_KEY] = session
            yield

    app.cleanup_ctx.append(client)


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
