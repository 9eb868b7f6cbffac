"""The front desk's call-back worklist: one row per appointment request, with its status history.

Tables (in the records' database, created on first use, beside Rasa's ``events``):

    callback_requests  screening_id (unique), sender_id, channel, office, outcome, requested_ts,
                       phone_key (a SHA-256 of the number's last ten digits, for the duplicate
                       hint: the number itself stays in the conversation), status, attempts,
                       booked_for, booked_office, updated_ts
    callback_events    one row per status change: screening_id, status, attempt, agent, note,
                       booked_for, booked_office, at (append-only)

Statuses: ``new`` -> ``called`` (attempts 1..3) -> ``booked`` | ``unreachable`` | ``declined`` |
``duplicate``. ``new`` and ``called`` are open; the others close the request. A duplicate is only
ever marked by an agent: ``duplicates_of`` offers the hint (an open request with the same number).

``sync(records)`` adds the appointment requests it has not seen yet (idempotent: the unique key
makes a second web server's insert a no-op) and hands the new ones to ``on_new`` in the same
transaction, which is how the e-mail outbox (records.notify) never misses or doubles a request.
"""

from __future__ import annotations

import hashlib
import re
import time
from datetime import date, datetime, timedelta
from typing import Any, Callable, Iterable, Optional, Sequence
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from records.derive import iso
from screening import callback as promise
from screening import clinic

