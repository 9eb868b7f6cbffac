"""Screening records read from Rasa's SQL tracker store, and clinicians' reviews kept beside them.

Reads the ``events`` table that Rasa's ``SQLTrackerStore`` writes (id, sender_id, type_name,
timestamp, intent_name, action_name, data) with SQLAlchemy Core, on SQLite or PostgreSQL
(``DB_URL``, default ``sqlite:///var/rasa.db`` relative to the repository). It never writes to
``events`` except in ``delete_older_than`` (the retention command). Reviews live in their own
table ``screening_reviews``; a review never changes the record it is about.

Records are derived per conversation and cached by (event count, last event id), so listing
reloads only conversations that changed since the last call.
"""

from __future__ import annotations

import builtins
import json
import logging
import os
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional, Sequence
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from records.derive import derive_screenings, iso
from records.questions import OUTCOMES, SLOTS

logger = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB_URL = "sqlite:///var/rasa.db"

metadata = sa.MetaData()
# The table as Rasa 3.6's SQLTrackerStore defines it. Declared here to read it (and, in tests and
# the demo seeding, to create it the same way); the review side never alters it.
events_table = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("type_name", sa.String(255), nullable=False),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),
)
reviews_table = sa.Table(
    "screening_reviews",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("screening_id", sa.String(64), nullable=False, index=True),
    sa.Column("sender_id", sa.String(255), index=True),
    sa.Column("reviewer", sa.String(200), nullable=False),
    sa.Column("note", sa.Text),
    sa.Column("reviewed_at", sa.Float, nullable=False),
)

MAX_REVIEWER = 200
MAX_NOTE = 4000


def db_url_from_env(env: Optional[Mapping[str, str]] = None) -> str:
    """The tracker store's database: ``RECORDS_DB_URL`` or ``DB_URL`` when set and not empty, else
    the variables endpoints.yml gives Rasa (``DB_DIALECT``, ``DB_NAME``, ``DB_HOST``, ``DB_PORT``,
    ``DB_USER``, ``DB_PASSWORD``), else ``sqlite:///var/rasa.db``."""
    env = os.environ if env is None else env
    assert env is not None
    for name in ("RECORDS_DB_URL", "DB_URL"):
        if (env.get(name) or "").strip():
            return env[name].strip()
    dialect = (env.get("DB_DIALECT") or "").strip()
    db_name = (env.get("DB_NAME") or "").strip()
    if dialect and db_name:
        if dialect.startswith("sqlite"):
            return "sqlite:///" + db_name
        port = (env.get("DB_PORT") or "").strip()
        return str(
            sa.engine.URL.create(
                dialect,
                username=(env.get("DB_USER") or None),
                password=(env.get("DB_PASSWORD") or None),
                host=(env.get("DB_HOST") or None),
                port=int(port) if port.isdigit() and int(port) > 0 else None,
                database=db_name,
            ).render_as_string(hide_password=False)
        )
    return DEFAULT_DB_URL


def _resolve_sqlite(url: str) -> str:
    """``sqlite:///var/rasa.db`` is relative to the repository root, as Rasa runs there."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        relative = url[len("sqlite:///") :]
        if relative and relative != ":memory:":
            path = REPO_ROOT / relative
            return "sqlite:///" + str(path)
    return url


def make_engine(url: Optional[str] = None) -> sa.engine.Engine:
    url = _resolve_sqlite(url or db_url_from_env())
    kwargs: dict[str, Any] = {"future": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 15}
        path = url[len("sqlite:///") :]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
    else:
        kwargs["pool_pre_ping"] = True
    return sa.create_engine(url, **kwargs)


def clinic_tz() -> ZoneInfo:
    return ZoneInfo(os.environ.get("MILD_TZ", "America/New_York"))


def local_date(ts: Optional[float], tz: Optional[ZoneInfo] = None) -> Optional[date]:
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, tz or clinic_tz()).date()


def day_start(day: date, tz: Optional[ZoneInfo] = None) -> float:
    """Epoch seconds of local midnight at the start of `day` in the clinic's time zone."""
    return datetime(day.year, day.month, day.day, tzinfo=tz or clinic_tz()).timestamp()


