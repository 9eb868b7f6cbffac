"""The written slot cases (tests/data/slots_blind*) as a regression guard.

The sets were written from the spec alone, by writers who saw neither the rules nor the
training data, each before the errors of the previous one were mended. First runs: slot
micro-F1 0.812 (set 1), 0.868 (set 2), 0.820 (set 3, written to be inventive), 0.878 (set 4),
0.857 (set 5, 0.895 re-scored), 0.938 (set 6), 0.874 (set 7), 0.862 (set 8).
The errors were then mended; these tests keep the level reached. Red flags are held to every case.
"""

from datetime import date

import pytest
import yaml

from scripts.slot_eval import ASKED, micro, read, score

# micro-F1 each set reached after mending (set 3 keeps disagreements on wording conventions)
LEVELS = {
    "slots_blind": 0.95,
    "slots_blind2": 0.95,
    "slots_blind3": 0.92,
    "slots_blind4": 0.92,
    "slots_blind5": 0.89,
    "slots_blind6": 0.93,
    "slots_blind7": 0.86,
    "slots_blind8": 0.86,
}  # set 5: first run 0.857 as first scored, 0.895 re-scored (README); set 6: first run 0.938; set 7: 0.874;
# set 8: 0.862
PRECISION = {"slots_blind5": 0.93, "slots_blind7": 0.90, "slots_blind8": 0.92}
# the day each set's writers counted from ("since March" is 9 months in early December, 8 on 30 November)
WRITTEN_ON = {"slots_blind8": date(2026, 12, 2)}
SETS = {name: yaml.safe_load(open(f"tests/data/{name}/cases.yml", encoding="utf-8")) for name in LEVELS}
CASES = [case for cases in SETS.values() for case in cases]


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch, request):
    name = getattr(request.node, "callspec", None) and request.node.callspec.params.get("name")
    day = WRITTEN_ON.get(name, date(2026, 11, 30))
    monkeypatch.setattr("mild_nlp.clock.today", lambda: day)


@pytest.mark.parametrize("name", sorted(SETS))
def test_slot_filling_stays_above_its_mended_level(name):
    counts, wrong = score(SETS[name])
    precision, recall, f1 = micro(counts)
    assert f1 >= LEVELS[name] and precision >= PRECISION.get(name, 0.95), [c["text"] for c, _ in wrong]


@pytest.mark.parametrize(
    "case", [c for c in CASES if (c.get("expect") or {}).get("red_flags") == "yes"], ids=lambda c: c["text"][:40]
)
def test_every_red_flag_case_is_an_emergency(case):
    assert read(case["text"], case.get("asked")).get("red_flags") in ("yes", ASKED)  # set, or asked at once


@pytest.mark.parametrize(
    "case", [c for c in CASES if (c.get("expect") or {}).get("red_flags") != "yes"], ids=lambda c: c["text"][:40]
)
def test_no_false_emergency(case):
    assert read(case["text"], case.get("asked")).get("red_flags") != "yes"
