"""Scale-out on Rasa's own design: two Rasa servers sharing the PostgreSQL tracker store and the
Redis lock store. 200 conversations run at the same time; the turns of each go alternately to the
two Rasa servers directly (not through nginx). Every conversation must reach the outcome of its
script, with exactly the messages that were sent (none lost, none twice, in order), a bot answer
after each of them, every answer addressed to its own conversation, and its own slots.
"""

from __future__ import annotations

import asyncio
import time

from tests.production.conftest import record
from tests.production.support import (
    SCRIPTS,
    check_conversation,
    client_session,
    new_sender,
    run,
    script_mix,
    send,
    tracker,
)

CONVERSATIONS = 200
TIME_LIMIT = 420  # seconds for the whole test; it takes about a minute and a half on 2 cores


async def _converse(session, urls, index, script):
    sender = new_sender(f"c{index:03d}")
    problems = []
    for turn, text in enumerate(SCRIPTS[script]):
        url = urls[(index + turn) % 2]  # alternate; half the conversations start on each server
        status, body = await send(session, url, sender, text)
        if status != 200:
            problems.append(f"turn {turn} ({text!r}) to {url}: HTTP {status} {str(body)[:200]}")
            break
        if not isinstance(body, list) or not body:
            problems.append(f"turn {turn} ({text!r}) to {url}: no bot message")
        elif any(m.get("recipient_id") != sender for m in body):
            problems.append(f"turn {turn}: an answer addressed to {[m.get('recipient_id') for m in body]}")
    return sender, script, problems


async def _scenario(cluster):
    urls = cluster.rasa_urls
    async with client_session() as session:
        started = time.monotonic()
        results = await asyncio.gather(
            *[_converse(session, urls, i, s) for i, s in enumerate(script_mix(CONVERSATIONS))]
        )
        elapsed = time.monotonic() - started
        # Read every tracker back, alternately from both servers.
        problems = {}
        for i, (sender, script, conv_problems) in enumerate(results):
            tj = await tracker(session, urls[i % 2], cluster.token, sender)
            conv_problems = conv_problems + check_conversation(tj, sender, SCRIPTS[script], script)
            if conv_problems:
                problems[f"{sender} ({script})"] = conv_problems
    return results, elapsed, problems


def test_200_concurrent_conversations_alternating_between_two_rasa_servers(healthy_cluster):
    started = time.monotonic()
    results, elapsed, problems = run(_scenario(healthy_cluster), TIME_LIMIT)
    messages = sum(len(SCRIPTS[s]) for _, s, _ in results)
    record(
        "cluster_test",
        {
            "conversations": len(results),
            "messages": messages,
            "conversation_seconds": round(elapsed, 1),
            "messages_per_second": round(messages / elapsed, 1),
            "total_seconds_with_checks": round(time.monotonic() - started, 1),
        },
    )
    print(
        f"\n{len(results)} conversations, {messages} messages in {elapsed:.1f} s "
        f"({messages / elapsed:.1f} messages/s) over two Rasa servers"
    )
    assert len({sender for sender, _, _ in results}) == CONVERSATIONS
    assert not problems, f"{len(problems)} conversations went wrong, e.g.: " + "; ".join(
        f"{k}: {v[:3]}" for k, v in list(problems.items())[:5]
    )
