"""Conversation-level evaluation: whole screenings played through the REST channel.

    python -m scripts.conversation_eval [tests/data/conversations_blind/conversations.yml] [--show]

Starts the action server and the Rasa server (the trained model, SQLite), then plays each
written conversation as a simulated person: it sends the opening, answers each question
the bot asks with the writer's words for that slot, sends the writer's extra messages
(procedure questions, corrections, late red flags) after the bot's N-th question, and
answers a check (flag question, read-back, confirmation) truthfully from the case's
`truth`: yes when the bot's reading is right, no when it is not. When the bot asks the same
question a third time in a row, the person gives up on their own words and answers in the
plainest way the chat offers: the answer button for the true value (a number typed as a
number); these fall-backs are counted. A person whose opening the bot did not take as the
start of a screening taps "Start the screening" if the bot offers it (counted too). The bot's state is read
from the tracker (requested_slot, pending_check, triage_outcome) over the HTTP API.

Prints outcome accuracy, emergency recall, flag questions per screening, clarifying and
confirming questions per screening, re-asks of an answered slot per 10 screenings,
questions per screening and `unsure` answers read as `no`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import uuid
from collections import Counter
from pathlib import Path

import aiohttp
import yaml

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "tests" / "data" / "conversations_blind" / "conversations.yml"
MAX_TURNS = 45
YES_NO_ANSWER = {True: "yes", False: "no"}
PLAIN_AFTER = 2  # asks of the same question in a row before the person falls back to the buttons
NUMBER_SLOTS = ("age_years", "symptom_duration_months")
START_PAYLOAD = "/start_screening"


def _offers_start(replies: list) -> bool:
    """The bot's last messages offer the "Start the screening" button."""
    return any(b.get("payload") == START_PAYLOAD for m in replies or [] for b in m.get("buttons") or [])


def plainest(slot: str, value) -> str:
    """The true answer as the chat's own button for it would send it (a number as typed)."""
    if slot in NUMBER_SLOTS and isinstance(value, (int, float)):
        return f"{value:g} months" if slot == "symptom_duration_months" else f"{value:g}"
    return "/inform" + json.dumps({slot: value}, separators=(",", ":"))


class Player:
    def __init__(self, session: aiohttp.ClientSession, rasa_url: str, token: str) -> None:
        self.session, self.rasa_url, self.token = session, rasa_url, token

    async def send(self, sender: str, text: str) -> list:
        async with self.session.post(
            f"{self.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text}
        ) as r:
            r.raise_for_status()
            return await r.json()

    async def slots(self, sender: str) -> dict:
        async with self.session.get(
            f"{self.rasa_url}/conversations/{sender}/tracker", params={"token": self.token}
        ) as r:
            r.raise_for_status()
            data = await r.json()
        slots = data.get("slots") or {}
        slots["_active_loop"] = (data.get("active_loop") or {}).get("name")
        return slots

    async def play(self, case: dict) -> dict:
        sender = "eval-" + uuid.uuid4().hex
        truth, answers = case.get("truth") or {}, case.get("answers") or {}
        events = sorted(case.get("events") or [], key=lambda e: e.get("after_question", 0))
        answered = set(case.get("opening_answers") or [])
        stats = Counter()
        transcript = [("person", case["opening"])]
        replies = await self.send(sender, case["opening"])
        start_tapped = False
        questions = 0
        last_asked, in_a_row = None, 0
        for _ in range(MAX_TURNS):
            slots = await self.slots(sender)
            outcome = slots.get("triage_outcome")
            requested = slots.get("requested_slot")
            if outcome == "emergency" or (outcome and slots["_active_loop"] != "screening_form"):
                break
            if slots["_active_loop"] != "screening_form" or not requested:
                if start_tapped or not _offers_start(replies):
                    break
                start_tapped = True  # the bot offers the screening: the person taps the button
                stats["tapped_start"] += 1
                transcript.append(("person", START_PAYLOAD))
                replies = await self.send(sender, START_PAYLOAD)
                continue
            check = slots.get("pending_check")
            if events and events[0].get("after_question", 0) <= questions:
                event = events.pop(0)
                text = event["text"]
                answered |= set((event.get("settles") or {}).keys())
            elif check:
                text = self._answer_check(check, truth, answers, stats)
            else:
                questions += 1
                stats["questions"] += 1
                answered_before = requested in answered
                if answered_before:
                    stats["re_asks"] += 1
                    stats[f"re_ask:{requested}"] += 1
                in_a_row = in_a_row + 1 if requested == last_asked else 1
                last_asked = requested
                if in_a_row > PLAIN_AFTER:
                    stats["fell_back_to_buttons"] += 1
                    text = plainest(requested, truth.get(requested))
                else:
                    text = str(answers.get(requested, "I'm not sure"))
                answered.add(requested)
                if events and events[0].get("after_question", 0) <= questions:
                    event = events.pop(0)  # the person says this before answering the question
                    transcript.append(("bot asks", requested))
                    transcript.append(("person", event["text"]))
                    settles = set((event.get("settles") or {}).keys())
                    answered |= settles
                    await self.send(sender, event["text"])
                    slots = await self.slots(sender)
                    if (
                        slots.get("triage_outcome") == "emergency"
                        or slots.get("requested_slot") != requested
                        or slots.get("pending_check")
                    ):
                        if not answered_before and requested not in settles:
                            answered.discard(requested)  # the person never gave this answer
                        continue  # the bot moved on (or asks back); answer what it asks now
            transcript.append(("bot asks", f"{check['kind']}:{check['slot']}" if check else requested))
            transcript.append(("person", text))
            replies = await self.send(sender, text)
        slots = await self.slots(sender)
        unsure_as_no = [s for s, v in truth.items() if v == "unsure" and slots.get(s) == "no"]
        return {
            "id": case["id"],
            "expected": case["expected_outcome"],
            "got": slots.get("triage_outcome"),
            "stats": stats,
            "unsure_as_no": unsure_as_no,
            "transcript": transcript,
            "slots": {s: slots.get(s) for s in truth},
        }

    @staticmethod
    def _answer_check(check: dict, truth: dict, answers: dict, stats: Counter) -> str:
        kind, slot = check["kind"], check["slot"]
        if kind == "flag":
            stats["flag_questions"] += 1
            return YES_NO_ANSWER[truth.get(slot) == "yes"]
        stats["clarifying"] += 1
        if kind == "clarify":
            return str(answers.get(slot, "no"))
        return YES_NO_ANSWER[_same(check.get("value"), truth.get(slot))]


