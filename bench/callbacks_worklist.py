"""How fast the front desk's worklist query lists requests, with 10 000 requests in PostgreSQL.

    .venv/bin/python -m bench.callbacks_worklist [--requests 10000] [--seconds 5] [--url URL]

Without ``--url`` (or ``MILD_BENCH_POSTGRES_URL``) it starts the project's throwaway server with
``scripts/postgres.sh start`` (PG_BASE / PG_PORT as that script reads them), as the integration tests
do. It works in a fresh database that it drops at the end: ``--requests`` call-back requests (two
offices, every status, one in twenty sharing a phone number with another, spread over 60 days)
with their status history, then runs ``CallbackStore.worklist`` (the page's query: counts per
status, the open requests oldest first, duplicate hints, overdue marking; 200 rows a page) for
``--seconds`` per case and prints pages per second and requests listed per second. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from records.callbacks import STATUSES, CallbackStore, events_table, phone_key, requests_table  # noqa: E402


def server_url() -> str:
    url = os.environ.get("MILD_BENCH_POSTGRES_URL", "").strip()
    if url:
        return url
    result = subprocess.run(
        ["bash", str(REPO_ROOT / "scripts" / "postgres.sh"), "start"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("DB_URL=")]
    if result.returncode != 0 or not lines:
        raise SystemExit("scripts/postgres.sh start failed: " + result.stderr.strip()[-500:])
    return lines[-1].split("=", 1)[1]


def fill(engine: sa.engine.Engine, count: int, now: float) -> None:
    store = CallbackStore(engine)
    store.ensure_tables()
    rng = random.Random(11)
    weights = {"new": 30, "called": 20, "booked": 30, "unreachable": 8, "declined": 8, "duplicate": 4}
    rows, events = [], []
    for i in range(count):
        status = rng.choices(STATUSES, [weights[s] for s in STATUSES])[0]
        phone = f"781555{(i if i % 20 else i - 1):04d}"
        requested = now - rng.uniform(0, 60 * 86400)
        attempts = rng.randint(1, 3) if status != "new" else 0
        sid = f"bench-{i:05d}"
        rows.append(
            {
                "screening_id": sid,
                "sender_id": f"bench-sender-{i}",
                "channel": rng.choice(["web", "staff"]),
                "office": rng.choice(["Woburn", "Beverly"]),
                "outcome": "recommend_consult",
                "requested_ts": requested,
                "phone_key": phone_key(phone),
                "status": status,
                "attempts": attempts,
                "booked_for": "2026-12-08T10:30" if status == "booked" else None,
                "booked_office": "Woburn" if status == "booked" else None,
                "updated_ts": now,
            }
        )
        events.append(
            {"screening_id": sid, "sender_id": f"bench-sender-{i}", "status": "new", "attempt": 0, "at": requested}
        )
    with engine.begin() as conn:
        for i in range(0, count, 1000):
            conn.execute(requests_table.insert(), rows[i : i + 1000])
            conn.execute(events_table.insert(), events[i : i + 1000])
        conn.exec_driver_sql("ANALYZE callback_requests")


def measure(store: CallbackStore, seconds: float, **kwargs) -> tuple[float, float, int]:
    store.worklist(**kwargs)  # warm up
    pages = listed = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        listed += len(store.worklist(**kwargs)["rows"])
        pages += 1
    elapsed = time.perf_counter() - start
    return pages / elapsed, listed / elapsed, listed // max(pages, 1)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--url", help="a PostgreSQL server URL (default: scripts/postgres.sh start)")
    args = parser.parse_args(argv)
    server = sa.engine.make_url(args.url or server_url())
    name = f"mild_bench_{secrets.token_hex(4)}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT", future=True)
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine = sa.create_engine(server.set(database=name), future=True)
    try:
        now = time.time()
        started = time.perf_counter()
        fill(engine, args.requests, now)
        print(
            f"{args.requests} call-back requests in PostgreSQL {engine.dialect.server_version_info} "
            f"(filled in {time.perf_counter() - started:.1f} s)"
        )
        store = CallbackStore(engine, clock=lambda: now)
        open_count = store.worklist(limit=args.requests)["counts"]["open"]
        print(f"open requests: {open_count}")
        for label, kwargs in (
            ("open, all offices, page of 200", {}),
            ("open, Woburn, page of 200", {"office": "Woburn"}),
            ("every status, page of 200", {"status": "all"}),
            ("open, whole list on one page", {"limit": args.requests}),
        ):
            pages, listed, per_page = measure(store, args.seconds, **kwargs)
            print(f"{label:32s} {pages:8.1f} pages/s  {listed:10.0f} requests listed/s  ({per_page} a page)")
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :n AND pid <> pg_backend_pid()"
                ),
                {"n": name},
            )
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
