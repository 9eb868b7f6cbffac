"""Sign-in for the staff console and the review pages (one module, two separate roles).

Accounts
    From the JSON or YAML file named by ``MILD_ACCOUNTS_FILE``::

        {"accounts": [{"name": "drlee", "role": "clinician", "password_hash": "pbkdf2_sha256$...",
                       "display_name": "Dr. Lee"}]}

    and/or from ``MILD_STAFF_USERS`` / ``MILD_CLINICIAN_USERS`` as ``name:hash,name:hash``.
    Hashes are PBKDF2-HMAC-SHA256 (``pbkdf2_sha256$iterations$salt$hash``); make one with
    ``python -m webapp.auth hash`` (add ``--name NAME`` for the ``name:hash`` form).

    In development without any configured account, demo accounts ``demo-staff`` and
    ``demo-clinician`` are created: their passwords are printed once at startup and kept in
    ``var/dev-accounts.txt``. In production (``MILD_ENV=production``) a part without accounts for its
    role, or without ``WEB_SECRET_KEY``, refuses to start: its pages answer 503.

Sessions
    A signed cookie per part (``mild_review_session``, ``mild_staff_session``): HMAC-SHA256 with
    ``WEB_SECRET_KEY`` over the account, its role, the part and an expiry; HttpOnly, SameSite=Strict,
    Secure in production. A staff session never opens a clinician page and vice versa.

For routes
    ``setup_login(app, config, part="review", role="clinician")`` adds ``/review/login`` and
    ``/review/logout``; decorate handlers with ``@require_role("clinician", part="review")``; read
    the user with ``current_user(request, "review")``; put ``csrf_token(request, "review")`` in forms
    and call ``check_csrf(request, form, "review")`` on POST.
"""
from __future__ import annotations

import argparse
import base64
import functools
import getpass
import hashlib
import hmac
import json
import logging
import os
import secrets
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable, Mapping, Optional
from urllib.parse import quote, urlparse

from aiohttp import web

logger = logging.getLogger(__name__)

ROLES = ("staff", "clinician")
PARTS_BY_ROLE = {"staff": "staff", "clinician": "review"}
ALGORITHM = "pbkdf2_sha256"
DEFAULT_ITERATIONS = 390_000
SESSION_SECONDS = int(os.environ.get("MILD_SESSION_HOURS", "8")) * 3600
REPO_ROOT = Path(__file__).resolve().parents[1]
DEV_ACCOUNTS_FILE = REPO_ROOT / "var" / "dev-accounts.txt"
MAX_FAILURES = 5
FAILURE_WINDOW = 600.0

AUTH_KEY = web.AppKey("mild_auth", object) if hasattr(web, "AppKey") else "mild_auth"


# --- passwords ------------------------------------------------------------------------------------

def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str, iterations: int = DEFAULT_ITERATIONS, salt: Optional[bytes] = None) -> str:
    if not password:
        raise ValueError("empty password")
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return f"{ALGORITHM}${iterations}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, encoded: str) -> bool:
    try:
        algorithm, iterations, salt, expected = encoded.split("$")
        if algorithm != ALGORITHM:
            return False
        digest = hashlib.pbkdf2_hmac("sha256", (password or "").encode("utf-8"), base64.b64decode(salt),
                                     int(iterations))
        return hmac.compare_digest(digest, base64.b64decode(expected))
    except (ValueError, TypeError, AttributeError):
        return False


@functools.lru_cache(maxsize=None)
def _dummy_hash(iterations: int = DEFAULT_ITERATIONS) -> str:
    """A hash to check against when the name is unknown, so both cases take about the same time."""
    return hash_password(secrets.token_hex(8), iterations=iterations)


# --- accounts -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Account:
    name: str
    role: str
    password_hash: str
    display_name: str = ""

    @property
    def label(self) -> str:
        return self.display_name or self.name


class AccountError(ValueError):
    pass


