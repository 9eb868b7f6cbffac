"""Password hashing and the accounts that sign in (no web code here).

Hashes are PBKDF2-HMAC-SHA256, ``pbkdf2_sha256$iterations$salt$hash`` (salt and hash base64).
Checking a name costs one PBKDF2 whether the account exists or not: an unknown name is checked
against a dummy hash made with the iteration count that the configured accounts use, so the answer
time does not tell which names exist.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import hmac
import json
import logging
import os
import secrets
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional

logger = logging.getLogger(__name__)

ROLES = ("staff", "clinician")
ALGORITHM = "pbkdf2_sha256"
DEFAULT_ITERATIONS = 390_000
DEMO_ITERATIONS = 50_000
MIN_ITERATIONS = 1_000
MAX_ITERATIONS = 10_000_000


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str, iterations: int = DEFAULT_ITERATIONS, salt: Optional[bytes] = None) -> str:
    if not password:
        raise ValueError("empty password")
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return f"{ALGORITHM}${iterations}${_b64(salt)}${_b64(digest)}"


def parse_hash(encoded: str) -> tuple[int, bytes, bytes]:
    """(iterations, salt, digest) of a hash; ValueError when it is not a usable pbkdf2_sha256 hash."""
    try:
        algorithm, iterations, salt, expected = str(encoded).split("$")
        rounds = int(iterations)
        salt_bytes, digest = base64.b64decode(salt, validate=True), base64.b64decode(expected, validate=True)
    except (ValueError, TypeError, binascii.Error):
        raise ValueError("not a pbkdf2_sha256$iterations$salt$hash string") from None
    if algorithm != ALGORITHM:
        raise ValueError(f"the algorithm must be {ALGORITHM}")
    if not MIN_ITERATIONS <= rounds <= MAX_ITERATIONS:
        raise ValueError(f"iterations must be between {MIN_ITERATIONS} and {MAX_ITERATIONS}")
    if not salt_bytes or len(digest) != 32:
        raise ValueError("the salt is empty or the hash is not 32 bytes")
    return rounds, salt_bytes, digest


def verify_password(password: str, encoded: str) -> bool:
    try:
        iterations, salt, expected = parse_hash(encoded)
    except ValueError:
        return False
    digest = hashlib.pbkdf2_hmac("sha256", (password or "").encode("utf-8"), salt, iterations)
    return hmac.compare_digest(digest, expected)


def iterations_of(encoded: str) -> Optional[int]:
    try:
        return parse_hash(encoded)[0]
    except ValueError:
        return None


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    password_hash: str
    display_name: str = ""
    admin: bool = False  # a clinician who may read the access audit (/review/audit)

    @property
    def label(self) -> str:
        return self.display_name or self.name


def _flag(value: object) -> bool:
    return value is True or str(value).strip().lower() in ("1", "true", "yes")


class AccountError(ValueError):
    pass


class Accounts:
    """The configured accounts. ``authenticate`` costs the same for known and unknown names."""

    def __init__(self, accounts: Mapping[str, Account] | None = None, demo: bool = False):
        self._accounts = dict(accounts or {})
        self.demo = demo
        counts = Counter(i for i in (iterations_of(a.password_hash) for a in self._accounts.values()) if i)
        # The dummy hash uses the iteration count most accounts use (all of them, when configured as
        # advised): an unknown name then costs what a known one does.
        self.dummy_iterations = counts.most_common(1)[0][0] if counts else DEFAULT_ITERATIONS
        if len(counts) > 1:
            logger.warning(
                "accounts use %d different PBKDF2 iteration counts; sign-in time can tell those "
                "with another count than %d apart: re-hash them (python -m webapp.auth hash)",
                len(counts),
                self.dummy_iterations,
            )
        self._dummy = hash_password(secrets.token_hex(16), iterations=self.dummy_iterations)

    def __len__(self) -> int:
        return len(self._accounts)

    def has_role(self, role: str) -> bool:
        return any(a.role == role for a in self._accounts.values())

    def get(self, name: str) -> Optional[Account]:
        return self._accounts.get(name)

    def authenticate(self, name: str, password: str) -> Optional[Account]:
        """The account when name and password match, else None; one PBKDF2 either way (CPU-bound:
        call it off the event loop)."""
        account = self._accounts.get((name or "").strip())
        ok = verify_password(password or "", account.password_hash if account else self._dummy)
        return account if (account and ok) else None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Accounts:
        env = os.environ if env is None else env
        accounts: dict[str, Account] = {}

        def add(account: Account) -> None:
            if account.role not in ROLES:
                raise AccountError(f"account {account.name!r}: role must be one of {ROLES}")
            if not account.name or ":" in account.name or "," in account.name:
                raise AccountError(f"bad account name {account.name!r}")
            if not account.password_hash.startswith(ALGORITHM + "$"):
                raise AccountError(
                    f"account {account.name!r}: password_hash must be a {ALGORITHM} hash (python -m webapp.auth hash)"
                )
            try:
                parse_hash(account.password_hash)
            except ValueError as exc:
                raise AccountError(f"account {account.name!r}: bad password_hash ({exc})") from None
            if account.name in accounts and accounts[account.name].role != account.role:
                raise AccountError(f"account {account.name!r} is defined with two roles; use two names")
            for other in accounts.values():
                if other.name != account.name and other.label == account.label:
                    # reviews and staff intakes are signed with the label: it must name one account
                    raise AccountError(
                        f"accounts {other.name!r} and {account.name!r} have the same display name {account.label!r}"
                    )
            accounts[account.name] = account

        path = env.get("MILD_ACCOUNTS_FILE")
        if path:
            for entry in read_accounts_file(Path(path)):
                add(
                    Account(
                        str(entry.get("name", "")).strip(),
                        str(entry.get("role", "")).strip(),
                        str(entry.get("password_hash", "")).strip(),
                        str(entry.get("display_name") or ""),
                        _flag(entry.get("admin")),
                    )
                )
        for role, var in (("staff", "MILD_STAFF_USERS"), ("clinician", "MILD_CLINICIAN_USERS")):
            for part in (env.get(var) or "").split(","):
                part = part.strip()
                if not part:
                    continue
                name, sep, encoded = part.partition(":")
                if not sep:
                    raise AccountError(f"{var}: expected name:hash, got an entry without ':'")
                add(Account(name.strip(), role, encoded.strip()))
        # MILD_AUDIT_ADMINS=name,name: clinician accounts that may read the access audit
        for name in (env.get("MILD_AUDIT_ADMINS") or "").split(","):
            name = name.strip()
            if name and name in accounts:
                if accounts[name].role != "clinician":
                    raise AccountError(f"MILD_AUDIT_ADMINS: {name!r} is not a clinician account")
                accounts[name] = dataclasses.replace(accounts[name], admin=True)
        return cls(accounts)

    @classmethod
    def demo_accounts(cls, path: Path) -> tuple[Accounts, dict[str, str], bool]:
        """Demo accounts for development: (accounts, {name: password}, reused from file?)."""
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
            "demo-staff": Account(
                "demo-staff", "staff", hash_password(passwords["demo-staff"], DEMO_ITERATIONS), "Demo staff"
            ),
            "demo-clinician": Account(
                "demo-clinician",
                "clinician",
                hash_password(passwords["demo-clinician"], DEMO_ITERATIONS),
                "Demo clinician",
                admin=True,
            ),  # development: the demo clinician may read the audit
        }
        return cls(accounts, demo=True), passwords, reused


def read_accounts_file(path: Path) -> list[dict]:
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
