"""The clinicians' review pages at ``/review`` (clinician sign-in; staff accounts are refused).

    /review                      list of screenings (unreviewed emergencies and urgent reviews first,
                                 then newest first), with filters and search
    /review/s/{id}               one screening: outcome, answers with the person's words, transcript, reviews
    /review/s/{id}/review        POST: mark reviewed as the signed-in clinician (optional note; stored apart)
    /review/dashboard            screenings per day by outcome, completion rate, drop-off per question
    /review/export/{id}.json     the record as JSON (with its reviews)
    /review/export/{id}.fhir.json  the record as a FHIR R4 QuestionnaireResponse
    /review/export.csv?...       the filtered list as CSV
    /review/questionnaire.fhir.json  the FHIR Questionnaire

Records come from the tracker store's database (``records.store``); every page is rendered by
Jinja2 with autoescaping, and database work runs in a thread so the server stays responsive.
Nothing here logs names, phone numbers or message texts.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from datetime import date, datetime, timedelta
from typing import Any, Callable, Optional
from urllib.parse import urlencode

import jinja2
from aiohttp import web

from records import attention, export, fhir
from records.questions import (
    CHECK_KINDS,
    HOW_LABELS,
    OUTCOME_LABELS,
    OUTCOME_TITLES,
    OUTCOMES,
    QUESTIONS,
    READER_LABELS,
    SHORT,
    SLOTS,
    outcome_label,
    value_label,
)
from records.store import Filters, RecordStore, clinic_tz, has_appointment_request
from webapp import auth, core
from webapp.review import audit, charts, filters

logger = logging.getLogger(__name__)

PART = "review"
ROLE = "clinician"
TEMPLATE_DIR = core.TEMPLATE_DIR
STATIC_DIR = core.STATIC_DIR / "review"
PAGE_SIZE = 50
ACTIVE_MINUTES = 30  # an "abandoned" screening with activity this recent may still be going on
DEFAULT_PERIOD_DAYS = 30
MAX_PERIOD_DAYS = 731

STORE_KEY = web.AppKey("review_store", RecordStore)
ENV_KEY = web.AppKey("review_jinja", jinja2.Environment)

require_clinician = auth.require_role(ROLE, part=PART)


# --- helpers ----------------------------------------------------------------------------------


async def _run(request: web.Request, fn: Callable, *args: Any, **kwargs: Any) -> Any:
    return await asyncio.get_running_loop().run_in_executor(None, functools.partial(fn, *args, **kwargs))


def _store(request: web.Request) -> RecordStore:
    return request.app[STORE_KEY]


def _today() -> date:
    return datetime.now(clinic_tz()).date()


def filters_from_query(query: Any) -> tuple[Filters, dict]:
    """Filters from the list page's query string, and the cleaned values to refill the form
    (``FilterError`` for a bad value)."""
    return filters.list_filters(query)


def bad_filter(request: web.Request, error: filters.FilterError, page: str = "/review") -> web.Response:
    logger.info("review: bad filter value refused")
    return render(request, "review/bad_request.html", status=400, message=str(error), back=page)


def _query_string(form: dict, **changes: Any) -> str:
    values = dict(form)
    values.update(changes)
    pairs = []
    for key, value in values.items():
        if key == "outcome":
            pairs += [("outcome", o) for o in value]
        elif key == "appointment":
            if value:
                pairs.append(("appointment", "1"))
        elif value not in ("", None, False):
            pairs.append((key, str(value)))
    return urlencode(pairs)


def _local(value: Any, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """An ISO time or epoch seconds as clinic local time."""
    if value in (None, ""):
        return ""
    try:
        if isinstance(value, (int, float)):
            moment = datetime.fromtimestamp(value, clinic_tz())
        else:
            moment = datetime.fromisoformat(str(value)).astimezone(clinic_tz())
    except (ValueError, OSError):
        return str(value)
    return moment.strftime(fmt)


def _percent(value: Optional[float]) -> str:
    return "n/a" if value is None else f"{value * 100:.0f}%"


def _maybe_active(record: dict, now: Optional[float] = None) -> bool:
    now = now or time.time()
    return record.get("status") == "abandoned" and (now - (record.get("ended_ts") or 0)) < ACTIVE_MINUTES * 60


def make_env() -> jinja2.Environment:
    env = core.templates(strict=False, trim=True).overlay()
    env.filters["local"] = _local
    env.filters["percent"] = _percent
    env.filters["value_label"] = lambda value, slot: value_label(slot, value)
    env.filters["outcome_label"] = outcome_label
    env.globals.update(
        OUTCOMES=OUTCOMES,
        OUTCOME_LABELS=OUTCOME_LABELS,
        OUTCOME_TITLES=OUTCOME_TITLES,
        SLOTS=SLOTS,
        QUESTIONS=QUESTIONS,
        SHORT=SHORT,
        HOW=HOW_LABELS,
        CHECK_KINDS=CHECK_KINDS,
        READERS=READER_LABELS,
        has_appointment_request=has_appointment_request,
        maybe_active=_maybe_active,
        clinic_tz_name=lambda: str(clinic_tz()),
    )
    env.globals.update(channel_label=attention.channel_label, needs_attention=attention.needs_attention)
    return env


def render(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    user = request.get("user")
    context.setdefault("user", user)
    context.setdefault("csrf", auth.csrf_token(request, PART) if user else "")
    context.setdefault("active", "")
    html = request.app[ENV_KEY].get_template(template).render(**context)
    return web.Response(text=html, status=status, content_type="text/html")


# --- pages ------------------------------------------------------------------------------------


@require_clinician
async def list_page(request: web.Request) -> web.Response:
    try:
        chosen, form = filters_from_query(request.query)
        page = filters.parse_page(request.query)
    except filters.FilterError as exc:
        return bad_filter(request, exc)
    store = _store(request)
    matching = await _run(request, store.list, chosen)
    latest = await _run(request, store.latest_reviews)
    matching = attention.attention_first(matching, latest)  # unreviewed emergencies/urgent first
    total = len(matching)
    rows = matching[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    pages = max(1, -(-total // PAGE_SIZE))
    return render(
        request,
        "review/list.html",
        active="list",
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        form=form,
        latest=latest,
        query=_query_string(form),
        prev_query=_query_string(form, page=page - 1) if page > 1 else None,
        next_query=_query_string(form, page=page + 1) if page < pages else None,
    )


@require_clinician
async def detail_page(request: web.Request) -> web.Response:
    screening_id = request.match_info["screening_id"]
    store = _store(request)
    record = await _run(request, store.get, screening_id)
    if record is None:
        return render(request, "review/not_found.html", status=404, screening_id=screening_id)
    reviews = await _run(request, store.reviews, screening_id)
    answers = []
    for slot in SLOTS:
        answer = record["answers"].get(slot)
        cleared = record.get("cleared_answers", {}).get(slot)
        state = (
            "answered"
            if answer
            else (
                "cleared"
                if cleared
                else (
                    "open"
                    if record.get("abandoned_at") == slot
                    else ("asked" if slot in record.get("asked", []) else "not_asked")
                )
            )
        )
        answers.append({"slot": slot, "answer": answer or cleared, "state": state})
    shown_card = next((e["card"] for e in reversed(record["transcript"]) if e.get("card")), None)
    saved = request.query.get("saved") == "1"
    return render(
        request,
        "review/detail.html",
        active="list",
        r=record,
        answers=answers,
        reviews=reviews,
        shown_card=shown_card,
        saved=saved,
        error=None,
        form_note="",
    )


@require_clinician
async def add_review(request: web.Request) -> web.Response:
    screening_id = request.match_info["screening_id"]
    form = await request.post()
    auth.check_csrf(request, form, PART)
    # The review is signed by the signed-in account; a "reviewer" field in the form is ignored.
    reviewer = request["user"].label
    note = str(form.get("note", ""))
    store = _store(request)
    try:
        await _run(request, store.add_review, screening_id, reviewer, note)
    except KeyError:
        raise web.HTTPNotFound(text="No such screening.") from None
    except ValueError as exc:
        raise web.HTTPBadRequest(text=str(exc)) from None
    logger.info("screening marked reviewed")
    raise web.HTTPSeeOther(f"/review/s/{screening_id}?saved=1#reviews")


@require_clinician
async def dashboard_page(request: web.Request) -> web.Response:
    today = _today()
    try:
        since, until, channel = filters.dashboard_period(request.query, today, DEFAULT_PERIOD_DAYS, MAX_PERIOD_DAYS)
    except filters.FilterError as exc:
        return bad_filter(request, exc, "/review/dashboard")
    stats = await _run(request, _store(request).stats, since, until, channel)
    quick = [
        (label, (today - timedelta(days=n - 1)).isoformat(), today.isoformat())
        for label, n in (("7 days", 7), ("30 days", 30), ("90 days", 90), ("1 year", 365))
    ]
    return render(
        request,
        "review/dashboard.html",
        active="dashboard",
        stats=stats,
        per_day=charts.stacked_days(stats),
        drop=charts.drop_off(stats),
        since=since.isoformat(),
        until=until.isoformat(),
        channel=channel or "",
        quick=quick,
    )


@require_clinician
async def export_json(request: web.Request) -> web.Response:
    screening_id = request.match_info["screening_id"]
    store = _store(request)
    record = await _run(request, store.get, screening_id)
    if record is None:
        raise web.HTTPNotFound(text="No such screening.")
    reviews = await _run(request, store.reviews, screening_id)
    record = await _run(request, audit.attach_callback, store.engine, record)  # the call-back's history
    return _download(
        export.dumps(export.record_json(record, reviews)), f"screening-{screening_id}.json", "application/json"
    )


@require_clinician
async def export_fhir(request: web.Request) -> web.Response:
    screening_id = request.match_info["screening_id"]
    record = await _run(request, _store(request).get, screening_id)
    if record is None:
        raise web.HTTPNotFound(text="No such screening.")
    data = await _run(request, export.to_fhir, [record], True)
    return _download(export.dumps(data), f"screening-{screening_id}.fhir.json", "application/fhir+json")


@require_clinician
async def export_csv(request: web.Request) -> web.Response:
    try:
        chosen, _form = filters_from_query(request.query)
    except filters.FilterError as exc:
        raise web.HTTPBadRequest(text=str(exc)) from None
    store = _store(request)
    records = await _run(request, store.list, chosen)
    request[audit.IDS_KEY] = [r["screening_id"] for r in records]  # one audit entry each
    latest = await _run(request, store.latest_reviews)
    return _download(export.to_csv(records, latest), f"screenings-{_today().isoformat()}.csv", "text/csv")


@require_clinician
async def questionnaire_json(request: web.Request) -> web.Response:
    data = fhir.to_json_dict(fhir.questionnaire())
    return _download(export.dumps(data), "mild-screening-questionnaire.fhir.json", "application/fhir+json")


def _download(text: str, filename: str, content_type: str) -> web.Response:
    response = web.Response(text=text, content_type=content_type, charset="utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


async def _close_store(app: web.Application) -> None:
    app[STORE_KEY].engine.dispose()


def setup(app: web.Application, config: Any) -> None:
    """Mount the review pages (called by webapp.app.create_app)."""
    if not auth.setup_login(
        app, config, part=PART, role=ROLE, title="Clinician review", stylesheet="/review/static/review.css"
    ):
        return  # production without clinician accounts or secret: /review answers 503
    app[STORE_KEY] = RecordStore(config.records_db_url())
    app[ENV_KEY] = make_env()
    core.add_headers(app, "/review", core.security_headers(), static_prefix="/review/static/")
    app.on_cleanup.append(_close_store)  # type: ignore[arg-type]  # aiohttp's Signal typing
    app.router.add_get("/review", list_page)
    app.router.add_get("/review/", list_page)
    app.router.add_get("/review/s/{screening_id}", detail_page)
    app.router.add_post("/review/s/{screening_id}/review", add_review)
    app.router.add_get("/review/dashboard", dashboard_page)
    app.router.add_get("/review/export.csv", export_csv)
    app.router.add_get("/review/questionnaire.fhir.json", questionnaire_json)
    app.router.add_get(r"/review/export/{screening_id:[^/]+?}.fhir.json", export_fhir)
    app.router.add_get(r"/review/export/{screening_id:[^/]+?}.json", export_json)
    audit.setup(app, app[STORE_KEY].engine)  # the access audit and /review/audit
    app.router.add_static("/review/static/", STATIC_DIR)
