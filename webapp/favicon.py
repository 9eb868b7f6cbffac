"""The clinic's icon for every part (patient chat, staff console, clinician review, sign-in pages):
``/favicon.svg`` for the pages' <link rel="icon"> and ``/favicon.ico``, which browsers fetch by
themselves for pages without one (the sign-in pages, JSON exports)."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

STATIC_DIR = Path(__file__).resolve().parent / "static"
FILES = {"/favicon.svg": ("favicon.svg", "image/svg+xml"), "/favicon.ico": ("favicon.ico", "image/x-icon")}
LINKS = '<link rel="icon" href="/favicon.svg" type="image/svg+xml"><link rel="icon" href="/favicon.ico" sizes="48x48">'


def _handler(name: str, content_type: str):
    body = (STATIC_DIR / name).read_bytes()

    async def favicon(_request: web.Request) -> web.Response:
        return web.Response(
            body=body,
            content_type=content_type,
            headers={"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"},
        )

    return favicon


def setup(app: web.Application) -> None:
    for path, (name, content_type) in FILES.items():
        app.router.add_get(path, _handler(name, content_type))
