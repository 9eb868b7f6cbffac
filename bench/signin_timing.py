"""Sign-in time for a known and an unknown user name: does the answer time tell which names exist?

    .venv/bin/python -m bench.signin_timing [--rounds 40] [--iterations 50000 390000]

For each PBKDF2 iteration count (50 000: the demo accounts of ``make run``; 390 000: the default of
``python -m webapp.auth hash``) it starts the web app in this process on loopback (aiohttp's test
server, a temporary SQLite database, one clinician account with that count), then posts wrong
passwords to ``/review/login`` for the known name and for unknown names, alternating, and prints the
median of each and their ratio (unknown / known; 1.00 means no oracle). The sign-in limits are
lifted for the run (they would answer 429 after a few tries); everything else is the real path.

Then, at the highest count, it fires ``--burst`` (40) bad sign-ins at once and meanwhile asks
``/healthz`` every 10 ms: the slowest ``/healthz`` answer shows whether hashing holds up the event loop.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))


def _bench_app(tmp: Path, iterations: int):
    """The web app with one clinician account (PBKDF2 at `iterations`) and no lock-out."""
    from webapp import auth
    from webapp.app import create_app
    from webapp.config import WebConfig

    accounts = tmp / "accounts.json"
    accounts.write_text(
        json.dumps(
            [
                {
                    "name": "drlee",
                    "role": "clinician",
                    "display_name": "Dr. Lee",
                    "password_hash": auth.hash_password("the real password", iterations),
                }
            ]
        )
    )
    os.environ.update({"MILD_ACCOUNTS_FILE": str(accounts), "DB_URL": f"sqlite:///{tmp}/bench.db"})
    for var in ("MILD_STAFF_USERS", "MILD_CLINICIAN_USERS"):
        os.environ.pop(var, None)
    app = create_app(WebConfig(secret_key="bench-" + "k" * 32))
    app[auth.AUTH_KEY].lockout = auth.Lockout(max_failures=10**9, global_free=10**9)
    return app


async def measure(iterations: int, rounds: int) -> tuple[float, float]:
    from aiohttp.test_utils import TestClient, TestServer

    with tempfile.TemporaryDirectory() as tmp:
        app = _bench_app(Path(tmp), iterations)
        known, unknown = [], []
        async with TestClient(TestServer(app)) as client:

            async def attempt(name: str) -> float:
                started = time.perf_counter()
                async with client.post(
                    "/review/login", allow_redirects=False, data={"username": name, "password": "a wrong password"}
                ) as r:
                    await r.read()
                    assert r.status == 401, r.status
                return time.perf_counter() - started

            for name in ("drlee", "warm-up"):  # first requests pay for imports and the table
                await attempt(name)
            for i in range(rounds):
                pair = [("drlee", known), (f"nobody{i}", unknown)]
                for name, sink in pair if i % 2 == 0 else pair[::-1]:
                    sink.append(await attempt(name))
        return statistics.median(known), statistics.median(unknown)


async def healthz_during_burst(iterations: int, burst: int) -> tuple[float, float, int]:
    """(slowest /healthz in s, time for the burst in s, /healthz answers) while `burst` sign-ins run."""
    from aiohttp.test_utils import TestClient, TestServer

    with tempfile.TemporaryDirectory() as tmp:
        app = _bench_app(Path(tmp), iterations)
        async with TestClient(TestServer(app)) as client:

            async def sign_in(i: int) -> None:
                async with client.post(
                    "/review/login",
                    allow_redirects=False,
                    data={"username": "drlee" if i % 2 else f"nobody{i}", "password": "wrong"},
                ) as r:
                    await r.read()

            await sign_in(0)
            started = time.perf_counter()
            burst_task = asyncio.gather(*(sign_in(i) for i in range(burst)))
            slowest, answers = 0.0, 0
            while not burst_task.done():
                t = time.perf_counter()
                async with client.get("/healthz") as r:
                    await r.read()
                slowest, answers = max(slowest, time.perf_counter() - t), answers + 1
                await asyncio.sleep(0.01)
            await burst_task
            return slowest, time.perf_counter() - started, answers


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.signin_timing", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--iterations", type=int, nargs="+", default=[50_000, 390_000])
    parser.add_argument("--burst", type=int, default=40)
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)  # the app's start-up warnings (no staff accounts...) are not figures
    print(f"sign-in with a wrong password, {args.rounds} rounds each, median time per request")
    print(f"{'iterations':>10}  {'known name':>10}  {'unknown name':>12}  {'ratio unknown/known':>19}")
    for iterations in args.iterations:
        known, unknown = asyncio.run(measure(iterations, args.rounds))
        print(f"{iterations:>10}  {known * 1000:>8.1f} ms  {unknown * 1000:>10.1f} ms  {unknown / known:>19.3f}")
    if args.burst > 0:
        slowest, took, answers = asyncio.run(healthz_during_burst(max(args.iterations), args.burst))
        print(
            f"{args.burst} bad sign-ins at once ({max(args.iterations)} iterations) took {took:.2f} s; meanwhile "
            f"/healthz answered {answers} times, the slowest in {slowest * 1000:.1f} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