class Accounts:
    def __init__(self, accounts: Mapping[str, Account] | None = None, demo: bool = False):
        self._accounts = dict(accounts or {})
        self.demo = demo

    def __len__(self) -> int:
        return len(self._accounts)

    def has_role(self, role: str) -> bool:
        return any(a.role == role for a in self._accounts.values())

    def get(self, name: str) -> Optional[Account]:
        return self._accounts.get(name)

    def authenticate(self, name: str, password: str) -> Optional[Account]:
        account = self._accounts.get((name or "").strip())
        ok = verify_password(password or "", account.password_hash if account else _dummy_hash())
        return account if (account and ok) else None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Accounts":
        env = os.environ if env is None else env
        accounts: dict[str, Account] = {}

        def add(account: Account) -> None:
            if account.role not in ROLES:
                raise AccountError(f"account {account.name!r}: role must be one of {ROLES}")
            if not account.name or ":" in account.name or "," in account.name:
                raise AccountError(f"bad account name {account.name!r}")
            if not account.password_hash.startswith(ALGORITHM + "$"):
                raise AccountError(f"account {account.name!r}: password_hash must be a {ALGORITHM} hash "
                                   "(python -m webapp.auth hash)")
            if account.name in accounts and accounts[account.name].role != account.role:
                raise AccountError(f"account {account.name!r} is defined with two roles; use two names")
            accounts[account.name] = account

        path = env.get("MILD_ACCOUNTS_FILE")
        if path:
            for entry in _read_accounts_file(Path(path)):
                add(Account(str(entry.get("name", "")).strip(), str(entry.get("role", "")).strip(),
                            str(entry.get("password_hash", "")).strip(), str(entry.get("display_name") or "")))
        for role, var in (("staff", "MILD_STAFF_USERS"), ("clinician", "MILD_CLINICIAN_USERS")):
            for part in (env.get(var) or "").split(","):
                part = part.strip()
                if not part:
                    continue
                name, sep, encoded = part.partition(":")
                if not sep:
                    raise AccountError(f"{var}: expected name:hash, got an entry without ':'")
                add(Account(name.strip(), role, encoded.strip()))
        return cls(accounts)

    @classmethod
    def demo_accounts(cls, path: Optional[Path] = None) -> tuple["Accounts", dict[str, str], bool]:
        """Demo accounts for development: (accounts, {name: password}, reused from file?)."""
        path = path or DEV_ACCOUNTS_FILE
        passwords: dict[str, str] = {}
        reused = False
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                fields = line.split()
                if len(fields) == 3 and fields[0] in ROLES:
                    passwords[fields[1]] = fields[2]
            reused = {"demo-staff", "demo-clinician"} <= set(passwords)
        if not reused:
            passwords = {"demo-staff": secrets.token_urlsafe(12), "demo-clinician": secrets.token_urlsafe(12)}
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(
                "# Development-only demo accounts (MILD_ENV is not production). role name password\n"
                f"staff demo-staff {passwords['demo-staff']}\n"
                f"clinician demo-clinician {passwords['demo-clinician']}\n",
                encoding="utf-8",
            )
            try:
                path.chmod(0o600)
            except OSError:
                pass
        accounts = {
            "demo-staff": Account("demo-staff", "staff", hash_password(passwords["demo-staff"], 50_000),
                                  "Demo staff"),
            "demo-clinician": Account("demo-clinician", "clinician",
                                      hash_password(passwords["demo-clinician"], 50_000), "Demo clinician"),
        }
        return cls(accounts, demo=True), passwords, reused


def _read_accounts_file(path: Path) -> list[dict]:
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() in (".yml", ".yaml"):
        import yaml
        data = yaml.safe_load(text)
    else:
        data = json.loads(text)
    if isinstance(data, Mapping):
        data = data.get("accounts", [])
    if not isinstance(data, list) or not all(isinstance(e, Mapping) for e in data):
        raise AccountError(f"{path}: expected a list of accounts or {{'accounts': [...]}}")
    return [dict(e) for e in data]


# --- sessions -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SessionUser:
    name: str
    role: str
    display_name: str
    part: str
    expires: float
    token: str

    @property
    def label(self) -> str:
        return self.display_name or self.name


class SessionSigner:
    def __init__(self, secret: str):
        if not secret:
            raise ValueError("a secret key is required")
        self._key = hashlib.sha256(("mild-session|" + secret).encode("utf-8")).digest()

    def sign(self, payload: bytes) -> str:
        return base64.urlsafe_b64encode(hmac.new(self._key, payload, hashlib.sha256).digest()).decode().rstrip("=")

    def dumps(self, data: Mapping[str, Any]) -> str:
        payload = base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode().rstrip("=")
        return f"{payload}.{self.sign(payload.encode())}"

    def loads(self, token: Optional[str]) -> Optional[dict]:
        if not token or token.count(".") != 1:
            return None
        payload, signature = token.split(".")
        if not hmac.compare_digest(signature, self.sign(payload.encode())):
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        except ValueError:
            return None
        return data if isinstance(data, dict) else None