def _digits(text: Any) -> str:
    return re.sub(r"\D", "", str(text or ""))


@dataclass
class Filters:
    """What the list shows. Dates are days in the clinic's time zone, both ends included."""

    outcome: Sequence[str] = ()  # outcome codes; "none" for screenings without an outcome
    since: Optional[date] = None
    until: Optional[date] = None
    channel: Optional[str] = None  # "web" | "staff"
    status: Optional[str] = None  # "finished" | "abandoned"
    appointment: Optional[bool] = None  # True: an appointment was requested (consent yes)
    search: Optional[str] = None  # name or phone among appointment requests
    reviewed: Optional[bool] = None
    emergency: Optional[bool] = None
    screening_id: Optional[str] = None

    def matches(self, record: dict, reviewed_ids: Optional[set] = None, tz: Optional[ZoneInfo] = None) -> bool:
        if self.screening_id and record["screening_id"] != self.screening_id:
            return False
        outcomes = [o for o in self.outcome if o]
        if outcomes and (record.get("outcome") or "none") not in outcomes:
            return False
        started = record.get("started_ts")
        if self.since and (started is None or started < day_start(self.since, tz)):
            return False
        if self.until and (started is None or started >= day_start(self.until + timedelta(days=1), tz)):
            return False
        if self.channel and record.get("channel") != self.channel:
            return False
        if self.status and record.get("status") != self.status:
            return False
        if self.appointment is not None and has_appointment_request(record) != self.appointment:
            return False
        if self.emergency is not None and bool(record.get("emergency")) != self.emergency:
            return False
        if self.search and self.search.strip():
            if not has_appointment_request(record):
                return False
            appointment = record["appointment"]
            needle = self.search.strip().lower()
            name = str(appointment.get("name") or "").lower()
            digits = _digits(needle)
            by_phone = len(digits) >= 3 and digits in _digits(appointment.get("phone"))
            if needle not in name and not by_phone:
                return False
        if self.reviewed is not None and reviewed_ids is not None:
            if (record["screening_id"] in reviewed_ids) != self.reviewed:
                return False
        return True


def has_appointment_request(record: dict) -> bool:
    appointment = record.get("appointment") or {}
    return appointment.get("consent") == "yes"


@dataclass
class _Cached:
    count: int
    max_id: int
    records: list = field(default_factory=list)


