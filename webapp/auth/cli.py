"""``python -m webapp.auth``: account helpers for administrators.

python -m webapp.auth hash [--name NAME] [--iterations N]   a password hash (asked for, or one line on stdin)
python -m webapp.auth sign-out --user NAME                  end every session of an account now
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Optional

from webapp.auth.passwords import DEFAULT_ITERATIONS, hash_password


def main(argv: Optional[list] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m webapp.auth", description="Account helpers.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("hash", help="hash a password (asked for, or one line on stdin)")
    p.add_argument("--name", help="print name:hash, the form MILD_STAFF_USERS / MILD_CLINICIAN_USERS take")
    p.add_argument("--iterations", type=int, default=DEFAULT_ITERATIONS)
    s = sub.add_parser("sign-out", help="end every session of an account (in the DB_URL database)")
    s.add_argument("--user", required=True, help="the account's name")
    args = parser.parse_args(argv)
    if args.command == "sign-out":
        return _sign_out(args.user)
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


def _sign_out(user: str) -> int:
    from records.store import make_engine
    from webapp.auth.sessions import SessionStore

    store = SessionStore(make_engine())
    try:
        count = store.revoke_account(user)
    finally:
        store.engine.dispose()
    print(f"ended {count} session{'s' if count != 1 else ''} of {user}")
    return 0