class Auth:
    """The accounts and session signing shared by every part of one app."""

    def __init__(self, accounts: Accounts, secret: str, production: bool):
        self.accounts = accounts
        self.signer = SessionSigner(secret) if secret else None
        self.production = production
        self._failures: dict[str, list[float]] = {}

    # rate limiting of failed sign-ins, per client address and user name
    def blocked(self, key: str, now: Optional[float] = None) -> bool:
        now = now or time.time()
        recent = [t for t in self._failures.get(key, []) if now - t < FAILURE_WINDOW]
        self._failures[key] = recent
        return len(recent) >= MAX_FAILURES

    def failed(self, key: str) -> None:
        self._failures.setdefault(key, []).append(time.time())

    def succeeded(self, key: str) -> None:
        self._failures.pop(key, None)

    def issue(self, account: Account, part: str, now: Optional[float] = None) -> str:
        now = now or time.time()
        return self.signer.dumps({"u": account.name, "r": account.role, "p": part, "exp": int(now + SESSION_SECONDS),
                                  "n": secrets.token_hex(8)})

    def user_from_token(self, token: Optional[str], part: str) -> Optional[SessionUser]:
        if self.signer is None:
            return None
        data = self.signer.loads(token)
        if not data or data.get("p") != part or float(data.get("exp", 0)) < time.time():
            return None
        account = self.accounts.get(str(data.get("u")))
        if account is None or account.role != data.get("r"):
            return None  # the account was removed or changed role since
        return SessionUser(account.name, account.role, account.display_name, part, float(data["exp"]), token)

    def csrf_for(self, token: str) -> str:
        return self.signer.sign(b"csrf|" + token.encode())[:32]


def get_auth(app: web.Application, config: Any) -> Auth:
    """The app's Auth, created on first use (so demo accounts are made and printed only once)."""
    if AUTH_KEY in app:
        return app[AUTH_KEY]
    production = bool(getattr(config, "production", False))
    accounts = Accounts.from_env()
    if len(accounts) == 0 and not production:
        accounts, passwords, reused = Accounts.demo_accounts(DEV_ACCOUNTS_FILE)
        where = DEV_ACCOUNTS_FILE.relative_to(REPO_ROOT) if DEV_ACCOUNTS_FILE.is_relative_to(REPO_ROOT) else DEV_ACCOUNTS_FILE
        print("Development sign-in (no accounts configured; never used in production):", flush=True)
        for name, password in passwords.items():
            print(f"  {name}  password: {password}", flush=True)
        print(f"  (kept in {where}{', reused' if reused else ''})", flush=True)
    secret = getattr(config, "secret_key", "") or ""
    if not secret and not production:
        secret = secrets.token_hex(32)
        logger.warning("WEB_SECRET_KEY is not set: using a random key, sessions end when the server restarts")
    auth = Auth(accounts, secret, production)
    app[AUTH_KEY] = auth
    return auth


# --- request helpers ------------------------------------------------------------------------------

def cookie_name(part: str) -> str:
    return f"mild_{part}_session"


def _auth(request: web.Request) -> Optional[Auth]:
    return request.app.get(AUTH_KEY)


def current_user(request: web.Request, part: str) -> Optional[SessionUser]:
    auth = _auth(request)
    if auth is None:
        return None
    return auth.user_from_token(request.cookies.get(cookie_name(part)), part)


def csrf_token(request: web.Request, part: str) -> str:
    user = current_user(request, part)
    auth = _auth(request)
    return auth.csrf_for(user.token) if (user and auth) else ""


def same_origin(request: web.Request) -> bool:
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        referer = request.headers.get("Referer")
        if not referer:
            return origin is None
        origin = referer
    return urlparse(origin).netloc == request.host


def check_csrf(request: web.Request, form: Mapping[str, Any], part: str) -> None:
    """Raise 403 unless the POST comes from our own page with the session's CSRF token."""
    expected = csrf_token(request, part)
    given = str(form.get("csrf_token", ""))
    if not expected or not hmac.compare_digest(expected, given) or not same_origin(request):
        raise web.HTTPForbidden(text="The form has expired. Reload the page and try again.")


