"""`make bench-load`: N simulated patients at once, each running full screenings back to back
through nginx, against the cluster (two Rasa servers, two action servers) and against a single
instance (the same cluster with rasa2 and actions2 stopped, same nginx), in one run.

For each N (default 1, 10, 50, 100) and each configuration it prints messages per second,
p50/p95/p99 latency of a message (request sent -> bot answer received) and errors (HTTP status
other than 200, an empty answer, a timeout, or a finished screening without its result).

The cluster is started here (scripts/cluster.sh, own directory var/cluster-bench, free ports) and
stopped at the end. Each simulated patient has its own client address (X-Forwarded-For, trusted
from loopback) as real patients do; the per-client rate limit is raised for the run so it measures
capacity, not the limiter. The load generator shares the machine with the servers.

    .venv/bin/python -m bench.load [--levels 1,10,50,100] [--duration 25]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Dict, List, Optional

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.production.support import RECOMMEND, Cluster, ClusterError, rest_headers  # noqa: E402

SCREENING = RECOMMEND + ["no thanks"]  # the textbook screening, then declining the appointment
RESULT_TURN = len(RECOMMEND) - 1  # the answer to this message carries the result
OUT = ROOT / "var" / "bench" / "load.json"


def percentile(values: List[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


class Stats:
    def __init__(self) -> None:
        self.latencies: List[float] = []
        self.errors: Dict[str, int] = {}
        self.screenings = 0

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1


async def patient(session: aiohttp.ClientSession, url: str, number: int, stop_at: float, stats: Stats) -> None:
    address = f"10.{(number >> 16) & 255}.{(number >> 8) & 255}.{number & 255}"
    # rest_headers(): the REST channel's token, needed when the cluster runs with MILD_ENV=production.
    headers = {"X-Forwarded-For": address, "Content-Type": "application/json", **rest_headers()}
    while time.monotonic() < stop_at:
        sender = f"load-{uuid.uuid4().hex}"
        for turn, text in enumerate(SCREENING):
            if time.monotonic() >= stop_at:
                return
            started = time.perf_counter()
            try:
                async with session.post(
                    url, data=json.dumps({"sender": sender, "message": text}), headers=headers
                ) as resp:
                    body = await resp.read()
                    status = resp.status
            except asyncio.TimeoutError:
                stats.error("timeout")
                break
            except aiohttp.ClientError as exc:
                stats.error(type(exc).__name__)
                break
            stats.latencies.append(time.perf_counter() - started)
            if status != 200:
                stats.error(f"HTTP {status}")
                break
            try:
                messages = json.loads(body)
            except ValueError:
                stats.error("not JSON")
                break
            if not messages:
                stats.error("empty answer")
                break
            if turn == RESULT_TURN and not any("Result" in (m.get("text") or "") for m in messages):
                stats.error("no result")
                break
        else:
            stats.screenings += 1


async def level(url: str, n: int, duration: float, timeout: float) -> Dict[str, object]:
    stats = Stats()
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=timeout)) as session:
        warm = Stats()
        await patient(session, url, 0, time.monotonic() + 0.1, warm)  # one message: connections, caches
        started = time.monotonic()
        await asyncio.gather(*[patient(session, url, i + 1, started + duration, stats) for i in range(n)])
        elapsed = time.monotonic() - started
    lat = sorted(stats.latencies)
    return {
        "n": n,
        "messages": len(lat),
        "seconds": round(elapsed, 1),
        "messages_per_s": round(len(lat) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(percentile(lat, 50) * 1000),
        "p95_ms": round(percentile(lat, 95) * 1000),
        "p99_ms": round(percentile(lat, 99) * 1000),
        "errors": sum(stats.errors.values()),
        "error_kinds": stats.errors,
        "screenings": stats.screenings,
    }


# ------------------------------------------------------------------------------------ resources
def _group_pids(pgid: int, parent: Optional[int] = None) -> List[int]:
    """Processes of a process group (or, with `parent`, that process and its children)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if parent is not None:
                if int(entry.name) == parent or int(fields[1]) == parent:  # the process or a child
                    pids.append(int(entry.name))
            elif int(fields[2]) == pgid:  # the process group
                pids.append(int(entry.name))
    return pids


