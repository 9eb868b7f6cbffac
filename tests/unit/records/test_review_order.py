"""The clinicians' list order, channel labels and the drop-off bars' scale (issue 15)."""

from __future__ import annotations

import pytest

from records.attention import attention_first, channel_label
from webapp.review import charts


def rec(sid, ts, outcome=None, emergency=False, **extra):
    return dict(screening_id=sid, started_ts=ts, outcome=outcome, emergency=emergency, **extra)


def test_unreviewed_emergencies_and_urgent_reviews_first_then_newest_first():
    records = [
        rec("new-consult", 900, "recommend_consult"),
        rec("urgent-reviewed", 800, "urgent_review"),
        rec("old-emergency", 100, "emergency", True),
        rec("flag-then-abandoned", 300, None, True),
        rec("urgent", 500, "urgent_review"),
        rec("old-consult", 50, "possible_consult"),
    ]
    ordered = [r["screening_id"] for r in attention_first(records, {"urgent-reviewed"})]
    assert ordered == [
        "urgent",
        "flag-then-abandoned",
        "old-emergency",
        "new-consult",
        "urgent-reviewed",
        "old-consult",
    ]
    # Once reviewed, an emergency takes its place by date.
    ordered = [
        r["screening_id"]
        for r in attention_first(records, {"urgent-reviewed", "urgent", "flag-then-abandoned", "old-emergency"})
    ]
    assert ordered == [
        "new-consult",
        "urgent-reviewed",
        "urgent",
        "flag-then-abandoned",
        "old-emergency",
        "old-consult",
    ]


def test_rest_channel_conversations_are_labelled_as_such():
    assert channel_label({"channel": "web", "input_channels": ["socketio"]}) == "Web"
    assert channel_label({"channel": "web", "input_channels": ["rest"]}) == "REST API"
    assert channel_label({"channel": "web", "input_channels": ["socketio", "rest"]}) == "Web"
    assert channel_label({"channel": "staff", "input_channels": ["staff"]}) == "Staff"
    assert channel_label({"channel": "web"}) == "Web"


def test_drop_off_bars_are_the_percentage_their_labels_read():
    stats = {
        "drop_off": [
            {"slot": "red_flags", "asked": 10, "abandoned": 1, "rate": 0.1},
            {"slot": "urgent_flags", "asked": 2, "abandoned": 1, "rate": 0.5},
            {"slot": "age_years", "asked": 4, "abandoned": 4, "rate": 1.0},
        ]
    }
    drop = charts.drop_off(stats)
    widths = {b["slot"]: b["w"] / drop["track_w"] for b in drop["bars"]}
    assert widths == pytest.approx({"red_flags": 0.1, "urgent_flags": 0.5, "age_years": 1.0}, abs=0.002)
