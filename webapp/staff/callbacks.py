"""The front desk's call-back worklist in the staff console (staff sign-in).

    /staff/callbacks                 the worklist: open requests oldest first, filters by office and
                                     status, counts per status, overdue marking, duplicate hints
    /staff/callbacks/{id}            one request: name, tel: link, office, outcome with reasons and
                                     notes, history; forms to record an attempt, a booking or a close
    /staff/callbacks/{id}            POST (form, CSRF): action=attempt|book|unreachable|declined|duplicate
    /staff/callbacks/{id}/record     the screening's answers, read-only

Keys (Alt+key, webapp/static/staff/callbacks.js): on the worklist O opens the oldest
request; on a request A records an attempt, B goes to the booking time (Enter books), N to the
attempt's note, W back to the worklist.

A background task (every MILD_CALLBACK_SYNC_SECONDS, default 10) adds new appointment requests from
the records to the worklist, queues the office's e-mail and sends what is due (records.notify).
Every view and change writes the access audit (records.audit). ``MILD_TEST_CLOCK`` (epoch seconds
or ISO time) fixes "now" for tests; it is ignored when MILD_ENV=production.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import time
from datetime import datetime, timedelta
from typing import Any, Callable, Optional
from urllib.parse import urlencode

from aiohttp import web

from records import audit as audit_log
from records import callbacks as cb
from records.callbacks import CallbackError, CallbackStore
from records.notify import Outbox
from records.questions import OUTCOME_LABELS, SHORT, SLOTS, value_label
from records.store import RecordStore, clinic_tz
from screening import callback as promise
from screening import clinic
from webapp import auth, core

logger = logging.getLogger(__name__)

PART = "staff"
ROLE = "staff"
SYNC_SECONDS_ENV = "MILD_CALLBACK_SYNC_SECONDS"

require_staff = auth.require_role(ROLE, part=PART)


def clock_from_env(production: bool) -> Callable[[], float]:
    raw = (os.environ.get("MILD_TEST_CLOCK") or "").strip()
    if not raw or production:
        return time.time
    try:
        fixed = float(raw)
    except ValueError:
        fixed = datetime.fromisoformat(raw).timestamp()
    logger.warning("MILD_TEST_CLOCK is set: the worklist's clock is fixed (tests only)")
    return lambda: fixed


def _local(ts: Any, fmt: str = "%a %b %-d, %H:%M") -> str:
    if ts in (None, ""):
        return ""
    try:
        moment = (
            datetime.fromtimestamp(ts, clinic_tz())
            if isinstance(ts, (int, float))
            else datetime.fromisoformat(str(ts)).astimezone(clinic_tz())
        )
    except (ValueError, OSError):
        return str(ts)
    return moment.strftime(fmt)


def _booked(text: Optional[str]) -> str:
    if not text:
        return ""
    try:
        return datetime.fromisoformat(text).strftime("%a %b %-d %Y, %H:%M")
    except ValueError:
        return text


class CallbackViews:
    def __init__(self, config: Any):
        self.production = bool(getattr(config, "production", False))
        self.clock = clock_from_env(self.production)
        self.records = RecordStore(config.records_db_url())
        self.store = CallbackStore(self.records.engine, clock=self.clock)
        self.outbox = Outbox(self.records.engine, clock=self.clock)
        self.audit = audit_log.AuditLog(self.records.engine, clock=self.clock)
        self.env = core.templates(strict=False, trim=True).overlay()
        self.env.filters.update(local=_local, waiting=cb.waiting_text, booked=_booked)
        self.env.globals.update(
            STATUSES=cb.STATUSES,
            STATUS_LABELS=cb.STATUS_LABELS,
            OFFICES=clinic.OFFICE_NAMES,
            OUTCOME_LABELS=OUTCOME_LABELS,
            MAX_ATTEMPTS=cb.MAX_ATTEMPTS,
            promise_text=promise.promise_text,
        )
        self._sync_lock = asyncio.Lock()

    # -- background ------------------------------------------------------------------------------
    def sync_now(self) -> list:
        self.outbox.ensure_table()
        return self.store.sync(self.records.records(), self.outbox.enqueue)

    async def sync(self) -> None:
        async with self._sync_lock:
            await asyncio.to_thread(self.sync_now)

    async def worker(self, app: web.Application) -> None:
        interval = float(os.environ.get(SYNC_SECONDS_ENV, "10") or 10)
        while True:
            try:
                await self.sync()
                await asyncio.to_thread(self.outbox.send_due)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a database hiccup must not end the worker
                logger.warning("call-back sync failed (%s); retrying", type(exc).__name__)
            await asyncio.sleep(interval)

    # -- helpers ---------------------------------------------------------------------------------
    def render(self, request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
        context.update(user=request["user"], csrf=auth.csrf_token(request, PART), v=request.app.get("staff_v", ""))
        html = self.env.get_template(template).render(**context)
        return web.Response(text=html, status=status, content_type="text/html")

    async def write_audit(self, request: web.Request, action: str, screening_ids=(None,), detail=None) -> None:
        user = request["user"]
        await asyncio.to_thread(self.audit.write, user.name, user.role, action, list(screening_ids), detail)

    def bad_request(self, request: web.Request, message: str) -> web.Response:
        return self.render(request, "staff/callback_error.html", status=400, message=message)

    # -- pages -----------------------------------------------------------------------------------
    async def worklist(self, request: web.Request) -> web.Response:
        office = request.query.get("office", "")
        status = request.query.get("status", "open")
        if office and office not in clinic.OFFICE_NAMES:
            return self.bad_request(request, f"Unknown office; choose one of: {', '.join(clinic.OFFICE_NAMES)}.")
        if status not in ("open", "all") + cb.STATUSES:
            return self.bad_request(
                request, "Unknown status; choose one of: open, all, " + ", ".join(cb.STATUSES) + "."
            )
        await self.sync()
        data = await asyncio.to_thread(self.store.worklist, office or None, status)
        await self.write_audit(request, "view_worklist", detail=f"office={office or 'all'} status={status}")
        links = {
            s: "/staff/callbacks?" + urlencode({k: v for k, v in (("office", office), ("status", s)) if v})
            for s in ("open", "all") + cb.STATUSES
        }
        return self.render(
            request,
            "staff/callbacks.html",
            rows=data["rows"],
            counts=data["counts"],
            office=office,
            shown=status,
            links=links,
            now=self.clock(),
        )

    async def _request(self, screening_id: str):
        """The call-back request, synced first if it is newer than the worker's last pass (a link
        opened at once)."""
        row = await asyncio.to_thread(self.store.get, screening_id)
        if row is None:
            await self.sync()
            row = await asyncio.to_thread(self.store.get, screening_id)
        return row

    async def _request_and_record(self, screening_id: str):
        row = await self._request(screening_id)
        if row is None:
            return None, None
        record = await asyncio.to_thread(self.records.get, screening_id)
        return row, record

    async def detail(
        self, request: web.Request, error: Optional[str] = None, status: int = 200, form: Optional[dict] = None
    ) -> web.Response:
        screening_id = request.match_info["screening_id"]
        row, record = await self._request_and_record(screening_id)
        if row is None:
            return self.render(
                request,
                "staff/callback_error.html",
                status=404,
                message="No such call-back request (it may have been removed by retention).",
            )
        appointment = (record or {}).get("appointment") or {}
        office = clinic.find_office(row["office"] or "")
        await self.write_audit(request, "view_callback", [screening_id])
        suggested = self._suggested_time()
        return self.render(
            request,
            "staff/callback.html",
            status=status,
            r=row,
            rec=record or {},
            appt=appointment,
            office=office,
            error=error,
            form=form or {},
            saved=request.query.get("saved", ""),
            suggested=suggested,
            duplicates=row["duplicate_of"],
        )

    def _suggested_time(self) -> str:
        """The placeholder of the booking field: the next business day at 10:00."""
        day = datetime.fromtimestamp(self.clock(), clinic_tz()).date() + timedelta(days=1)
        while day.weekday() >= 5:
            day += timedelta(days=1)
        return f"{day.month}/{day.day} 10:00"

    async def change(self, request: web.Request) -> web.Response:
        screening_id = request.match_info["screening_id"]
        form = await request.post()
        auth.check_csrf(request, form, PART)
        action = str(form.get("action", ""))
        user = request["user"]
        await self._request(screening_id)  # a missing one is refused by the change below (404)
        try:
            await asyncio.to_thread(
                functools.partial(
                    self.store.change,
                    screening_id,
                    action,
                    user.label,
                    note=form.get("note"),
                    when=form.get("when"),
                    office=form.get("office"),
                )
            )
        except KeyError:
            return self.render(request, "staff/callback_error.html", status=404, message="No such call-back request.")
        except CallbackError as exc:
            logger.info("call-back change refused (%s)", action if action in cb.ACTIONS else "unknown action")
            return await self.detail(
                request,
                error=str(exc),
                status=400,
                form={k: str(form.get(k, "")) for k in ("note", "when", "office", "action")},
            )
        await self.write_audit(request, f"callback_{action}", [screening_id])
        logger.info("call-back %s recorded", action)
        raise web.HTTPSeeOther(f"/staff/callbacks/{screening_id}?saved={action}")

    async def record(self, request: web.Request) -> web.Response:
        screening_id = request.match_info["screening_id"]
        row, record = await self._request_and_record(screening_id)
        if row is None or record is None:
            return self.render(request, "staff/callback_error.html", status=404, message="No such screening record.")
        await self.write_audit(request, "view_record", [screening_id], detail="staff")
        answers = [
            (SHORT.get(s, s), value_label(s, record["answers"][s]["value"]), record["answers"][s].get("words"))
            for s in SLOTS
            if s in record.get("answers", {})
        ]
        return self.render(request, "staff/callback_record.html", r=row, rec=record, answers=answers)


KEY = web.AppKey("staff_callbacks", CallbackViews)


async def _worker_ctx(app: web.Application):
    views = app[KEY]
    task = asyncio.create_task(views.worker(app))
    yield
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass
    views.records.engine.dispose()


def setup(app: web.Application, config: Any) -> None:
    """Mount the worklist (called from webapp.staff.routes.setup, after the staff sign-in)."""
    views = CallbackViews(config)
    app[KEY] = views
    app.cleanup_ctx.append(_worker_ctx)
    app.router.add_get("/staff/callbacks", require_staff(views.worklist))
    app.router.add_get("/staff/callbacks/{screening_id}", require_staff(views.detail))
    app.router.add_post("/staff/callbacks/{screening_id}", require_staff(views.change))
    app.router.add_get("/staff/callbacks/{screening_id}/record", require_staff(views.record))
