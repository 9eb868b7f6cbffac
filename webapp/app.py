"""Builds the aiohttp application and mounts each part that is present.

Each part is a sub-package with a ``routes.setup(app, config)`` function:
``webapp.patient`` (the chat page at ``/``), ``webapp.staff`` (``/staff``) and
``webapp.review`` (``/review``). Parts share this one process and one config.
"""

from __future__ import annotations

import importlib
import logging

from aiohttp import web

from webapp import core, favicon
from webapp.config import WebConfig

logger = logging.getLogger(__name__)

PARTS = ("patient", "staff", "review", "embed", "summary")
CONFIG_KEY = core.CONFIG_KEY


async def health(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def create_app(config: WebConfig | None = None) -> web.Application:
    config = config or WebConfig.from_env()
    app = web.Application(client_max_size=64 * 1024)
    app[CONFIG_KEY] = config
    app.router.add_get("/healthz", health)
    favicon.setup(app)
    for part in PARTS:
        try:
            module = importlib.import_module(f"webapp.{part}.routes")
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith(f"webapp.{part}"):
                logger.info("web part %s not present", part)
                continue
            raise
        module.setup(app, config)
        logger.info("web part %s mounted", part)
    return app