class RecordStore:
    """Screening records over one database (the tracker store's)."""

    def __init__(self, db_url: Optional[str] = None, engine: Optional[sa.engine.Engine] = None):
        self.engine = engine or make_engine(db_url)
        self._lock = threading.RLock()
        self._cache: dict[str, _Cached] = {}
        self._reviews_ready = False

    # -- schema ---------------------------------------------------------------------------------
    def ensure_reviews_table(self) -> None:
        if not self._reviews_ready:
            reviews_table.create(self.engine, checkfirst=True)
            self._reviews_ready = True

    def create_events_table(self) -> None:
        """Create ``events`` as Rasa would (for tests and demos; Rasa creates it itself)."""
        events_table.create(self.engine, checkfirst=True)

    def _has_events_table(self) -> bool:
        return sa.inspect(self.engine).has_table("events")

    # -- reading events -------------------------------------------------------------------------
    def conversation_ids(self) -> list[str]:
        if not self._has_events_table():
            return []
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(events_table.c.sender_id).distinct())
            return [r[0] for r in rows]

    def events_of(self, sender_id: str) -> list[dict]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(events_table.c.data).where(events_table.c.sender_id == sender_id).order_by(events_table.c.id)
            )
            events = []
            for (data,) in rows:
                try:
                    events.append(json.loads(data))
                except (TypeError, ValueError):
                    logger.warning("skipping an unreadable event of one conversation")
            return events

    def add_events(self, sender_id: str, events: Iterable[dict]) -> int:
        """Append events the way Rasa's SQLTrackerStore does (tests, demo data, imports)."""
        self.create_events_table()
        rows = []
        for event in events:
            kind = event.get("event")
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name") if kind == "user" else None
            action = event.get("name") if kind == "action" else None
            rows.append(
                {
                    "sender_id": sender_id,
                    "type_name": kind,
                    "timestamp": event.get("timestamp"),
                    "intent_name": intent,
                    "action_name": action,
                    "data": json.dumps(event),
                }
            )
        if rows:
            with self.engine.begin() as conn:
                conn.execute(events_table.insert(), rows)
        return len(rows)

    # -- records --------------------------------------------------------------------------------
    def records(self) -> list[dict]:
        """All screening records, newest first."""
        if not self._has_events_table():
            return []
        with self.engine.connect() as conn:
            summary = conn.execute(
                sa.select(
                    events_table.c.sender_id, sa.func.count(events_table.c.id), sa.func.max(events_table.c.id)
                ).group_by(events_table.c.sender_id)
            ).all()
        with self._lock:
            seen = set()
            for sender_id, count, max_id in summary:
                seen.add(sender_id)
                cached = self._cache.get(sender_id)
                if cached is None or cached.count != count or cached.max_id != max_id:
                    try:
                        derived = derive_screenings(self.events_of(sender_id), sender_id)
                    except Exception:  # one broken conversation must not hide the others
                        logger.exception("could not derive the screenings of one conversation")
                        derived = []
                    self._cache[sender_id] = _Cached(count, max_id, derived)
            for gone in set(self._cache) - seen:
                del self._cache[gone]
            out = [r for c in self._cache.values() for r in c.records]
        out.sort(key=lambda r: (r.get("started_ts") or 0, r["screening_id"]), reverse=True)
        return out

    def list(self, filters: Optional[Filters] = None, limit: Optional[int] = None, offset: int = 0) -> list[dict]:
        filters = filters or Filters()
        tz = clinic_tz()
        reviewed = self.reviewed_ids() if filters.reviewed is not None else None
        matching = [r for r in self.records() if filters.matches(r, reviewed, tz)]
        if limit is None:
            return matching[offset:]
        return matching[offset : offset + limit]

    def get(self, screening_id: str) -> Optional[dict]:
        for record in self.records():
            if record["screening_id"] == screening_id:
                return record
        return None

    # -- reviews --------------------------------------------------------------------------------
    def add_review(self, screening_id: str, reviewer: str, note: str = "", now: Optional[float] = None) -> dict:
        reviewer = (reviewer or "").strip()[:MAX_REVIEWER]
        note = (note or "").strip()[:MAX_NOTE]
        if not reviewer:
            raise ValueError("a reviewer name is required")
        record = self.get(screening_id)
        if record is None:
            raise KeyError(screening_id)
        self.ensure_reviews_table()
        row = {
            "screening_id": screening_id,
            "sender_id": record["sender_id"],
            "reviewer": reviewer,
            "note": note or None,
            "reviewed_at": now if now is not None else time.time(),
        }
        with self.engine.begin() as conn:
            result = conn.execute(reviews_table.insert(), row)
            row["id"] = result.inserted_primary_key[0] if result.inserted_primary_key else None
        return _review_dict(row)

    def reviews(self, screening_id: str) -> builtins.list[dict]:
        self.ensure_reviews_table()
        with self.engine.connect() as conn:
            rows = (
                conn.execute(
                    sa.select(reviews_table)
                    .where(reviews_table.c.screening_id == screening_id)
                    .order_by(reviews_table.c.reviewed_at, reviews_table.c.id)
                )
                .mappings()
                .all()
            )
        return [_review_dict(dict(r)) for r in rows]

    def latest_reviews(self) -> dict[str, dict]:
        """screening_id -> its latest review."""
        self.ensure_reviews_table()
        with self.engine.connect() as conn:
            rows = (
                conn.execute(sa.select(reviews_table).order_by(reviews_table.c.reviewed_at, reviews_table.c.id))
                .mappings()
                .all()
            )
        return {r["screening_id"]: _review_dict(dict(r)) for r in rows}

    def reviewed_ids(self) -> set:
        return set(self.latest_reviews())

    # -- retention ------------------------------------------------------------------------------
    def delete_older_than(self, days: float, now: Optional[float] = None) -> int:
        """Delete every conversation whose last event is older than `days`, with its reviews.

        Returns how many conversations were deleted."""
        if days < 0:
            raise ValueError("days must not be negative")
        if not self._has_events_table():
            return 0
        cutoff = (now if now is not None else time.time()) - days * 86400
        with self.engine.connect() as conn:
            old = [
                r[0]
                for r in conn.execute(
                    sa.select(events_table.c.sender_id)
                    .group_by(events_table.c.sender_id)
                    .having(sa.func.max(events_table.c.timestamp) < cutoff)
                )
            ]
        if not old:
            return 0
        screening_ids = []
        for sender_id in old:
            try:
                screening_ids += [r["screening_id"] for r in derive_screenings(self.events_of(sender_id), sender_id)]
            except Exception:
                logger.exception("could not derive one conversation before deleting it")
        self.ensure_reviews_table()
        with self.engine.begin() as conn:
            for chunk in _chunks(old, 500):
                conn.execute(events_table.delete().where(events_table.c.sender_id.in_(chunk)))
                conn.execute(reviews_table.delete().where(reviews_table.c.sender_id.in_(chunk)))
            for chunk in _chunks(screening_ids, 500):
                conn.execute(reviews_table.delete().where(reviews_table.c.screening_id.in_(chunk)))
        with self._lock:
            for sender_id in old:
                self._cache.pop(sender_id, None)
        return len(old)

    # -- dashboard ------------------------------------------------------------------------------
    def stats(self, since: date, until: date, channel: Optional[str] = None) -> dict:
        return dashboard_stats(self.list(Filters(since=since, until=until, channel=channel)), since, until)


