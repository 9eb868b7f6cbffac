"""Who saw what: the HIPAA access audit, append-only, in the records' database.

``access_audit``: id, at (epoch seconds), user (account name), role, action, screening_id (null
for a list), detail (a short code-like text, never PHI). Actions:

    view_record      a clinician opened /review/s/{id}
    view_callback    an agent opened a call-back; view_worklist: the list (no screening)
    export_json | export_fhir | export_csv   one entry per screening exported (web or command line)
    callback_<status change>   attempt, book, unreachable, declined, duplicate
    view_audit, export_audit   an admin read or exported this log

The application only inserts. Updates are refused by the database itself (a trigger on SQLite and
on PostgreSQL); deleting is only ``purge_older_than``, the audit's own retention
(``MILD_AUDIT_RETENTION_DAYS``, default 2190 days = six years, HIPAA's documentation period),
separate from the records' (``MILD_RETENTION_DAYS``): ``python -m records audit-retention``.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import time
from dataclasses import dataclass
from datetime import date
from typing import Iterable, Mapping, Optional, Sequence

import sqlalchemy as sa

from records.derive import iso

logger = logging.getLogger(__name__)

metadata = sa.MetaData()
audit_table = sa.Table(
    "access_audit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.Float, nullable=False, index=True),
    sa.Column("user", sa.String(200), nullable=False, index=True),
    sa.Column("role", sa.String(32), nullable=False),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("screening_id", sa.String(64), index=True),
    sa.Column("detail", sa.String(200)),
)
ACTIONS = (
    "view_record",
    "view_callback",
    "view_worklist",
    "export_json",
    "export_fhir",
    "export_csv",
    "callback_attempt",
    "callback_book",
    "callback_unreachable",
    "callback_declined",
    "callback_duplicate",
    "view_audit",
    "export_audit",
)
DEFAULT_RETENTION_DAYS = 2190
RETENTION_ENV = "MILD_AUDIT_RETENTION_DAYS"
CSV_FIELDS = ("at", "user", "role", "action", "screening_id", "detail")

_SQLITE_TRIGGER = (
    "CREATE TRIGGER IF NOT EXISTS access_audit_no_update BEFORE UPDATE ON access_audit "
    "BEGIN SELECT RAISE(ABORT, 'access_audit is append-only'); END"
)
_PG_FUNCTION = (
    "CREATE OR REPLACE FUNCTION access_audit_no_update() RETURNS trigger AS $$ BEGIN "
    "RAISE EXCEPTION 'access_audit is append-only'; END; $$ LANGUAGE plpgsql"
)
_PG_TRIGGER = (
    "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'access_audit_no_update') THEN "
    "CREATE TRIGGER access_audit_no_update BEFORE UPDATE ON access_audit FOR EACH ROW "
    "EXECUTE FUNCTION access_audit_no_update(); END IF; END $$"
)


def retention_days(env: Optional[Mapping[str, str]] = None) -> float:
    env = os.environ if env is None else env
    assert env is not None
    raw = (env.get(RETENTION_ENV) or "").strip()
    try:
        return float(raw) if raw else float(DEFAULT_RETENTION_DAYS)
    except ValueError:
        return float(DEFAULT_RETENTION_DAYS)


@dataclass
class AuditFilters:
    user: Optional[str] = None
    screening_id: Optional[str] = None
    action: Optional[str] = None
    since: Optional[float] = None
    until: Optional[float] = None


class AuditLog:
    def __init__(self, engine: sa.engine.Engine, clock=time.time):
        self.engine = engine
        self.clock = clock
        self._ready = False

    def ensure_table(self) -> None:
        if self._ready:
            return
        audit_table.create(self.engine, checkfirst=True)
        with self.engine.begin() as conn:
            if self.engine.dialect.name == "sqlite":
                conn.exec_driver_sql(_SQLITE_TRIGGER)
            elif self.engine.dialect.name == "postgresql":
                conn.exec_driver_sql(_PG_FUNCTION)
                conn.exec_driver_sql(_PG_TRIGGER)
        self._ready = True

    def write(
        self,
        user: str,
        role: str,
        action: str,
        screening_ids: Sequence[Optional[str]] = (None,),
        detail: Optional[str] = None,
        now: Optional[float] = None,
    ) -> int:
        """One entry per screening id (``(None,)`` for an access without one). Returns the count."""
        if action not in ACTIONS:
            raise ValueError(f"unknown audit action {action!r}")
        self.ensure_table()
        now = self.clock() if now is None else now
        rows = [
            {
                "at": now,
                "user": (user or "?")[:200],
                "role": (role or "?")[:32],
                "action": action,
                "screening_id": sid,
                "detail": (detail or None) and str(detail)[:200],
            }
            for sid in (list(screening_ids) or [None])
        ]
        with self.engine.begin() as conn:
            conn.execute(audit_table.insert(), rows)
        return len(rows)

    def entries(
        self, filters: Optional[AuditFilters] = None, limit: Optional[int] = 500, offset: int = 0
    ) -> list[dict]:
        """Newest first."""
        self.ensure_table()
        f = filters or AuditFilters()
        t = audit_table
        query = sa.select(t)
        if f.user:
            query = query.where(t.c.user == f.user)
        if f.screening_id:
            query = query.where(t.c.screening_id == f.screening_id)
        if f.action:
            query = query.where(t.c.action == f.action)
        if f.since is not None:
            query = query.where(t.c.at >= f.since)
        if f.until is not None:
            query = query.where(t.c.at < f.until)
        query = query.order_by(t.c.at.desc(), t.c.id.desc()).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            return [{**dict(r), "at_iso": iso(r["at"])} for r in conn.execute(query).mappings()]

    def count(self, filters: Optional[AuditFilters] = None) -> int:
        return len(self.entries(filters, limit=None))

    def users(self) -> list[str]:
        self.ensure_table()
        with self.engine.connect() as conn:
            return sorted(r[0] for r in conn.execute(sa.select(audit_table.c.user).distinct()))

    def purge_older_than(self, days: float, now: Optional[float] = None) -> int:
        """The audit's retention: delete entries older than `days` (its own period, not the records')."""
        if days < 0:
            raise ValueError("days must not be negative")
        self.ensure_table()
        cutoff = (self.clock() if now is None else now) - days * 86400
        with self.engine.begin() as conn:
            return conn.execute(audit_table.delete().where(audit_table.c.at < cutoff)).rowcount


def to_csv(entries: Iterable[dict]) -> str:
    from records.export import _cell

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for e in entries:
        writer.writerow(
            {
                "at": _cell(e.get("at_iso") or iso(e["at"])),
                "user": _cell(e["user"]),
                "role": _cell(e["role"]),
                "action": _cell(e["action"]),
                "screening_id": _cell(e.get("screening_id")),
                "detail": _cell(e.get("detail")),
            }
        )
    return buffer.getvalue()


def day_bounds(since: Optional[date], until: Optional[date]) -> tuple[Optional[float], Optional[float]]:
    from datetime import timedelta

    from records.store import day_start

    return (day_start(since) if since else None, day_start(until + timedelta(days=1)) if until else None)
