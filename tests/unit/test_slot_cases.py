"""The written slot cases (tests/data/slots_blind) as a regression guard.

They were written from the spec alone; the first run scored slot micro-F1 0.812, the errors
were mended, and these tests keep what was mended. Red flags are held to every case.
"""
from collections import Counter
from datetime import date

import pytest
import yaml

from scripts.slot_eval import read, score, _f1

CASES = yaml.safe_load(open("tests/data/slots_blind/cases.yml", encoding="utf-8"))


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("mild_nlp.clock.today", lambda: date(2026, 11, 30))


def test_slot_filling_stays_above_its_mended_level():
    counts, wrong = score(CASES)
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
