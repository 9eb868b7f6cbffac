"""The written slot cases (tests/data/slots_blind, slots_blind2) as a regression guard.

Both sets were written from the spec alone, by writers who saw neither the rules nor the
training data. First runs: slot micro-F1 0.812 (set 1) and 0.868 (set 2, written after set 1's
errors were mended); the errors were then mended and these tests keep what was mended.
Red flags are held to every case.
"""
from collections import Counter
from datetime import date

import pytest
import yaml

from scripts.slot_eval import read, score, _f1

SETS = {name: yaml.safe_load(open(f"tests/data/{name}/cases.yml", encoding="utf-8"))
        for name in ("slots_blind", "slots_blind2")}
CASES = [case for cases in SETS.values() for case in cases]


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("mild_nlp.clock.today", lambda: date(2026, 11, 30))


@pytest.mark.parametrize("name", sorted(SETS))
def test_slot_filling_stays_above_its_mended_level(name):
    counts, wrong = score(SETS[name])
    precision, recall, f1 = _f1(sum(counts.values(), Counter()))
    assert f1 >= 0.95 and precision >= 0.97, [c["text"] for c, _ in wrong]


@pytest.mark.parametrize("case", [c for c in CASES if (c.get("expect") or {}).get("red_flags") == "yes"],
                         ids=lambda c: c["text"][:40])
def test_every_red_flag_case_is_an_emergency(case):
    assert read(case["text"], case.get("asked")).get("red_flags") == "yes"


@pytest.mark.parametrize("case", [c for c in CASES if (c.get("expect") or {}).get("red_flags") != "yes"],
                         ids=lambda c: c["text"][:40])
def test_no_false_emergency(case):
    assert read(case["text"], case.get("asked")).get("red_flags") != "yes"
