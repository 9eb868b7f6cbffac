"""Settings for the web server, read once from the environment (never from git)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field


@dataclass(frozen=True)
class WebConfig:
    host: str = "127.0.0.1"
    port: int = 8080
    # Where the browser reaches the Rasa socket.io channel, and where this server reaches the HTTP API.
    rasa_public_url: str = "http://localhost:5005"
    rasa_internal_url: str = "http://127.0.0.1:5005"
    rasa_token: str = ""
    secret_key: str = ""
    # Signs the web chat's conversation tokens; the same value as Rasa's socket.io channel has.
    chat_secret: str = ""
    production: bool = False
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_env(cls) -> "WebConfig":
        port = int(os.environ.get("WEB_PORT", "8080"))
        rasa_port = os.environ.get("RASA_PORT", "5005")
        return cls(
            host=os.environ.get("WEB_HOST", "127.0.0.1"),
            port=port,
            rasa_public_url=os.environ.get("RASA_PUBLIC_URL", f"http://localhost:{rasa_port}"),
            rasa_internal_url=os.environ.get("RASA_URL", f"http://127.0.0.1:{rasa_port}"),
            rasa_token=os.environ.get("RASA_AUTH_TOKEN", ""),
            secret_key=os.environ.get("WEB_SECRET_KEY", ""),
            chat_secret=os.environ.get("CHAT_SESSION_SECRET", ""),
            production=os.environ.get("MILD_ENV", "development") == "production",
        )
