"""Red-flag stress set: recall and false-flag rate of each reader and of their union.

    python -m scripts.flag_stress_eval [tests/data/flag_stress/clauses.yml] [--show]

Each clause is labelled red, urgent or none. A reader "raises" a flag of a kind when:
- rules: mild_nlp's rules read a non-negated flag of that kind;
- learned: the second reader's probability for that kind reaches its "unsure" threshold
  (sure or unsure; both lead at least to a question);
- union: mild_nlp.flag_union finds that kind (the flag stands, or a flag question is asked).
Recall is over the clauses of that kind; the false-flag rate is the share of `none`
clauses (the hard negatives) on which a flag of either kind is raised.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from mild_nlp.extract import understand
from mild_nlp.second_reader import SecondReader

DEFAULT = Path(__file__).resolve().parents[1] / "tests" / "data" / "flag_stress" / "clauses.yml"
READERS = ("rules", "learned", "union")


def raised(text: str, reader: SecondReader) -> dict:
    """reader name -> set of kinds it raises for this text."""
    u = understand(text)
    learned = set()
    for reading in reader.read(text):
        for kind in ("red", "urgent"):
            if reader.verdict(reading, kind):
                learned.add(kind)
    rules = {"red"} if u.red_flag_mentions else set()
    rules |= {"urgent"} if u.urgent_flag_mentions else set()
    return {"rules": rules, "learned": learned, "union": {f.kind for f in u.flags}}


def main(argv: list[str]) -> int:
    path = Path(next((a for a in argv if not a.startswith("--")), DEFAULT))
    show = "--show" in argv
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    reader = SecondReader.load()
    hits = {(r, k): 0 for r in READERS for k in ("red", "urgent")}
    false = {r: 0 for r in READERS}
    totals = {"red": 0, "urgent": 0, "none": 0}
    missed, flagged = [], []
    for item in items:
        label, text = item["flag"], item["text"]
        totals[label] += 1
        got = raised(text, reader)
        for r in READERS:
            if label == "none":
                false[r] += bool(got[r])
            elif label in got[r]:
                hits[(r, label)] += 1
        if label != "none" and label not in got["union"]:
            missed.append((label, item.get("kind"), text, got))
        if label == "none" and got["union"]:
            flagged.append((item.get("kind"), text, got))
    print(
        f"stress set: {len(items)} clauses ({totals['red']} red, {totals['urgent']} urgent, "
        f"{totals['none']} hard negatives)"
    )
    print(f"{'reader':<8} {'red recall':>11} {'urgent recall':>14} {'false-flag rate':>16}")
    for r in READERS:
        red = hits[(r, "red")] / totals["red"] if totals["red"] else 1
        urgent = hits[(r, "urgent")] / totals["urgent"] if totals["urgent"] else 1
        fp = false[r] / totals["none"] if totals["none"] else 0
        print(f"{r:<8} {red:>11.3f} {urgent:>14.3f} {fp:>16.3f}")
    if show:
        for label, kind, text, got in missed:
            print(f"MISSED {label}/{kind}: {text!r} {got}")
        for kind, text, got in flagged:
            print(f"FLAGGED none/{kind}: {text!r} {got}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
