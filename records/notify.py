"""E-mail to the office when a call-back request is waiting: an outbox table and an SMTP sender.

The e-mail holds no PHI: no name, phone number, answers or screening id; only "a new call-back
request is waiting" for an office, and a link to the worklist. It is written to the outbox
(``notification_outbox``) in the same transaction that adds the request to the worklist
(records.callbacks), then sent by ``Outbox.send_due``, which the web server runs every few seconds.
A failed send stays in the outbox and is retried with a growing delay (30 s, 1, 2, 4 ... 60 min);
the log names the office and the kind of error, never anything about the patient.

Settings (environment):
    MILD_SMTP_HOST, MILD_SMTP_PORT (25; 465 means SMTPS), MILD_SMTP_STARTTLS (1 to require it),
    MILD_SMTP_USER, MILD_SMTP_PASSWORD, MILD_SMTP_FROM (default mild-intake@localhost),
    MILD_SMTP_TIMEOUT (10 s), MILD_PUBLIC_URL (the link's base, default http://localhost:8080),
    MILD_OFFICE_EMAIL_<OFFICE> / MILD_OFFICE_EMAIL_DEFAULT (screening.callback).
Without MILD_SMTP_HOST nothing is sent and the outbox keeps the messages.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
import time
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Callable, Mapping, Optional
from urllib.parse import quote

import sqlalchemy as sa

from screening import callback as promise

logger = logging.getLogger(__name__)

metadata = sa.MetaData()
outbox_table = sa.Table(
    "notification_outbox",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("office", sa.String(64), nullable=False),
    sa.Column("recipient", sa.String(320), nullable=False),
    sa.Column("subject", sa.String(200), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("created_ts", sa.Float, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("next_try_ts", sa.Float, nullable=False),
    sa.Column("claimed_until", sa.Float),
    sa.Column("sent_ts", sa.Float, index=True),
    sa.Column("last_error", sa.String(200)),
)

FIRST_RETRY_SECONDS = 30
MAX_RETRY_SECONDS = 3600
CLAIM_SECONDS = 120


@dataclass(frozen=True)
class SmtpSettings:
    host: str = ""
    port: int = 25
    starttls: bool = False
    user: str = ""
    password: str = ""
    sender: str = "mild-intake@localhost"
    timeout: float = 10.0
    public_url: str = "http://localhost:8080"

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> SmtpSettings:
        env = os.environ if env is None else env

        def get(name: str, default: str = "") -> str:
            return (env.get(name) or default).strip()

        port = get("MILD_SMTP_PORT", "25")
        return cls(
            host=get("MILD_SMTP_HOST"),
            port=int(port) if port.isdigit() else 25,
            starttls=get("MILD_SMTP_STARTTLS").lower() in ("1", "true", "yes"),
            user=get("MILD_SMTP_USER"),
            password=env.get("MILD_SMTP_PASSWORD") or "",
            sender=get("MILD_SMTP_FROM", "mild-intake@localhost"),
            timeout=float(get("MILD_SMTP_TIMEOUT", "10") or 10),
            public_url=get("MILD_PUBLIC_URL", "http://localhost:8080").rstrip("/"),
        )


def message_for(office: str, settings: SmtpSettings) -> tuple[str, str]:
    """(subject, body) of the e-mail for a new request at `office`: no PHI."""
    link = f"{settings.public_url}/staff/callbacks?office={quote(office)}"
    subject = f"New call-back request waiting ({office})"
    body = (
        f"A new call-back request is waiting for the {office} office.\n\n"
        f"Open the worklist (staff sign-in): {link}\n\n"
        f"The clinic promises a call within {promise.promise_text()}.\n"
        "This e-mail has no patient details by design; they are in the worklist.\n"
    )
    return subject, body


def send_smtp(settings: SmtpSettings, recipient: str, subject: str, body: str) -> None:
    """One e-mail over SMTP (raises OSError / smtplib.SMTPException on failure)."""
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = recipient
    message["Subject"] = subject
    message.set_content(body)
    if settings.port == 465:
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout, context=ssl.create_default_context()
        )
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    with client:
        if settings.starttls:
            client.starttls(context=ssl.create_default_context())
        if settings.user:
            client.login(settings.user, settings.password)
        client.send_message(message)


class Outbox:
    def __init__(
        self,
        engine: sa.engine.Engine,
        settings: Optional[SmtpSettings] = None,
        clock: Callable[[], float] = time.time,
        sender: Callable[[SmtpSettings, str, str, str], None] = send_smtp,
        env: Optional[Mapping[str, str]] = None,
    ):
        self.engine = engine
        self.settings = settings or SmtpSettings.from_env(env)
        self.clock = clock
        self.sender = sender
        self.env = env
        self._ready = False

    def ensure_table(self) -> None:
        if not self._ready:
            metadata.create_all(self.engine, checkfirst=True)
            self._ready = True

    def enqueue(self, conn: sa.engine.Connection, new_requests: list) -> int:
        """Queue one e-mail per new request (inside the caller's transaction, on its connection:
        another connection would wait for this transaction's own lock on SQLite)."""
        if not self._ready:
            metadata.create_all(conn, checkfirst=True)
        rows = []
        now = self.clock()
        for request in new_requests:
            office = str(request.get("office") or "")
            recipient = promise.office_email(office, self.env)
            if not recipient:
                logger.info(
                    "no e-mail address for the %s office (%s): no notification", office, promise.email_env_name(office)
                )
                continue
            subject, body = message_for(office, self.settings)
            rows.append(
                {
                    "office": office,
                    "recipient": recipient,
                    "subject": subject,
                    "body": body,
                    "created_ts": now,
                    "attempts": 0,
                    "next_try_ts": now,
                }
            )
        if rows:
            conn.execute(outbox_table.insert(), rows)
        return len(rows)

    def pending(self) -> list[dict]:
        self.ensure_table()
        with self.engine.connect() as conn:
            return [
                dict(r)
                for r in conn.execute(
                    sa.select(outbox_table).where(outbox_table.c.sent_ts.is_(None)).order_by(outbox_table.c.id)
                ).mappings()
            ]

    def send_due(self, now: Optional[float] = None, limit: int = 50) -> dict:
        """Send what is due; returns {"sent": n, "failed": m}. Never raises for a send failure."""
        self.ensure_table()
        now = self.clock() if now is None else now
        sent = failed = 0
        if not self.settings.host:
            return {"sent": 0, "failed": 0, "skipped": "MILD_SMTP_HOST is not set"}
        o = outbox_table
        with self.engine.connect() as conn:
            due = [
                dict(r)
                for r in conn.execute(
                    sa.select(o)
                    .where(
                        o.c.sent_ts.is_(None),
                        o.c.next_try_ts <= now,
                        sa.or_(o.c.claimed_until.is_(None), o.c.claimed_until < now),
                    )
                    .order_by(o.c.id)
                    .limit(limit)
                ).mappings()
            ]
        for row in due:
            with self.engine.begin() as conn:  # claim it, so a second server does not send it too
                claimed = conn.execute(
                    o.update()
                    .where(
                        o.c.id == row["id"],
                        o.c.sent_ts.is_(None),
                        sa.or_(o.c.claimed_until.is_(None), o.c.claimed_until < now),
                    )
                    .values(claimed_until=now + CLAIM_SECONDS)
                ).rowcount
            if claimed != 1:
                continue
            try:
                self.sender(self.settings, row["recipient"], row["subject"], row["body"])
            except (OSError, smtplib.SMTPException) as exc:
                attempts = row["attempts"] + 1
                delay = min(MAX_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** (attempts - 1))
                error = type(exc).__name__
                with self.engine.begin() as conn:
                    conn.execute(
                        o.update()
                        .where(o.c.id == row["id"])
                        .values(attempts=attempts, next_try_ts=now + delay, claimed_until=None, last_error=error)
                    )
                logger.warning(
                    "notification for the %s office not sent (%s, attempt %d); retry in %d s",
                    row["office"],
                    error,
                    attempts,
                    delay,
                )
                failed += 1
                continue
            with self.engine.begin() as conn:
                conn.execute(
                    o.update()
                    .where(o.c.id == row["id"])
                    .values(sent_ts=self.clock(), attempts=row["attempts"] + 1, claimed_until=None, last_error=None)
                )
            logger.info("notification sent to the %s office", row["office"])
            sent += 1
        return {"sent": sent, "failed": failed}
