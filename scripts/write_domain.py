"""Writes domain.yml's questions and the replies that name the clinic's offices or numbers.

    .venv/bin/python -m scripts.write_domain           # rewrite the block in domain.yml
    .venv/bin/python -m scripts.write_domain --check   # exit 1 if domain.yml is out of date

domain.yml stays Rasa's file; one block of it, between the two marker comments, is written from
screening/catalogue.py (the questions and their buttons), screening/clinic.py (offices, numbers)
and screening/wording.py (the replies that name them). So changing a question's words, a phone
number or an office is an edit to one of those files, then `make domain` (which `make train` runs).
tests/unit/screening/test_catalogue_domain.py fails if the block is stale.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional

from screening import catalogue, wording

DOMAIN = Path(__file__).resolve().parents[1] / "domain.yml"
BEGIN = "  # >>> written by `make domain` from screening/catalogue.py, clinic.py and wording.py: edit those"
END = "  # <<< end of the written block"


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _payload(answers: Mapping[str, Any]) -> str:
    # Rasa fills {slot} placeholders in responses, so the payload's braces are doubled.
    body = json.dumps(dict(answers), separators=(",", ":")).replace("{", "{{").replace("}", "}}")
    return f"'/inform{body}'"


def _variation(
    text: str, channel: Optional[str], variant: Optional[str], buttons: Iterable[tuple[str, Mapping[str, Any]]]
) -> list[str]:
    lines: list[str] = []
    head = "    - "
    if variant:
        lines.append(f"{head}condition: [{{type: slot, name: question_variant, value: {variant}}}]")
        head = "      "
    if channel:
        lines.append(f"{head}channel: {channel}")
        head = "      "
    lines.append(f"{head}text: {_quoted(text)}")
    buttons = list(buttons)
    if buttons:
        lines.append("      buttons:")
        lines += [f"        - {{title: {_quoted(title)}, payload: {_payload(answers)}}}" for title, answers in buttons]
    return lines


def block() -> str:
    lines = [BEGIN, "  # questions: the form asks utter_ask_<slot>; conditions on question_variant pick the wording"]
    for slot in catalogue.SLOTS:
        lines.append(f"  utter_ask_{slot}:")
        for ask in (a for a in catalogue.ASKS if a.slot == slot):
            lines += _variation(ask.text, None if ask.voice == "patient" else ask.voice, ask.variant, ask.buttons)
    lines.append("  # replies that name the clinic's offices or numbers")
    for name, variations in wording.CLINIC_REPLIES.items():
        lines.append(f"  {name}:")
        for v in variations:
            lines += _variation(v["text"], v.get("channel"), None, v.get("buttons", ()))
    lines.append(END)
    return "\n".join(lines) + "\n"


def rewrite(text: str) -> str:
    """`text` (domain.yml) with its written block replaced by the current one."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise ValueError("domain.yml has no written block (its marker comments are missing)")
    end = text.index("\n", end) + 1
    return text[:start] + block() + text[end:]


def main(argv: Optional[list] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check; exit 1 if domain.yml is stale")
    args = parser.parse_args(argv)
    current = DOMAIN.read_text(encoding="utf-8")
    wanted = rewrite(current)
    if args.check:
        if wanted != current:
            print("domain.yml is out of date with screening/catalogue.py: run `make domain`", file=sys.stderr)
            return 1
        return 0
    if wanted != current:
        DOMAIN.write_text(wanted, encoding="utf-8")
        print("domain.yml: written block updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
