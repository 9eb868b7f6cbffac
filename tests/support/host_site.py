"""A clinic's web site for the embed tests: static pages served on their own port (another origin
than the assistant), each with its own response headers (a page may carry a strict CSP)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, Tuple

from tests.support.servers import free_port


class HostSite:
    def __init__(self) -> None:
        self.port = free_port()
        self.pages: Dict[str, Tuple[str, str, Dict[str, str]]] = {}
        self._server = None
        self._thread = None

    def add(self, path: str, body: str, content_type: str = "text/html; charset=utf-8", **headers: str) -> None:
        self.pages[path] = (body, content_type, {k.replace("_", "-"): v for k, v in headers.items()})

    def url(self, path: str, host: str = "localhost") -> str:
        return f"http://{host}:{self.port}{path}"

    def origin(self, host: str = "localhost") -> str:
        return f"http://{host}:{self.port}"

    def start(self) -> HostSite:
        pages = self.pages

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                found = pages.get(self.path.split("?")[0])
                if found is None:
                    self.send_error(404)
                    return
                body, content_type, headers = found
                data = body.encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Cache-Control", "no-store")
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):  # quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