def _chunks(items: list, size: int) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _review_dict(row: dict) -> dict:
    return {
        "id": row.get("id"),
        "screening_id": row["screening_id"],
        "reviewer": row["reviewer"],
        "note": row.get("note") or "",
        "reviewed_at": iso(row["reviewed_at"]),
        "reviewed_ts": row["reviewed_at"],
    }


def dashboard_stats(records: list[dict], since: date, until: date, tz: Optional[ZoneInfo] = None) -> dict:
    """Screenings per day by outcome, completion rate and drop-off per question for a period."""
    tz = tz or clinic_tz()
    days = [since + timedelta(days=i) for i in range((until - since).days + 1)]
    keys = list(OUTCOMES) + ["none"]
    per_day = {d.isoformat(): {k: 0 for k in keys} for d in days}
    outcome_totals = {k: 0 for k in keys}
    asked = {s: 0 for s in SLOTS}
    dropped = {s: 0 for s in SLOTS}
    finished = abandoned = appointments = emergencies = staff = 0
    for record in records:
        day = local_date(record.get("started_ts"), tz)
        outcome = record.get("outcome")
        key = outcome if isinstance(outcome, str) and outcome in OUTCOMES else "none"
        if day is not None and day.isoformat() in per_day:
            per_day[day.isoformat()][key] += 1
        outcome_totals[key] += 1
        if record.get("status") == "finished":
            finished += 1
        else:
            abandoned += 1
            if record.get("abandoned_at") in dropped:
                dropped[record["abandoned_at"]] += 1
        for slot in record.get("asked") or []:
            if slot in asked:
                asked[slot] += 1
        appointments += has_appointment_request(record)
        emergencies += bool(record.get("emergency"))
        staff += record.get("channel") == "staff"
    total = finished + abandoned
    drop_off = [
        {"slot": s, "asked": asked[s], "abandoned": dropped[s], "rate": (dropped[s] / asked[s]) if asked[s] else 0.0}
        for s in SLOTS
    ]
    return {
        "since": since.isoformat(),
        "until": until.isoformat(),
        "days": [d.isoformat() for d in days],
        "per_day": per_day,
        "outcomes": keys,
        "outcome_totals": outcome_totals,
        "total": total,
        "finished": finished,
        "abandoned": abandoned,
        "completion_rate": (finished / total) if total else None,
        "appointment_requests": appointments,
        "emergencies": emergencies,
        "staff_entered": staff,
        "drop_off": drop_off,
        "abandoned_before_first_question": sum(
            1 for r in records if r.get("status") == "abandoned" and not r.get("abandoned_at")
        ),
    }
