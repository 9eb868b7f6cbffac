"""The access audit on the review side: who opened or exported which screening, and the admin page.

    middleware          after a successful /review/s/{id}, /review/export/{id}.json|.fhir.json or
                        /review/export.csv, one entry per screening (records.audit)
    /review/audit       clinicians with the admin role (accounts file ``"admin": true`` or
                        MILD_AUDIT_ADMINS): the log newest first, filters by user, screening, action, days
    /review/audit.csv   the same, filtered, as CSV (itself audited)

Another clinician gets 403. Nothing here logs names, phone numbers or message texts.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date
from typing import Any

from aiohttp import web

from records import audit as audit_log
from records.callbacks import CallbackStore
from webapp import auth
from webapp.auth.core import AUTH_KEY

logger = logging.getLogger(__name__)

PART = "review"
KEY = web.AppKey("review_audit", audit_log.AuditLog)
PAGE_SIZE = 200
MAX_FILTER = 200

# route (canonical path) -> audit action; the screening id comes from the route
AUDITED = {
    "/review/s/{screening_id}": "view_record",
    "/review/export/{screening_id}.json": "export_json",
    "/review/export/{screening_id}.fhir.json": "export_fhir",
}
IDS_KEY = "audit_screening_ids"  # a handler exporting several screenings lists them here


def _action(request: web.Request) -> str | None:
    if request.method != "GET":
        return None
    if request.path == "/review/export.csv":
        return "export_csv"
    route = request.match_info.route
    resource = getattr(route, "resource", None)
    canonical = getattr(resource, "canonical", "") if resource is not None else ""
    canonical = canonical.replace("{screening_id:[^/]+?}", "{screening_id}")
    return AUDITED.get(canonical)


@web.middleware
async def audit_middleware(request: web.Request, handler):
    response = await handler(request)
    action = _action(request)
    user = request.get("user")
    if action and user is not None and response.status < 400:
        if action == "export_csv":
            ids = list(request.get(IDS_KEY) or [])
        else:
            ids = [request.match_info.get("screening_id")]
        if ids:
            await asyncio.to_thread(request.app[KEY].write, user.name, user.role, action, ids)
    return response


def is_admin(request: web.Request) -> bool:
    user = request.get("user")
    account = request.app[AUTH_KEY].accounts.get(user.name) if user is not None else None
    return bool(account and account.role == "clinician" and account.admin)


def _filters(query: Any) -> tuple[audit_log.AuditFilters, dict]:
    form = {k: str(query.get(k, "")).strip() for k in ("user", "screening", "action", "since", "until")}
    for key, value in form.items():
        if len(value) > MAX_FILTER:
            raise ValueError(f"'{key}' is too long.")
    if form["action"] and form["action"] not in audit_log.ACTIONS:
        raise ValueError("Unknown action; one of: " + ", ".join(audit_log.ACTIONS) + ".")
    days = {}
    for key in ("since", "until"):
        try:
            days[key] = date.fromisoformat(form[key]) if form[key] else None
        except ValueError:
            raise ValueError(f"'{key}' must be a day as YYYY-MM-DD.") from None
    since, until = audit_log.day_bounds(days["since"], days["until"])
    return audit_log.AuditFilters(
        user=form["user"] or None,
        screening_id=form["screening"] or None,
        action=form["action"] or None,
        since=since,
        until=until,
    ), form


def _refuse(request: web.Request) -> web.Response:
    from webapp.review.routes import render

    logger.info("audit page refused to a clinician without the admin role")
    return render(request, "review/audit_forbidden.html", status=403)


@auth.require_role("clinician", part=PART)
async def audit_page(request: web.Request) -> web.Response:
    from webapp.review.routes import render

    if not is_admin(request):
        return _refuse(request)
    try:
        filters, form = _filters(request.query)
    except ValueError as exc:
        return render(request, "review/bad_request.html", status=400, message=str(exc), back="/review/audit")
    log = request.app[KEY]
    entries = await asyncio.to_thread(log.entries, filters, PAGE_SIZE)
    users = await asyncio.to_thread(log.users)
    user = request["user"]
    await asyncio.to_thread(log.write, user.name, user.role, "view_audit", [None])
    query = "&".join(f"{k}={v}" for k, v in form.items() if v)
    return render(
        request,
        "review/audit.html",
        active="audit",
        entries=entries,
        users=users,
        form=form,
        actions=audit_log.ACTIONS,
        query=query,
        page_size=PAGE_SIZE,
        retention_days=audit_log.retention_days(),
    )


@auth.require_role("clinician", part=PART)
async def audit_csv(request: web.Request) -> web.Response:
    if not is_admin(request):
        return _refuse(request)
    try:
        filters, _form = _filters(request.query)
    except ValueError as exc:
        raise web.HTTPBadRequest(text=str(exc)) from None
    log = request.app[KEY]
    entries = await asyncio.to_thread(log.entries, filters, None)
    user = request["user"]
    await asyncio.to_thread(log.write, user.name, user.role, "export_audit", [None], f"{len(entries)} entries")
    response = web.Response(text=audit_log.to_csv(entries), content_type="text/csv", charset="utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="access-audit-{date.today().isoformat()}.csv"'
    return response


def attach_callback(engine, record: dict) -> dict:
    """The record with its call-back (status and history), as the JSON export carries it."""
    return CallbackStore(engine).attach([record])[0]


def setup(app: web.Application, engine) -> None:
    """Called from webapp.review.routes.setup with the records' engine."""
    app[KEY] = audit_log.AuditLog(engine)
    app.middlewares.append(audit_middleware)
    app.router.add_get("/review/audit", audit_page)
    app.router.add_get("/review/audit.csv", audit_csv)
