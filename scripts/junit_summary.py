"""Adds up the pytest JUnit reports of `make test` into one closing line.

python -m scripts.junit_summary results/junit   ->   "tests: 812 passed, 0 failed, 3 skipped"
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def totals(folder: Path) -> tuple[int, int, int]:
    passed = failed = skipped = 0
    for report in sorted(folder.glob("*.xml")):
        for suite in ET.parse(report).getroot().iter("testsuite"):
            tests, skips = int(suite.get("tests", 0)), int(suite.get("skipped", 0))
            bad = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
            passed += tests - skips - bad
            failed += bad
            skipped += skips
    return passed, failed, skipped


if __name__ == "__main__":
    p, f, s = totals(Path(sys.argv[1]))
    print(f"tests: {p} passed, {f} failed, {s} skipped")
    sys.exit(1 if f or not p else 0)
