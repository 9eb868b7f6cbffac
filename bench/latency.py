"""`make bench`: message latency and throughput of a full screening through the REST channel
(with the action server), beside a bare `rasa init` assistant trained and measured in the
same run on the same machine.

Prints p50/p95 latency per message, messages per second with 4 concurrent conversations,
and the Rasa server's resident memory, for both, and the p95 ratio (target <= 1.5).
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
    "hi", "no", "no", "yes", "yes", "maybe a block", "about 2 years", "I'm 72",
    "PT and ibuprofen, didn't help", "had 2 epidurals, no relief", "no", "no", "no", "no thanks",
]
MOODBOT = ["hi", "I am sad", "yes", "hello", "great", "bye", "hi", "I am sad", "no", "hi", "good", "bye",
           "hello", "sad"]


async def converse(session: aiohttp.ClientSession, url: str, script: list[str], latencies: list[float]) -> int:
    sender = uuid.uuid4().hex
    for text in script:
        start = time.perf_counter()
        async with session.post(url, json={"sender": sender, "message": text}) as response:
            response.raise_for_status()
            await response.json()
        latencies.append(time.perf_counter() - start)
    return len(script)


async def measure(url: str, script: list[str], conversations: int, concurrency: int) -> dict:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:
        warm: list[float] = []
        await converse(session, url, script, warm)
        sequential: list[float] = []
        for _ in range(conversations):
            await converse(session, url, script, sequential)
        concurrent: list[float] = []
        start = time.perf_counter()
        counts = await asyncio.gather(*[converse(session, url, script, concurrent)
                                        for _ in range(concurrency * 2)])
        elapsed = time.perf_counter() - start
    q = statistics.quantiles(sequential, n=100)
    return {"p50": q[49] * 1000, "p95": q[94] * 1000, "throughput": sum(counts) / elapsed,
            "messages": len(sequential)}


def train_bare(folder: Path) -> Path:
    """A bare `rasa init` assistant, trained now with its own default config."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    start = time.time()
    subprocess.run([str(VENV / "rasa"), "init", "--no-prompt", "--init-dir", str(folder)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=folder)
    print(f"bare rasa init assistant trained in {time.time() - start:.0f} s")
    return next((folder / "models").glob("*.tar.gz"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--conversations", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()

    env = {k: v for k, v in os.environ.items()}
    bare_model = train_bare(ROOT / "var" / "bench" / "rasa-init")
    servers = []
    try:
        bare_port = free_port()
        bare = Server("bare-rasa", [str(VENV / "rasa"), "run", "-m", str(bare_model), "-p", str(bare_port)],
                      cwd=bare_model.parents[1]).start(bare_port)
        servers.append(bare)
        action_port, rasa_port = free_port(), free_port()
        db = ROOT / "var" / "bench" / "bench.db"
        db.unlink(missing_ok=True)
        ours_env = {"ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook", "DB_DIALECT": "sqlite",
                    "DB_HOST": "", "DB_PORT": "0", "DB_NAME": str(db), "DB_USER": "", "DB_PASSWORD": "",
                    "STAFF_CHANNEL_TOKEN": env.get("STAFF_CHANNEL_TOKEN", uuid.uuid4().hex)}
        servers.append(Server("actions", [str(VENV / "rasa"), "run", "actions", "--actions", "actions",
                                          "-p", str(action_port)], cwd=ROOT, health="/health").start(action_port))
        ours = Server("mild-rasa", [str(VENV / "rasa"), "run", "-m", "models/mild.tar.gz", "-p", str(rasa_port),
                                    "--endpoints", "endpoints.yml", "--credentials", "credentials.yml"],
                      cwd=ROOT, env=ours_env).start(rasa_port)
        servers.append(ours)

        results = {}
        for name, port, script in (("bare rasa init", bare_port, MOODBOT), ("MILD screening", rasa_port, SCREENING)):
            url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
            results[name] = asyncio.run(measure(url, script, args.conversations, args.concurrency))
        results["bare rasa init"]["rss"] = bare.rss_mb()
        results["MILD screening"]["rss"] = ours.rss_mb()
    finally:
        for server in reversed(servers):
            server.stop()

    print(f"\n{'assistant':<16} {'messages':>8} {'p50 ms':>8} {'p95 ms':>8} {'msg/s (x' + str(args.concurrency) + ')':>12} {'RSS MB':>8}")
    for name, r in results.items():
        print(f"{name:<16} {r['messages']:>8} {r['p50']:>8.1f} {r['p95']:>8.1f} {r['throughput']:>12.1f} {r['rss']:>8.0f}")
    ratio = results["MILD screening"]["p95"] / results["bare rasa init"]["p95"]
    print(f"\np95 ratio MILD / bare: {ratio:.2f} (target <= 1.5); MILD server RSS {results['MILD screening']['rss']:.0f} MB (target <= 1536)")


if __name__ == "__main__":
    main()
