"""Faults: conversations survive restarts of the Rasa servers and of the action servers; while
no action server is up, a message gets a short apology and the conversation continues once one is
back; while PostgreSQL is down, a message gets a clear error, Rasa stays up, and it recovers by
itself once PostgreSQL is back.
"""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from tests.production.conftest import record
from tests.production.support import (
    RECOMMEND,
    RECOMMEND_REQUESTED,
    check_conversation,
    client_session,
    new_sender,
    run,
    send,
    tracker,
)

APOLOGY_WORDS = ("sorry", "technical problem", "try again")


@dataclass
class Conv:
    """A textbook screening sent turn by turn, alternately to the given servers."""

    index: int
    sender: str = field(default_factory=lambda: new_sender("fault"))
    sent: List[str] = field(default_factory=list)  # what the tracker must hold
    at: int = 0  # next message of RECOMMEND
    silent: List[int] = field(default_factory=list)  # messages answered while a server was down

    async def step(self, session, urls: List[str], problems: List[str]) -> Optional[list]:
        text = RECOMMEND[self.at]
        url = urls[(self.index + self.at) % len(urls)]
        status, body = await send(session, url, self.sender, text)
        if status != 200 or not isinstance(body, list) or not body:
            problems.append(f"{self.sender} turn {self.at} ({text!r}) to {url}: HTTP {status} {str(body)[:160]}")
            return None
        self.sent.append(text)
        self.at += 1
        return body

    async def requested_slot(self, session, cluster) -> Any:
        return (await tracker(session, cluster.rasa_urls[self.index % 2], cluster.token, self.sender))["slots"].get(
            "requested_slot"
        )


async def _advance(session, convs: List[Conv], urls: List[str], upto, problems: List[str]) -> None:
    async def one(c: Conv):
        while c.at < min(upto(c), len(RECOMMEND)):
            if await c.step(session, urls, problems) is None:
                return

    await asyncio.gather(*[one(c) for c in convs])


async def _check_finished(session, cluster, convs: List[Conv]) -> Dict[str, List[str]]:
    problems = {}
    for c in convs:
        tj = await tracker(session, cluster.rasa_urls[c.index % 2], cluster.token, c.sender)
        found = check_conversation(tj, c.sender, c.sent, "recommend_consult", c.silent)
        if found:
            problems[c.sender] = found
    return problems


async def _requested_slots(session, cluster, convs: List[Conv]) -> Dict[str, Any]:
    """Each conversation's open question (its requested_slot), by sender."""
    return {c.sender: await c.requested_slot(session, cluster) for c in convs}


async def _finish(session, cluster, convs: List[Conv], problems: List[str]) -> Dict[str, List[str]]:
    """Send every conversation's remaining messages, then check the finished conversations."""
    await _advance(session, convs, cluster.rasa_urls, lambda c: len(RECOMMEND), problems)
    return await _check_finished(session, cluster, convs)


def _advance_and_read_slots(cluster, convs: List[Conv], upto, seconds: float) -> Dict[str, Any]:
    """Every conversation as far as `upto(conv)` messages; then their open questions, by sender."""

    async def go():
        problems: List[str] = []
        async with client_session() as session:
            await _advance(session, convs, cluster.rasa_urls, upto, problems)
            slots = await _requested_slots(session, cluster, convs)
        return problems, slots

    problems, slots = run(go(), seconds)
    assert not problems, problems
    return slots


def _assert_all_finished(problems: List[str], finished: Dict[str, List[str]]) -> None:
    assert not problems, problems
    assert not finished, finished


def _while_stopped(cluster, parts: Tuple[str, ...], scenario, seconds: float) -> Any:
    """Stop `parts`, run the coroutine `scenario()` (at most `seconds`), start them again whatever happens."""
    cluster.stop(*parts)
    try:
        return run(scenario(), seconds)
    finally:
        cluster.start(*parts)


def _is_apology(body: Any) -> bool:
    texts = " ".join(m.get("text") or "" for m in body) if isinstance(body, list) else str(body)
    return any(w in texts.lower() for w in APOLOGY_WORDS)


# ------------------------------------------------------------------------------------ Rasa
def test_restarting_the_rasa_servers_mid_conversation_loses_nothing(healthy_cluster):
    cluster = healthy_cluster
    convs = [Conv(i) for i in range(20)]
    half = {c.sender: 2 + c.index % 9 for c in convs}  # stop at different questions
    timings = {}

    slots_before = _advance_and_read_slots(cluster, convs, lambda c: half[c.sender], 240)
    assert all(slots_before[c.sender] == RECOMMEND_REQUESTED[c.at - 1] for c in convs), slots_before
    pids = (cluster.pid("rasa1"), cluster.pid("rasa2"))
    started = time.monotonic()
    cluster.restart("rasa1", "rasa2")  # both: no server keeps anything in memory
    timings["restart_seconds"] = round(time.monotonic() - started, 1)
    assert (cluster.pid("rasa1"), cluster.pid("rasa2")) != pids and None not in pids

    async def after():
        problems: List[str] = []
        async with client_session() as session:
            slots = await _requested_slots(session, cluster, convs)
            finished = await _finish(session, cluster, convs, problems)
        return problems, slots, finished

    problems, slots_after, finished = run(after(), 300)
    record("fault_rasa_restart", timings)
    assert slots_after == slots_before, "a conversation did not continue where it was"
    _assert_all_finished(problems, finished)


