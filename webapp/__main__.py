"""Run the web server: ``python -m webapp`` (port from WEB_PORT, default 8080)."""

import logging

from aiohttp import web

from chat_security import log_filter
from webapp.app import create_app
from webapp.config import WebConfig


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    log_filter.install()  # no message text, phone number or e-mail address in this server's log
    config = WebConfig.from_env()
    web.run_app(create_app(config), host=config.host, port=config.port, access_log=None)


if __name__ == "__main__":
    main()
