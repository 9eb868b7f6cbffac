"""One place for each fact: domain.yml, the web pages and the records say what the catalogue says."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

from records import questions as record_questions
from screening import catalogue, clinic, questionnaire, triage, wording
from scripts import write_domain

ROOT = Path(__file__).resolve().parents[3]
PHONE = re.compile(r"\b\d{3}-\d{3}-[0-9A-Z]{4}\b")
SOURCES = (
    "domain.yml",
    "credentials.yml",
    "endpoints.yml",
    "actions",
    "channels",
    "records",
    "screening",
    "webapp",
    "deploy",
    "README.md",
    "docs",
)
NOT_THE_CLINIC = {"781-555-0123"}  # the example number in "for example 781-555-0123"


def _files():
    for name in SOURCES:
        path = ROOT / name
        paths = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for p in paths:
            if p.suffix in {".py", ".yml", ".yaml", ".md", ".html", ".js", ".css", ".conf", ".j2", ".txt"}:
                yield p


def test_domain_block_is_written_from_the_catalogue():
    domain = (ROOT / "domain.yml").read_text(encoding="utf-8")
    assert write_domain.rewrite(domain) == domain, "domain.yml is stale: run `make domain`"
    result = subprocess.run(
        [sys.executable, "-m", "scripts.write_domain", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_domain_questions_and_buttons_are_the_catalogues():
    responses = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]
    for ask in catalogue.ASKS:
        variations = responses[f"utter_ask_{ask.slot}"]
        match = [
            v
            for v in variations
            if (v.get("channel") or "patient") == ask.voice
            and ((v.get("condition") or [{}])[0].get("value") == ask.variant)
        ]
        assert len(match) == 1, (ask.slot, ask.variant, ask.voice)
        assert match[0]["text"] == ask.text
        titles = [b["title"] for b in match[0].get("buttons", [])]
        assert titles == [title for title, _ in ask.buttons]
        for _title, answers in ask.buttons:
            for slot, value in answers.items():
                if slot in catalogue.ALLOWED_VALUES:
                    assert value in catalogue.ALLOWED_VALUES[slot], (slot, value)
                elif slot in catalogue.BOUNDS:
                    assert catalogue.BOUNDS[slot].admits(value) or value == catalogue.DECLINED, (slot, value)
    office_buttons = [b["title"] for b in responses["utter_ask_preferred_office"][0]["buttons"]]
    assert office_buttons == list(clinic.OFFICE_NAMES)


def test_every_phone_number_in_the_project_is_one_of_the_clinics():
    numbers = {o.display.split(" ")[0] for o in clinic.OFFICES}
    seen = set()
    for path in _files():
        for found in PHONE.findall(path.read_text(encoding="utf-8", errors="replace")):
            if found in NOT_THE_CLINIC:
                continue
            assert found in numbers, f"{path.relative_to(ROOT)}: {found} is not a number in screening/clinic.py"
            seen.add((path.relative_to(ROOT).as_posix(), found))
    # The numbers are written out only where a file cannot import them: clinic.py, the written block
    # of domain.yml and the documentation.
    where = {p for p, _ in seen}
    assert where <= {"screening/clinic.py", "domain.yml", "README.md", "docs/contracts.md"}, where


def test_the_catalogue_covers_every_slot_and_outcome():
    assert set(catalogue.QUESTIONS) == set(catalogue.SLOTS) == set(catalogue.SHORT)
    assert tuple(catalogue.OUTCOMES) == triage.OUTCOMES
    assert questionnaire.SLOTS is catalogue.SLOTS
    assert record_questions.QUESTIONS is catalogue.QUESTIONS
    assert set(wording.TITLES) == set(wording.STAFF_TITLES) == set(triage.OUTCOMES)
    for slot in catalogue.SLOTS:
        assert catalogue.asks_for(slot, "patient") and catalogue.asks_for(slot, "staff"), slot