def _safe_next(target: Optional[str], home: str) -> str:
    """Only redirect back inside this part (no open redirects)."""
    if target and target.startswith(home) and not target.startswith("//") and "\\" not in target:
        return target
    return home


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


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
            user = current_user(request, part)
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


LOGIN_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}: sign in</title>
{% if stylesheet %}<link rel="stylesheet" href="{{ stylesheet }}">{% endif %}
</head><body class="login-page"><main class="login">
<h1>{{ title }}</h1>
<p>Sign in with your {{ role_label }} account.</p>
{% if error %}<p class="error" role="alert" id="login-error">{{ error }}</p>{% endif %}
{% if signed_out %}<p class="info" role="status">You are signed out.</p>{% endif %}
<form method="post" action="{{ action }}">
<input type="hidden" name="next" value="{{ next }}">
<label for="username">User name</label>
<input id="username" name="username" autocomplete="username" required value="{{ username }}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form></main></body></html>
"""


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
    import jinja2

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

    template = jinja2.Environment(autoescape=True).from_string(LOGIN_TEMPLATE)
    cookie = cookie_name(part)

    def page(request: web.Request, status: int = 200, **context: Any) -> web.Response:
        values = {"title": title, "role_label": role_label, "stylesheet": stylesheet, "action": f"{home}/login",
                  "next": _safe_next(request.query.get("next"), home), "username": "", "error": None,
                  "signed_out": False}
        values.update(context)
        response = web.Response(status=status, text=template.render(**values), content_type="text/html")
        response.headers["Cache-Control"] = "no-store"
        return response

    async def login_form(request: web.Request) -> web.Response:
        user = current_user(request, part)
        if user and user.role == role:
            raise web.HTTPFound(_safe_next(request.query.get("next"), home))
        return page(request, signed_out="signed_out" in request.query)

    async def login_submit(request: web.Request) -> web.Response:
        form = await request.post()
        username = str(form.get("username", "")).strip()[:200]
        password = str(form.get("password", ""))[:1024]
        target = _safe_next(str(form.get("next", "")), home)
        key = f"{request.remote}|{part}|{username.lower()}"
        if not same_origin(request):
            return page(request, 403, error="Please sign in from this site's page.", username=username)
        if auth.blocked(key):
            return page(request, 429, error="Too many failed attempts. Wait a few minutes and try again.",
                        username=username, next=target)
        account = auth.accounts.authenticate(username, password)
        if account is None:
            auth.failed(key)
            logger.info("%s sign-in refused: wrong user name or password", part)
            return page(request, 401, error="Wrong user name or password.", username=username, next=target)
        if account.role != role:
            auth.failed(key)
            logger.info("%s sign-in refused: account has role %s", part, account.role)
            return page(request, 403, error=f"This account cannot use the {title.lower()} pages. "
                                            f"Use a {role_label} account.", username=username, next=target)
        auth.succeeded(key)
        response = web.HTTPFound(target)
        response.set_cookie(cookie, auth.issue(account, part), max_age=SESSION_SECONDS, path="/",
                            httponly=True, samesite="Strict", secure=auth.production)
        raise response

    async def logout(request: web.Request) -> web.Response:
        response = web.HTTPFound(f"{home}/login?signed_out=1")
        response.del_cookie(cookie, path="/")
        raise response

    app.router.add_get(f"{home}/login", login_form)
    app.router.add_post(f"{home}/login", login_submit)
    app.router.add_post(f"{home}/logout", logout)
    return True


# --- command line ---------------------------------------------------------------------------------

def main(argv: Optional[list] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m webapp.auth", description="Account helpers.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("hash", help="hash a password (asked for, or one line on stdin)")
    p.add_argument("--name", help="print name:hash, the form MILD_STAFF_USERS / MILD_CLINICIAN_USERS take")
    p.add_argument("--iterations", type=int, default=DEFAULT_ITERATIONS)
    args = parser.parse_args(argv)
    if sys.stdin.isatty():
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            print("the passwords differ", file=sys.stderr)
            return 1
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if len(password) < 10:
        print("use at least 10 characters", file=sys.stderr)
        return 1
    encoded = hash_password(password, args.iterations)
    print(f"{args.name}:{encoded}" if args.name else encoded)
    return 0


if __name__ == "__main__":
    sys.exit(main())
