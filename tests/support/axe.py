"""Deque's axe-core in the browser tests: audit a Playwright page or frame for WCAG 2.1 A/AA rules.

axe.min.js comes from the npm package pinned in scripts/install_axe.sh (run here when it is
missing, so a fresh CI machine gets it by itself). It is evaluated in the page through the
DevTools protocol, which a page's Content-Security-Policy does not block.

Every audit appends one line to var/logs/axe-counts.jsonl (page, viewport, state, violations by
impact), from which the counts of the report are read.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections import Counter
from typing import Any, Dict, List

from tests.support.servers import LOG_DIR, REPO_ROOT

AXE_VERSION = "4.10.2"
AXE_JS = REPO_ROOT / "var" / "cache" / "axe-core" / AXE_VERSION / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING = ("serious", "critical")
COUNTS_LOG = LOG_DIR / "axe-counts.jsonl"

_source: Dict[str, str] = {}


def axe_source() -> str:
    if "js" not in _source:
        if not AXE_JS.exists():
            subprocess.run(["bash", str(REPO_ROOT / "scripts" / "install_axe.sh")], cwd=REPO_ROOT, check=True)
        _source["js"] = AXE_JS.read_text(encoding="utf-8")
    return _source["js"]


def audit(target, name: str, state: str) -> List[Dict[str, Any]]:
    """The WCAG 2.1 A/AA violations on `target` (a Page or a Frame); logged with their counts."""
    if not target.evaluate("() => typeof window.axe === 'object'"):
        target.evaluate(axe_source())
    result = target.evaluate(
        "async (tags) => await window.axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    violations = result["violations"]
    page = getattr(target, "page", target)
    size = page.viewport_size or {}
    counts = Counter(v.get("impact") or "none" for v in violations)
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    with open(COUNTS_LOG, "a", encoding="utf-8") as log:
        log.write(
            json.dumps(
                {
                    "at": time.strftime("%Y-%m-%dT%H:%M:%S"),
                    "page": name,
                    "state": state,
                    "viewport": f"{size.get('width')}x{size.get('height')}",
                    "counts": dict(counts),
                    "rules": sorted({v["id"] for v in violations}),
                }
            )
            + "\n"
        )
    return violations


def failing(violations: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [v for v in violations if v.get("impact") in FAILING]


def describe(violations: List[Dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        targets = [" ".join(map(str, n.get("target", []))) for n in v.get("nodes", [])[:4]]
        lines.append(f"{v['impact']}: {v['id']} ({v['help']}) at {targets}")
    return "\n".join(lines)


def assert_no_serious(target, name: str, state: str) -> None:
    bad = failing(audit(target, name, state))
    assert not bad, f"axe-core {AXE_VERSION}: {name} [{state}]\n" + describe(bad)
