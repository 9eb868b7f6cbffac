"""Settings for the web server, read once from the environment (never from git)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Optional

from records.store import db_url_from_env


def retention_days_from_env() -> Optional[float]:
    """MILD_RETENTION_DAYS (the records retention job's default, shown in the privacy notice);
    None when unset or not a number of days."""
    try:
        days = float(os.environ.get("MILD_RETENTION_DAYS", "").strip())
    except ValueError:
        return None
    return days if days >= 0 else None


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
    retention_days: Optional[float] = None
    # The staff channel's X-Staff-Token (shared with Rasa's staff channel).
    staff_channel_token: str = field(default_factory=lambda: os.environ.get("STAFF_CHANNEL_TOKEN", ""))
    # The records' database (the tracker store's): records.store.db_url_from_env; empty: the same
    # variables read where the store is made.
    db_url: str = ""
    extra: dict = field(default_factory=dict)

    def records_db_url(self) -> Optional[str]:
        """The database of records, sessions, call-backs and the audit (tests may set extra["db_url"])."""
        return self.extra.get("db_url") or self.db_url or None

    @classmethod
    def from_env(cls) -> WebConfig:
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
            retention_days=retention_days_from_env(),
            db_url=db_url_from_env(),
        )
