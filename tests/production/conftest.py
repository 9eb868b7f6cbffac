"""Production tests: the cluster of scripts/cluster.sh (PostgreSQL, Redis, two action servers, two
Rasa servers, the web server and nginx, all on loopback) started once for the whole session on free
ports in var/cluster-test/, with fresh secrets, and stopped (and deleted) at the end.

These tests start about ten processes and take several minutes, so a plain ``pytest tests`` does
not collect them; they run when asked for by path or with MILD_PRODUCTION_TESTS=1:

    .venv/bin/python -m pytest tests/production -q -p no:cacheprovider      (scripts/test_all.sh)

Debian's postgresql, redis-server and nginx are installed when missing (apt-get, as root). If that
is impossible the tests are skipped with the reason, unless MILD_REQUIRE_CLUSTER=1 (then they fail).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from tests.production.support import CLUSTER_SH, MODEL, Cluster, ClusterError  # noqa: E402

HERE = Path(__file__).resolve().parent
RESULTS = REPO_ROOT / "var" / "production-tests.json"


def _explicitly_requested(config) -> bool:
    if os.environ.get("MILD_PRODUCTION_TESTS", "").strip().lower() in ("1", "true", "yes"):
        return True
    for arg in config.args:
        path = Path(str(arg).split("::", 1)[0])
        path = (Path(config.invocation_params.dir) / path).resolve() if not path.is_absolute() else path
        if path == HERE or HERE in path.parents:
            return True
    return False


def pytest_ignore_collect(collection_path, config):
    if collection_path.name.startswith("test_") and not _explicitly_requested(config):
        return True
    return None


def _required() -> bool:
    return os.environ.get("MILD_REQUIRE_CLUSTER", "").strip().lower() in ("1", "true", "yes")


def _unavailable(message: str):
    if _required():
        pytest.fail(message + " (MILD_REQUIRE_CLUSTER=1)", pytrace=False)
    pytest.skip(message)


def record(key: str, value) -> None:
    """Figures for the report (durations, counts) in var/production-tests.json."""
    try:
        data = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    except ValueError:
        data = {}
    data[key] = value
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(data, indent=2, sort_keys=True))


def web_accounts() -> tuple:
    """The web server in production mode (Secure session cookies, no demo accounts) with one staff
    and one clinician account for this run: (environment, {name: password})."""
    from webapp.auth import hash_password

    passwords = {
        "prod-staff": "staff-" + secrets.token_urlsafe(12),
        "prod-clinician": "clinician-" + secrets.token_urlsafe(12),
    }
    env = {
        "MILD_ENV": "production",
        "MILD_STAFF_USERS": "prod-staff:" + hash_password(passwords["prod-staff"], 50_000),
        "MILD_CLINICIAN_USERS": "prod-clinician:" + hash_password(passwords["prod-clinician"], 50_000),
    }
    return env, passwords


@pytest.fixture(scope="session")
def cluster():
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL} (run `make train`)", pytrace=False)
    if shutil.which("apt-get") is None and not all(shutil.which(b) for b in ("nginx", "redis-server")):
        _unavailable("postgresql/redis-server/nginx are missing and there is no apt-get to install them")
    if os.geteuid() != 0 and not all(
        shutil.which(b) or Path("/usr/sbin", b).exists() for b in ("nginx", "redis-server")
    ):
        _unavailable("postgresql/redis-server/nginx are missing and installing them needs root")
    installed = subprocess.run(
        ["bash", str(CLUSTER_SH), "install"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=900
    )
    if installed.returncode != 0:
        _unavailable(
            "could not install postgresql, redis-server and nginx with apt-get: "
            + (installed.stderr or installed.stdout).strip()[-600:]
        )
    directory = REPO_ROOT / "var" / "cluster-test"
    if os.environ.get("MILD_CLUSTER_REUSE") == "1":
        # Development only: keep the cluster running between runs (stop it with
        # CLUSTER_DIR=var/cluster-test scripts/cluster.sh stop).
        reused = Cluster.load(directory)
        if reused is not None and reused.all_running():
            yield reused
            return
    env, passwords = web_accounts()
    c = Cluster(directory=directory, extra_env=env, passwords=passwords)
    c.destroy()  # leftovers of an interrupted run
    c.save()
    started = time.monotonic()
    try:
        c.start()
    except (ClusterError, subprocess.TimeoutExpired) as exc:
        c.destroy()
        pytest.fail(f"the cluster did not start: {exc}", pytrace=False)
    record("cluster_start_seconds", round(time.monotonic() - started, 1))
    yield c
    if os.environ.get("MILD_CLUSTER_REUSE") == "1":
        return
    # Stop everything and delete the databases; the logs stay in var/cluster-test/logs until the next run.
    c.stop()
    shutil.rmtree(c.service_directory / "postgres", ignore_errors=True)
    shutil.rmtree(c.service_directory / "redis", ignore_errors=True)


@pytest.fixture
def healthy_cluster(cluster):
    """The cluster with every part running (a test that stopped a part and failed may leave it down)."""
    status = cluster.sh("status", check=False).stdout
    if "stopped" in status:
        cluster.start()
    return cluster