metadata = sa.MetaData()
requests_table = sa.Table(
    "callback_requests",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("screening_id", sa.String(64), nullable=False, unique=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("channel", sa.String(16)),
    sa.Column("office", sa.String(64)),
    sa.Column("outcome", sa.String(64)),
    sa.Column("requested_ts", sa.Float, nullable=False),
    sa.Column("phone_key", sa.String(64), index=True),
    sa.Column("status", sa.String(16), nullable=False, default="new"),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("booked_for", sa.String(32)),
    sa.Column("booked_office", sa.String(64)),
    sa.Column("updated_ts", sa.Float, nullable=False),
    sa.Index("ix_callback_status_requested", "status", "requested_ts"),
)
events_table = sa.Table(
    "callback_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("screening_id", sa.String(64), nullable=False, index=True),
    sa.Column("sender_id", sa.String(255), index=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("attempt", sa.Integer),
    sa.Column("agent", sa.String(200)),
    sa.Column("note", sa.Text),
    sa.Column("booked_for", sa.String(32)),
    sa.Column("booked_office", sa.String(64)),
    sa.Column("at", sa.Float, nullable=False),
)

STATUSES = ("new", "called", "booked", "unreachable", "declined", "duplicate")
OPEN = ("new", "called")
STATUS_LABELS = {
    "new": "New",
    "called": "Called",
    "booked": "Booked",
    "unreachable": "Unreachable",
    "declined": "Declined",
    "duplicate": "Duplicate",
}
MAX_ATTEMPTS = 3
MAX_NOTE = 500
MAX_AGENT = 200
ACTIONS = ("attempt", "book", "unreachable", "declined", "duplicate")


class CallbackError(ValueError):
    """A change the worklist refuses; the message is for the agent."""


def phone_key(phone: Any) -> Optional[str]:
    digits = re.sub(r"\D", "", str(phone or ""))[-10:]
    if len(digits) < 7:
        return None
    return hashlib.sha256(("mild-callback|" + digits).encode()).hexdigest()


def parse_booking(text: str, today: date) -> datetime:
    """The agreed appointment time as an agent types it: ``2026-12-08 10:30``, ``12/8 10:30``,
    ``12/8 1030`` (the next such day from today). A naive local datetime; CallbackError if unreadable."""
    raw = " ".join(str(text or "").split())
    m = re.fullmatch(
        r"(?:(\d{4})-(\d{1,2})-(\d{1,2})|(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?)[ T](\d{1,2}):?(\d{2})"
        r"\s*([ap]m?)?",
        raw,
        re.IGNORECASE,
    )
    if not m:
        raise CallbackError("Give the appointment's date and time, e.g. 12/8 10:30 or 2026-12-08 10:30.")
    year_iso, month_iso, day_iso, month_us, day_us, year_us, hour, minute, ampm = m.groups()
    try:
        hour_n, minute_n = int(hour), int(minute)
        if ampm:
            if not 1 <= hour_n <= 12:
                raise ValueError
            hour_n = hour_n % 12 + (12 if ampm.lower().startswith("p") else 0)
        if year_iso:
            when = datetime(int(year_iso), int(month_iso), int(day_iso), hour_n, minute_n)
        else:
            year = int(year_us) if year_us else today.year
            year = year + 2000 if year < 100 else year
            when = datetime(year, int(month_us), int(day_us), hour_n, minute_n)
            if not year_us and when.date() < today:
                when = when.replace(year=today.year + 1)
    except ValueError:
        raise CallbackError("That date or time does not exist; e.g. 12/8 10:30.") from None
    if when.date() < today:
        raise CallbackError("The appointment date is in the past.")
    if when.date() > today + timedelta(days=366):
        raise CallbackError("The appointment date is more than a year away.")
    return when


def _clean_note(note: Any) -> Optional[str]:
    text = " ".join(str(note or "").split())
    if len(text) > MAX_NOTE:
        raise CallbackError(f"The note is longer than {MAX_NOTE} characters.")
    return text or None


def request_of(record: dict) -> Optional[dict]:
    """The worklist row a screening record gives (None without a complete appointment request)."""
    appointment = record.get("appointment") or {}
    if appointment.get("consent") != "yes" or not appointment.get("phone") or not appointment.get("office"):
        return None
    requested = appointment.get("requested_ts") or record.get("ended_ts") or record.get("started_ts") or time.time()
    return {
        "screening_id": record["screening_id"],
        "sender_id": record["sender_id"],
        "channel": record.get("channel"),
        "office": appointment.get("office"),
        "outcome": record.get("outcome"),
        "requested_ts": float(requested),
        "phone_key": phone_key(appointment.get("phone")),
    }


class CallbackStore:
    def __init__(self, engine: sa.engine.Engine, clock: Callable[[], float] = time.time, tz: Optional[ZoneInfo] = None):
        self.engine = engine
        self.clock = clock
        self.tz = tz
        self._ready = False

    def _tz(self) -> ZoneInfo:
        if self.tz is not None:
            return self.tz
        from records.store import clinic_tz

        return clinic_tz()

    def ensure_tables(self) -> None:
        if not self._ready:
            metadata.create_all(self.engine, checkfirst=True)
            self._ready = True

    # -- new requests ---------------------------------------------------------------------------
    def sync(
        self, records: Iterable[dict], on_new: Optional[Callable[[sa.engine.Connection, list], object]] = None
    ) -> list[dict]:
        """Add the appointment requests not yet in the worklist; returns the new rows."""
        self.ensure_tables()
        candidates = {r["screening_id"]: r for r in (request_of(rec) for rec in records) if r}
        if not candidates:
            return []
        with self.engine.connect() as conn:
            known = set()
            ids = list(candidates)
            for i in range(0, len(ids), 500):
                known |= {
                    row[0]
                    for row in conn.execute(
                        sa.select(requests_table.c.screening_id).where(
                            requests_table.c.screening_id.in_(ids[i : i + 500])
                        )
                    )
                }
        added = []
        for screening_id, row in candidates.items():
            if screening_id in known:
                continue
            now = self.clock()
            full = {**row, "status": "new", "attempts": 0, "updated_ts": now}
            try:
                with self.engine.begin() as conn:
                    conn.execute(requests_table.insert(), full)
                    conn.execute(
                        events_table.insert(),
                        {
                            "screening_id": screening_id,
                            "sender_id": row["sender_id"],
                            "status": "new",
                            "attempt": 0,
                            "at": row["requested_ts"],
                        },
                    )
                    if on_new is not None:
                        on_new(conn, [full])
            except sa.exc.IntegrityError:
                continue  # another server added it first
            added.append(full)
        return added

    # -- reading --------------------------------------------------------------------------------
    def worklist(
        self,
        office: Optional[str] = None,
        status: Optional[str] = None,
        limit: int = 200,
        offset: int = 0,
        now: Optional[float] = None,
    ) -> dict:
        """Rows oldest first (by default the open ones), with counts per status (for the office)."""
        self.ensure_tables()
        now = self.clock() if now is None else now
        t = requests_table
        where = []
        if office:
            where.append(t.c.office == office)
        with self.engine.connect() as conn:
            counts: dict[str, Optional[int]] = {s: 0 for s in STATUSES}
            for st, n in conn.execute(sa.select(t.c.status, sa.func.count()).where(*where).group_by(t.c.status)):
                counts[st] = n
            shown = [status] if status and status != "open" else (list(STATUSES) if status == "all" else list(OPEN))
            if status == "all":
                shown = list(STATUSES)
            query = (
                sa.select(t)
                .where(*where, t.c.status.in_(shown))
                .order_by(t.c.requested_ts, t.c.id)
                .limit(limit)
                .offset(offset)
            )
            rows = [dict(r) for r in conn.execute(query).mappings()]
            open_keys: dict[str, list] = {}
            keys = [r["phone_key"] for r in rows if r["phone_key"]]
            if keys:
                for i in range(0, len(keys), 500):
                    for key, sid, ts in conn.execute(
                        sa.select(t.c.phone_key, t.c.screening_id, t.c.requested_ts).where(
                            t.c.phone_key.in_(keys[i : i + 500]), t.c.status.in_(OPEN)
                        )
                    ):
                        open_keys.setdefault(key, []).append((ts, sid))
        tz = self._tz()
        days = promise.business_days()
        out = [self._decorate(r, now, tz, days, open_keys) for r in rows]
        counts["open"] = (counts["new"] or 0) + (counts["called"] or 0)
        counts["overdue"] = sum(1 for r in out if r["overdue"]) if status in (None, "", "open") else None
        return {"rows": out, "counts": counts}

    def _decorate(self, row: dict, now: float, tz: ZoneInfo, days: int, open_keys: dict) -> dict:
        due = promise.due_at(row["requested_ts"], tz, days)
        others = sorted(sid for ts, sid in open_keys.get(row.get("phone_key"), []) if sid != row["screening_id"])
        return {
            **row,
            "requested": iso(row["requested_ts"]),
            "waiting_seconds": max(0.0, now - row["requested_ts"]),
            "due_ts": due,
            "overdue": row["status"] in OPEN and now > due,
            "duplicate_of": others if row["status"] in OPEN else [],
        }

    def get(self, screening_id: str, now: Optional[float] = None) -> Optional[dict]:
        self.ensure_tables()
        t = requests_table
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(t).where(t.c.screening_id == screening_id)).mappings().first()
            if row is None:
                return None
            row = dict(row)
            others = []
            if row["phone_key"]:
                others = [
                    (ts, sid)
                    for sid, ts in conn.execute(
                        sa.select(t.c.screening_id, t.c.requested_ts).where(
                            t.c.phone_key == row["phone_key"], t.c.status.in_(OPEN)
                        )
                    )
                ]
        now = self.clock() if now is None else now
        out = self._decorate(row, now, self._tz(), promise.business_days(), {row["phone_key"]: others})
        out["history"] = self.history(screening_id)
        return out

    def history(self, screening_id: str) -> list[dict]:
        self.ensure_tables()
        e = events_table
        with self.engine.connect() as conn:
            rows = (
                conn.execute(sa.select(e).where(e.c.screening_id == screening_id).order_by(e.c.at, e.c.id))
                .mappings()
                .all()
            )
        return [
            {
                "status": r["status"],
                "attempt": r["attempt"],
                "agent": r["agent"],
                "note": r["note"] or "",
                "booked_for": r["booked_for"],
                "booked_office": r["booked_office"],
                "at": iso(r["at"]),
                "at_ts": r["at"],
            }
            for r in rows
        ]

    def summary(self, screening_id: str) -> Optional[dict]:
        """The call-back as a screening record carries it: status, attempts, booking, history."""
        row = self.get(screening_id)
        if row is None:
            return None
        return {
            "status": row["status"],
            "attempts": row["attempts"],
            "booked_for": row["booked_for"],
            "booked_office": row["booked_office"],
            "overdue": row["overdue"],
            "history": row["history"],
        }

    def attach(self, records: Sequence[dict]) -> list[dict]:
        """Copies of `records` with ``callback`` (summary or None) added."""
        self.ensure_tables()
        ids = [r["screening_id"] for r in records]
        by_id: dict[str, dict] = {}
        with self.engine.connect() as conn:
            for i in range(0, len(ids), 500):
                chunk = ids[i : i + 500]
                for r in conn.execute(
                    sa.select(requests_table).where(requests_table.c.screening_id.in_(chunk))
                ).mappings():
                    by_id[r["screening_id"]] = {
                        "status": r["status"],
                        "attempts": r["attempts"],
                        "booked_for": r["booked_for"],
                        "booked_office": r["booked_office"],
                        "history": [],
                    }
                for e in conn.execute(
                    sa.select(events_table)
                    .where(events_table.c.screening_id.in_(chunk))
                    .order_by(events_table.c.at, events_table.c.id)
                ).mappings():
                    if e["screening_id"] in by_id:
                        by_id[e["screening_id"]]["history"].append(
                            {
                                "status": e["status"],
                                "attempt": e["attempt"],
                                "agent": e["agent"],
                                "note": e["note"] or "",
                                "booked_for": e["booked_for"],
                                "booked_office": e["booked_office"],
                                "at": iso(e["at"]),
                            }
                        )
        return [{**r, "callback": by_id.get(r["screening_id"])} for r in records]

    # -- changes --------------------------------------------------------------------------------
    def change(
        self,
        screening_id: str,
        action: str,
        agent: str,
        note: Any = None,
        when: Any = None,
        office: Any = None,
        now: Optional[float] = None,
    ) -> dict:
        """Record an attempt, a booking or a closing status; CallbackError explains a refusal."""
        if action not in ACTIONS:
            raise CallbackError(f"Unknown action; one of: {', '.join(ACTIONS)}.")
        agent = (agent or "").strip()[:MAX_AGENT]
        if not agent:
            raise CallbackError("The agent's name is missing.")
        note_text = _clean_note(note)
        now = self.clock() if now is None else now
        self.ensure_tables()
        t = requests_table
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(t).where(t.c.screening_id == screening_id)).mappings().first()
            if row is None:
                raise KeyError(screening_id)
            if row["status"] not in OPEN:
                raise CallbackError(f"This request is already {STATUS_LABELS[row['status']].lower()}.")
            values: dict[str, Any] = {"updated_ts": now}
            event: dict[str, Any] = {
                "screening_id": screening_id,
                "sender_id": row["sender_id"],
                "agent": agent,
                "note": note_text,
                "at": now,
                "attempt": row["attempts"],
            }
            if action == "attempt":
                if row["attempts"] >= MAX_ATTEMPTS:
                    raise CallbackError(
                        f"{MAX_ATTEMPTS} attempts are recorded: mark it booked, declined or unreachable."
                    )
                values.update(status="called", attempts=row["attempts"] + 1)
                event.update(status="called", attempt=row["attempts"] + 1)
            elif action == "book":
                found = clinic.find_office(str(office or row["office"] or ""))
                if found is None:
                    raise CallbackError(f"Choose an office: {', '.join(clinic.OFFICE_NAMES)}.")
                today = datetime.fromtimestamp(now, self._tz()).date()
                booked = parse_booking(str(when or ""), today).strftime("%Y-%m-%dT%H:%M")
                values.update(status="booked", booked_for=booked, booked_office=found.name)
                event.update(status="booked", booked_for=booked, booked_office=found.name)
            else:
                values.update(status=action)
                event.update(status=action)
            # only if nobody changed it meanwhile (two agents on one request)
            done = conn.execute(
                t.update()
                .where(t.c.screening_id == screening_id, t.c.status == row["status"], t.c.attempts == row["attempts"])
                .values(**values)
            )
            if done.rowcount != 1:
                raise CallbackError("Someone else changed this request just now; reload it.")
            conn.execute(events_table.insert(), event)
        changed = self.get(screening_id, now=now)
        assert changed is not None  # it was just updated
        return changed

    # -- retention ------------------------------------------------------------------------------
    def delete_conversations(self, sender_ids: Sequence[str]) -> int:
        """Remove the call-backs of deleted conversations (the records' retention)."""
        self.ensure_tables()
        deleted = 0
        with self.engine.begin() as conn:
            for i in range(0, len(sender_ids), 500):
                chunk = list(sender_ids[i : i + 500])
                conn.execute(events_table.delete().where(events_table.c.sender_id.in_(chunk)))
                deleted += conn.execute(requests_table.delete().where(requests_table.c.sender_id.in_(chunk))).rowcount
        return deleted

    def delete_orphans(self, existing_sender_ids: Iterable[str]) -> int:
        """Remove call-backs whose conversation is gone (run after the records' retention)."""
        self.ensure_tables()
        existing = set(existing_sender_ids)
        with self.engine.connect() as conn:
            senders = [r[0] for r in conn.execute(sa.select(requests_table.c.sender_id).distinct())]
        return self.delete_conversations([s for s in senders if s not in existing])


def waiting_text(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} h {minutes % 60:02d} min"
    return f"{hours // 24} days {hours % 24} h"
