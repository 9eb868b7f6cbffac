"""The sign-in routes of a part (``/{part}/login``, ``/{part}/logout``) and the helpers route handlers use.

``setup_login(app, config, part, role)`` mounts the routes; ``@require_role(role, part=...)`` guards a
handler (the user is then in ``request["user"]``); ``csrf_token(request, part)`` goes in forms and
``check_csrf(request, form, part)`` checks a POST. Database work runs in threads and password hashing
in Auth's own small thread pool, so the event loop keeps answering while sign-ins are checked.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import math
import secrets
from typing import Any, Awaitable, Callable, Mapping, Optional
from urllib.parse import quote

import sqlalchemy as sa
from aiohttp import web

from webapp import core
from webapp.auth.core import AUTH_KEY, Auth
from webapp.auth.lockout import client_address
from webapp.auth.passwords import ROLES
from webapp.auth.sessions import SessionUser, csrf_matches, same_origin

logger = logging.getLogger(__name__)

PARTS_BY_ROLE = {"staff": "staff", "clinician": "review"}
DEVICE_DAYS = 180

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def cookie_name(part: str) -> str:
    return f"mild_{part}_session"


def device_cookie_name(part: str) -> str:
    return f"mild_{part}_device"


def _auth(request: web.Request) -> Optional[Auth]:
    return request.app.get(AUTH_KEY)


def _unavailable(exc: Exception) -> web.HTTPServiceUnavailable:
    logger.warning("sign-in unavailable: the session database cannot be reached (%s)", type(exc).__name__)
    return web.HTTPServiceUnavailable(
        text="Sign-in is unavailable right now (the database cannot be reached). Try again in a minute."
    )


async def load_user(request: web.Request, part: str) -> Optional[SessionUser]:
    """The signed-in user of `part` (looked up once per request, in a thread)."""
    key = f"mild_user_{part}"
    if key in request:
        return request[key]
    auth = _auth(request)
    token = request.cookies.get(cookie_name(part))
    user = None
    if auth is not None and token:
        try:
            user = await asyncio.to_thread(auth.user_from_token, token, part)
        except sa.exc.SQLAlchemyError as exc:
            raise _unavailable(exc) from None
    request[key] = user
    return user


def current_user(request: web.Request, part: str) -> Optional[SessionUser]:
    """As ``load_user``, for synchronous code: after ``require_role`` it costs no database call."""
    key = f"mild_user_{part}"
    if key in request:
        return request[key]
    auth = _auth(request)
    if auth is None:
        return None
    user = auth.user_from_token(request.cookies.get(cookie_name(part)), part)
    request[key] = user
    return user


def csrf_token(request: web.Request, part: str) -> str:
    user = current_user(request, part)
    auth = _auth(request)
    return auth.csrf_for(user.token) if (user and auth) else ""


def check_csrf(request: web.Request, form: Mapping[str, Any], part: str) -> None:
    """Raise 403 unless the POST comes from our own page with the session's CSRF token."""
    if not csrf_matches(csrf_token(request, part), form.get("csrf_token")) or not same_origin(request):
        raise web.HTTPForbidden(text="The form has expired. Reload the page and try again.")


def _safe_next(target: Optional[str], home: str) -> str:
    """Only redirect back inside this part (no open redirects)."""
    if target and target.startswith(home) and not target.startswith("//") and "\\" not in target:
        return target
    return home


def require_role(role: str, part: Optional[str] = None, redirect: bool = True) -> Callable[[Handler], Handler]:
    """Route decorator: sign-in with an account of `role` on this part, else login redirect / 403.

    With ``redirect=False`` (JSON APIs called by the page's script) a missing sign-in is a 401, never
    a redirect. The signed-in user is in ``request["user"]`` (a SessionUser)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    part = part or PARTS_BY_ROLE[role]

    def decorator(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def wrapper(request: web.Request) -> web.StreamResponse:
            auth = _auth(request)
            if auth is None or auth.signer is None:
                raise web.HTTPServiceUnavailable(text="Sign-in is not configured.")
            user = await load_user(request, part)
            if user is None:
                if request.method == "GET" and redirect:
                    raise web.HTTPFound(f"/{part}/login?next={quote(request.path_qs, safe='')}")
                raise web.HTTPUnauthorized(text="Please sign in.")
            if user.role != role:
                raise web.HTTPForbidden(text="This account may not use these pages.")
            request["user"] = user
            return await handler(request)

        return wrapper

    return decorator


# --- the client, for the sign-in limits ------------------------------------------------------------


def _user_key(part: str, username: str) -> str:
    return f"{part}|{username.strip().lower()}"


def _client(request: web.Request, auth: Auth, part: str, user_key: str) -> tuple[str, bool]:
    """(client key, trusted device?): this user's device cookie if the browser has one, else its address."""
    data = auth.signer.loads(request.cookies.get(device_cookie_name(part))) if auth.signer else None
    if (
        data
        and data.get("p") == f"{part}|device"
        and data.get("u") == user_key
        and float(data.get("exp", 0)) > auth.clock()
        and isinstance(data.get("d"), str)
    ):
        return "device:" + data["d"], True
    address = client_address(request.remote, request.headers.getall("X-Forwarded-For", []), auth.trusted_proxies)
    return "ip:" + address, False


def _device_cookie(auth: Auth, part: str, user_key: str) -> str:
    return auth.require_signer().dumps(
        {
            "d": secrets.token_urlsafe(12),
            "u": user_key,
            "p": f"{part}|device",
            "exp": int(auth.clock() + DEVICE_DAYS * 86400),
        }
    )