# ------------------------------------------------------------------------------------ actions
def test_restarting_each_action_server_during_conversations_is_invisible(healthy_cluster):
    cluster = healthy_cluster
    convs = [Conv(i) for i in range(20)]

    async def scenario():
        problems: List[str] = []
        async with client_session() as session:
            talk = asyncio.ensure_future(
                _advance(session, convs, cluster.rasa_urls, lambda c: len(RECOMMEND), problems)
            )
            await asyncio.sleep(1.0)
            for part in ("actions1", "actions2"):  # a rolling restart while the conversations go on
                await asyncio.get_running_loop().run_in_executor(None, cluster.restart, part)
            await talk
            finished = await _check_finished(session, cluster, convs)
        return problems, finished

    _assert_all_finished(*run(scenario(), 300))


def test_while_no_action_server_is_up_a_message_gets_an_apology_and_the_conversation_continues(healthy_cluster):
    cluster = healthy_cluster
    convs = [Conv(i) for i in range(20)]
    half = {c.sender: 3 + c.index % 8 for c in convs}
    slots_before = _advance_and_read_slots(cluster, convs, lambda c: half[c.sender], 240)

    async def during():
        answers = {}
        async with client_session(timeout=60) as session:
            for c in convs:  # the next answer, while no action server is up
                url = cluster.rasa_urls[c.index % 2]
                started = time.monotonic()
                status, body = await send(session, url, c.sender, RECOMMEND[c.at])
                answers[c.sender] = (status, body, time.monotonic() - started)
                # It is in the tracker (answered by the channel, not by a bot event); the same
                # answer is sent again once the action servers are back.
                c.silent.append(len(c.sent))
                c.sent.append(RECOMMEND[c.at])
            slots = await _requested_slots(session, cluster, convs)
        return answers, slots

    answers, slots_during = _while_stopped(cluster, ("actions1", "actions2"), during, 180)
    bad = {s: a[:2] for s, a in answers.items() if a[0] != 200 or not a[1] or not _is_apology(a[1])}
    assert not bad, f"no apology while the action servers were down: {list(bad.items())[:3]}"
    slow = {s: round(a[2], 1) for s, a in answers.items() if a[2] > 10}
    assert not slow, f"the apology took too long: {slow}"
    assert slots_during == slots_before, "a message during the outage changed the open question"

    async def after():
        problems: List[str] = []
        async with client_session() as session:
            finished = await _finish(session, cluster, convs, problems)
        return problems, finished

    _assert_all_finished(*run(after(), 240))


# ------------------------------------------------------------------------------------ PostgreSQL
def test_while_postgresql_is_down_the_person_gets_a_clear_error_and_rasa_recovers_by_itself(healthy_cluster):
    cluster = healthy_cluster
    convs = [Conv(i) for i in range(6)]
    rasa_pids = (cluster.pid("rasa1"), cluster.pid("rasa2"))
    slots_before = _advance_and_read_slots(cluster, convs, lambda c: 4, 120)

    async def during():
        answers = {}
        async with client_session(timeout=60) as session:
            for c in convs:
                answers[c.sender] = await send(session, cluster.rasa_urls[c.index % 2], c.sender, RECOMMEND[c.at])
            # ... and through nginx
            answers["nginx"] = await send(session, cluster.http_url, convs[0].sender, RECOMMEND[convs[0].at])
            up = []
            for url in cluster.rasa_urls:
                async with session.get(url + "/") as resp:
                    up.append(resp.status)
        return answers, up

    answers, up = _while_stopped(cluster, ("postgres",), during, 120)
    unclear = {
        s: (st, str(b)[:200])
        for s, (st, b) in answers.items()
        if not ((st >= 500 and isinstance(b, dict)) or (st == 200 and b and _is_apology(b)))
    }
    assert not unclear, f"no clear error while PostgreSQL was down: {list(unclear.items())[:3]}"
    assert up == [200, 200], "a Rasa server stopped answering"
    assert (cluster.pid("rasa1"), cluster.pid("rasa2")) == rasa_pids and all(
        os.path.exists(f"/proc/{p}") for p in rasa_pids
    ), "a Rasa server was restarted"

    async def after():
        problems: List[str] = []
        async with client_session() as session:
            # Recovery without a restart: the conversations continue where they were.
            deadline = time.monotonic() + 30
            while True:
                status, body = await send(session, cluster.rasa_urls[0], new_sender("probe"), "hi")
                if status == 200 and body and not _is_apology(body):
                    break
                assert time.monotonic() < deadline, f"no recovery 30 s after PostgreSQL came back: {status} {body}"
                await asyncio.sleep(1)
            slots = await _requested_slots(session, cluster, convs)
            finished = await _finish(session, cluster, convs, problems)
        return problems, slots, finished

    problems, slots_after, finished = run(after(), 240)
    assert slots_after == slots_before, "a conversation did not continue where it was"
    _assert_all_finished(problems, finished)