def _part_pid(cluster: Cluster, part: str) -> Optional[int]:
    if part == "postgres":
        path = cluster.service_directory / "postgres" / "data" / "postmaster.pid"
    elif part == "redis":
        path = cluster.service_directory / "redis" / "redis.pid"
    else:
        path = cluster.directory / "run" / f"{part}.pid"
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def usage(cluster: Cluster, parts: List[str]) -> Dict[str, Dict[str, float]]:
    """CPU seconds used so far and resident memory (MB) of each part (its whole process group)."""
    tick = os.sysconf("SC_CLK_TCK")
    page = os.sysconf("SC_PAGE_SIZE")
    out = {}
    for part in parts:
        pid = _part_pid(cluster, part)
        if pid is None:
            continue
        try:
            pgid = os.getpgid(pid)
        except OSError:
            continue
        cpu = rss = 0.0
        # PostgreSQL's backends are children of the postmaster, outside the process group of the
        # script that started it; the other parts are process groups of their own.
        for p in _group_pids(pgid, parent=pid if part == "postgres" else None):
            try:
                fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
                # utime + stime, and cutime + cstime (children that have exited)
                cpu += (int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])) / tick
                rss += int(fields[21]) * page / 2**20
            except (OSError, ValueError, IndexError):
                continue
        out[part] = {"cpu_s": cpu, "rss_mb": rss}
    return out


PARTS = ["rasa1", "rasa2", "actions1", "actions2", "nginx", "postgres", "redis", "web"]


def print_row(config: str, r: Dict[str, object]) -> None:
    kinds = ", ".join(f"{k}: {v}" for k, v in r["error_kinds"].items()) if r["errors"] else ""
    print(
        f"{config:<16} {r['n']:>4} {r['messages']:>7} {r['messages_per_s']:>8} {r['p50_ms']:>7} "
        f"{r['p95_ms']:>7} {r['p99_ms']:>7} {r['errors']:>6} {r['screenings']:>10}  {kinds}",
        flush=True,
    )


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--levels", default="1,10,50,100", help="numbers of simultaneous patients")
    parser.add_argument("--duration", type=float, default=25.0, help="seconds of load per level and configuration")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before a message counts as an error")
    parser.add_argument("--configs", default="cluster,single", help="cluster,single (or one of them)")
    args = parser.parse_args(argv)
    levels = [int(x) for x in args.levels.split(",") if x.strip()]
    configs = [c.strip() for c in args.configs.split(",") if c.strip()]

    cluster = Cluster(
        directory=ROOT / "var" / "cluster-bench",
        extra_env={"CHAT_RATE": "1000r/s", "CHAT_BURST": "1000", "CHAT_CONN": "100"},
    )
    cluster.destroy()
    print(
        "bench-load: starting the cluster (PostgreSQL, Redis, 2 action servers, 2 Rasa servers, web, nginx)", flush=True
    )
    t0 = time.monotonic()
    try:
        cluster.start()
    except ClusterError as exc:
        print(exc, file=sys.stderr)
        cluster.destroy()
        return 1
    print(
        f"bench-load: cluster up in {time.monotonic() - t0:.0f} s; {args.duration:.0f} s of load per row; "
        "full screenings of 14 messages through nginx",
        flush=True,
    )
    url = cluster.http_url + "/webhooks/rest/webhook"
    results: Dict[str, List[Dict[str, object]]] = {}
    print(
        f"\n{'configuration':<16} {'N':>4} {'msgs':>7} {'msg/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'errors':>6} {'screenings':>10}",
        flush=True,
    )
    try:
        for config in configs:
            if config == "single":
                cluster.stop("rasa2", "actions2")  # nginx now sends everything to rasa1 / actions1
            label = "cluster (2+2)" if config == "cluster" else "single (1+1)"
            results[config] = []
            for n in levels:
                before = usage(cluster, PARTS)
                r = asyncio.run(level(url, n, args.duration, args.timeout))
                after = usage(cluster, PARTS)
                r["cpu_s"] = {p: round(after[p]["cpu_s"] - before[p]["cpu_s"], 1) for p in after if p in before}
                r["rss_mb"] = {p: round(after[p]["rss_mb"]) for p in after}
                r["cpu_ms_per_message"] = round(1000 * sum(r["cpu_s"].values()) / max(1, r["messages"]), 1)
                results[config].append(r)
                print_row(label, r)
    finally:
        cluster.destroy()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps({"duration_s": args.duration, "results": results, "total_s": round(time.monotonic() - t0)}, indent=2)
    )
    print("\nserver CPU time per message (all parts together) and resident memory after the last row:")
    for config, rows in results.items():
        cpu = ", ".join(f"N={r['n']}: {r['cpu_ms_per_message']} ms" for r in rows)
        memory = ", ".join(f"{p} {mb} MB" for p, mb in rows[-1]["rss_mb"].items())
        print(f"  {config:<8} CPU {cpu}")
        print(f"  {config:<8} memory {memory}")
    print(f"\nbench-load: done in {time.monotonic() - t0:.0f} s; figures in {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
