"""`make bench`: message latency and throughput of a full screening through the REST channel
(with the action server), beside a bare `rasa init` assistant trained and measured in the
same run on the same machine.

Prints p50/p95 latency per message (30 screenings each, in 6 alternating rounds so that the
machine's busy moments fall on both alike), messages per second with 8 concurrent
conversations, and the Rasa server's resident memory, for both, and the p95 ratio (target <= 1.5).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import time
import uuid
from pathlib import Path

import aiohttp

from bench.stack import ROOT, VENV, Server, free_port

SCREENING = [
    "hi",
    "no",
    "no",
    "yes",
    "yes",
    "maybe a block",
    "about 2 years",
    "I'm 72",
    "PT and ibuprofen, didn't help",
    "had 2 epidurals, no relief",
    "no",
    "no",
    "no",
    "no thanks",
]
MOODBOT = [
    "hi",
    "I am sad",
    "yes",
    "hello",
    "great",
    "bye",
    "hi",
    "I am sad",
    "no",
    "hi",
    "good",
    "bye",
    "hello",
    "sad",
]


async def converse(session: aiohttp.ClientSession, url: str, script: list[str], latencies: list[float]) -> int:
    sender = uuid.uuid4().hex
    for text in script:
        start = time.perf_counter()
        async with session.post(url, json={"sender": sender, "message": text}) as response:
            response.raise_for_status()
            await response.json()
        latencies.append(time.perf_counter() - start)
    return len(script)


async def _session_run(coroutine_factory):
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:
        return await coroutine_factory(session)


def sequential(url: str, script: list[str], conversations: int) -> list[float]:
    """Latencies of `conversations` screenings sent one message at a time."""

    async def run(session):
        latencies: list[float] = []
        for _ in range(conversations):
            await converse(session, url, script, latencies)
        return latencies

    return asyncio.run(_session_run(run))


def throughput(url: str, script: list[str], concurrency: int) -> float:
    """Messages per second with `concurrency * 2` conversations at once."""

    async def run(session):
        start = time.perf_counter()
        counts = await asyncio.gather(*[converse(session, url, script, []) for _ in range(concurrency * 2)])
        return sum(counts) / (time.perf_counter() - start)

    return asyncio.run(_session_run(run))


def measure_interleaved(targets: dict, conversations: int, rounds: int, concurrency: int) -> dict:
    """Both assistants measured in alternating rounds, so a busy moment of the machine falls on
    both alike rather than on whichever happened to be measured then."""
    for url, script in targets.values():
        sequential(url, script, 1)  # warm-up
    latencies: dict[str, list[float]] = {name: [] for name in targets}
    per_round = max(1, conversations // rounds)
    for _ in range(rounds):
        for name, (url, script) in targets.items():
            latencies[name] += sequential(url, script, per_round)
    results = {}
    for name, (url, script) in targets.items():
        q = statistics.quantiles(latencies[name], n=100)
        results[name] = {
            "p50": q[49] * 1000,
            "p95": q[94] * 1000,
            "messages": len(latencies[name]),
            "throughput": throughput(url, script, concurrency),
        }
    return results


def train_bare(folder: Path) -> Path:
    """A bare `rasa init` assistant, trained now with its own default config."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    start = time.time()
    subprocess.run(
        [str(VENV / "rasa"), "init", "--no-prompt", "--init-dir", str(folder)],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=folder,
    )
    print(f"bare rasa init assistant trained in {time.time() - start:.0f} s")
    return next((folder / "models").glob("*.tar.gz"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--conversations", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()

    env = {k: v for k, v in os.environ.items()}
    bare_model = train_bare(ROOT / "var" / "bench" / "rasa-init")
    servers = []
    try:
        bare_port = free_port()
        bare = Server(
            "bare-rasa",
            [str(VENV / "rasa"), "run", "-m", str(bare_model), "-p", str(bare_port)],
            cwd=bare_model.parents[1],
        ).start(bare_port)
        servers.append(bare)
        action_port, rasa_port = free_port(), free_port()
        db = ROOT / "var" / "bench" / "bench.db"
        db.unlink(missing_ok=True)
        ours_env = {
            "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook",
            "DB_DIALECT": "sqlite",
            "DB_HOST": "",
            "DB_PORT": "0",
            "DB_NAME": str(db),
            "DB_USER": "",
            "DB_PASSWORD": "",
            "STAFF_CHANNEL_TOKEN": env.get("STAFF_CHANNEL_TOKEN", uuid.uuid4().hex),
            "CHAT_SESSION_SECRET": env.get("CHAT_SESSION_SECRET", uuid.uuid4().hex),
        }
        servers.append(
            Server(
                "actions",
                [str(VENV / "rasa"), "run", "actions", "--actions", "actions", "-p", str(action_port)],
                cwd=ROOT,
                health="/health",
            ).start(action_port)
        )
        ours = Server(
            "mild-rasa",
            [
                str(VENV / "rasa"),
                "run",
                "-m",
                "models/mild.tar.gz",
                "-p",
                str(rasa_port),
                "--endpoints",
                "endpoints.yml",
                "--credentials",
                "credentials.yml",
            ],
            cwd=ROOT,
            env=ours_env,
        ).start(rasa_port)
        servers.append(ours)

        targets = {
            "bare rasa init": (f"http://127.0.0.1:{bare_port}/webhooks/rest/webhook", MOODBOT),
            "MILD screening": (f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook", SCREENING),
        }
        results = measure_interleaved(targets, args.conversations, args.rounds, args.concurrency)
        results["bare rasa init"]["rss"] = bare.rss_mb()
        results["MILD screening"]["rss"] = ours.rss_mb()
    finally:
        for server in reversed(servers):
            server.stop()

    print(
        f"\n{'assistant':<16} {'messages':>8} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'msg/s (x' + str(args.concurrency * 2) + ')':>12} {'RSS MB':>8}"
    )
    for name, r in results.items():
        print(
            f"{name:<16} {r['messages']:>8} {r['p50']:>8.1f} {r['p95']:>8.1f} {r['throughput']:>12.1f} {r['rss']:>8.0f}"
        )
    ratio = results["MILD screening"]["p95"] / results["bare rasa init"]["p95"]
    print(
        f"\np95 ratio MILD / bare: {ratio:.2f} (target <= 1.5); "
        f"MILD server RSS {results['MILD screening']['rss']:.0f} MB (target <= 1536)"
    )


if __name__ == "__main__":
    main()