def _same(got, want) -> bool:
    """A read value against the truth: numbers as numbers (2.0 is 2), everything else as text."""
    try:
        return abs(float(got) - float(want)) <= 0.1
    except (TypeError, ValueError):
        return str(got) == str(want)


async def run_all(cases: list, rasa_url: str, token: str) -> list:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:
        player = Player(session, rasa_url, token)
        return [await player.play(case) for case in cases]


def report(results: list, show: bool = False) -> dict:
    n = len(results)
    total = sum((r["stats"] for r in results), Counter())
    right = sum(r["got"] == r["expected"] for r in results)
    emergencies = [r for r in results if r["expected"] == "emergency"]
    caught = sum(r["got"] == "emergency" for r in emergencies)
    false_emergency = sum(r["got"] == "emergency" and r["expected"] != "emergency" for r in results)
    figures = {
        "conversations": n,
        "outcome_accuracy": right / n if n else 0.0,
        "emergency_recall": caught / len(emergencies) if emergencies else 1.0,
        "false_emergencies": false_emergency,
        "flag_questions_per_screening": total["flag_questions"] / n if n else 0.0,
        "clarifying_per_screening": total["clarifying"] / n if n else 0.0,
        "re_asks_per_10": 10 * total["re_asks"] / n if n else 0.0,
        "questions_per_screening": total["questions"] / n if n else 0.0,
        "unsure_read_as_no": sum(len(r["unsure_as_no"]) for r in results),
        "fell_back_to_buttons": total["fell_back_to_buttons"],
        "tapped_start": total["tapped_start"],
    }
    print(f"conversations: {n}")
    print(f"outcome accuracy: {figures['outcome_accuracy']:.3f} ({right}/{n})")
    print(
        f"emergency recall: {figures['emergency_recall']:.3f} ({caught}/{len(emergencies)}); "
        f"emergencies that were not: {false_emergency}"
    )
    print(f"flag questions per screening: {figures['flag_questions_per_screening']:.2f}")
    print(f"clarifying or confirming questions per screening: {figures['clarifying_per_screening']:.2f}")
    print(f"re-asks of an answered slot per 10 screenings: {figures['re_asks_per_10']:.2f}")
    print(f"questions per screening: {figures['questions_per_screening']:.2f}")
    print(f"unsure read as no: {figures['unsure_read_as_no']}")
    print(
        "the person fell back to the answer buttons (a question asked 3 times in a row): "
        f"{figures['fell_back_to_buttons']}"
    )
    print(f"openings not taken as a screening, then started by its button: {figures['tapped_start']}")
    re_asked = Counter({k.split(":", 1)[1]: v for k, v in total.items() if k.startswith("re_ask:")})
    if re_asked:
        print("re-asked slots: " + ", ".join(f"{s} {c}" for s, c in re_asked.most_common()))
    for r in results:
        if r["got"] != r["expected"] or (show and (r["stats"]["re_asks"] or r["unsure_as_no"])):
            print(f"\n{r['id']}: expected {r['expected']}, got {r['got']} {dict(r['stats'])}")
            if show:
                for who, text in r["transcript"]:
                    print(f"    {who:>9}: {text}")
                print(f"    slots: {r['slots']}")
    return figures


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", nargs="?", default=str(DEFAULT))
    parser.add_argument("--show", action="store_true")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from tests.support.servers import Stack

    cases = yaml.safe_load(open(args.path, encoding="utf-8"))
    stack = Stack.with_free_ports(
        name="conversation-eval", start_web=False, db_path=ROOT / "var" / "conversation-eval.db"
    )
    stack.db_path.unlink(missing_ok=True)
    stack.start()
    try:
        results = asyncio.run(run_all(cases, stack.rasa_url, stack.token))
    finally:
        stack.stop()
    report(results, args.show)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