# --- the routes -----------------------------------------------------------------------------------


def setup_login(
    app: web.Application,
    config: Any,
    part: str,
    role: str,
    title: str = "",
    stylesheet: Optional[str] = None,
) -> bool:
    """Add ``/{part}/login`` (GET form, POST sign-in) and ``/{part}/logout`` (POST) to the app.

    Returns False (and mounts a 503 answer at ``/{part}`` instead) when the part must not start:
    in production without an account of `role` or without WEB_SECRET_KEY."""
    from webapp.auth import get_auth

    auth = get_auth(app, config)
    home = f"/{part}"
    title = title or ("Clinician review" if role == "clinician" else "Staff console")
    role_label = "clinician" if role == "clinician" else "staff"
    problem = None
    if not auth.accounts.has_role(role):
        problem = f"no {role} accounts are configured (MILD_ACCOUNTS_FILE or MILD_{role.upper()}_USERS)"
    if auth.signer is None:
        problem = "WEB_SECRET_KEY is not set"
    if problem and auth.production:
        logger.error("the %s pages refuse to start: %s", part, problem)

        async def unavailable(_request: web.Request) -> web.Response:
            return web.Response(status=503, text=f"The {part} pages are not configured on this server.")

        app.router.add_route("*", home, unavailable)
        app.router.add_route("*", home + "/{tail:.*}", unavailable)
        return False
    if problem:
        logger.warning("%s: %s", part, problem)

    template = core.templates(strict=False).get_template("auth/login.html")
    cookie = cookie_name(part)
    secure = auth.production

    def page(request: web.Request, status: int = 200, **context: Any) -> web.Response:
        values = {
            "title": title,
            "role_label": role_label,
            "stylesheet": stylesheet,
            "action": f"{home}/login",
            "next": _safe_next(request.query.get("next"), home),
            "username": "",
            "error": None,
            "signed_out": False,
        }
        values.update(context)
        response = web.Response(status=status, text=template.render(**values), content_type="text/html")
        response.headers["Cache-Control"] = "no-store"
        return response

    async def login_form(request: web.Request) -> web.Response:
        user = await load_user(request, part)
        if user and user.role == role:
            raise web.HTTPFound(_safe_next(request.query.get("next"), home))
        return page(request, signed_out="signed_out" in request.query)

    async def login_submit(request: web.Request) -> web.Response:
        form = await request.post()
        username = str(form.get("username", "")).strip()[:200]
        password = str(form.get("password", ""))[:1024]
        target = _safe_next(str(form.get("next", "")), home)
        if not same_origin(request):
            return page(request, 403, error="Please sign in from this site's page.", username=username)
        if auth.signer is None:
            return page(request, 503, error="Sign-in is not configured on this server.", username=username)
        user_key = _user_key(part, username)
        client, trusted = _client(request, auth, part, user_key)
        now = auth.clock()
        wait = auth.lockout.attempt(client, user_key, trusted, now)
        if wait > 0:
            logger.info(
                "%s sign-in refused: too many failed attempts (%s)",
                part,
                "this browser" if trusted else "back-off or this address",
            )
            response = page(
                request,
                429,
                username=username,
                next=target,
                error="Too many failed attempts. Wait a few minutes and try again.",
            )
            response.headers["Retry-After"] = str(max(1, math.ceil(wait)))
            return response
        account = await auth.authenticate(username, password)
        if account is None:
            logger.info("%s sign-in refused: wrong user name or password", part)
            return page(request, 401, error="Wrong user name or password.", username=username, next=target)
        if account.role != role:
            logger.info("%s sign-in refused: account has role %s", part, account.role)
            return page(
                request,
                403,
                error=f"This account cannot use the {title.lower()} pages. Use a {role_label} account.",
                username=username,
                next=target,
            )
        auth.lockout.succeeded(client, user_key, trusted, now)
        old = request.cookies.get(cookie)
        try:
            if old:
                await asyncio.to_thread(auth.revoke, old, part)  # no session fixation, no stray sessions
            token = await asyncio.to_thread(auth.issue, account, part)
        except sa.exc.SQLAlchemyError as exc:
            raise _unavailable(exc) from None
        response = web.HTTPFound(target)
        response.set_cookie(
            cookie, token, max_age=int(auth.session_lifetime), path="/", httponly=True, samesite="Strict", secure=secure
        )
        if not trusted:
            response.set_cookie(
                device_cookie_name(part),
                _device_cookie(auth, part, user_key),
                max_age=DEVICE_DAYS * 86400,
                path=f"{home}/login",
                httponly=True,
                samesite="Strict",
                secure=secure,
            )
        raise response

    async def logout(request: web.Request) -> web.Response:
        form = await request.post()
        user = await load_user(request, part)
        if user is not None:
            if not same_origin(request) or not csrf_matches(auth.csrf_for(user.token), form.get("csrf_token")):
                raise web.HTTPForbidden(text="The sign-out form has expired. Reload the page and sign out again.")
            try:
                await asyncio.to_thread(auth.revoke, user.token, part)
            except sa.exc.SQLAlchemyError as exc:
                raise _unavailable(exc) from None
            logger.info("%s sign-out", part)
        response = web.HTTPFound(f"{home}/login?signed_out=1")
        response.del_cookie(cookie, path="/")
        raise response

    app.router.add_get(f"{home}/login", login_form)
    app.router.add_post(f"{home}/login", login_submit)
    app.router.add_post(f"{home}/logout", logout)
    return True
