"""The privacy notice's words (issue 15): retention from MILD_RETENTION_DAYS, the clinic, a person to call."""

from __future__ import annotations

from webapp.config import WebConfig
from webapp.patient import privacy


def test_retention_comes_from_the_setting(monkeypatch):
    monkeypatch.setenv("MILD_RETENTION_DAYS", "90")
    notice = privacy.notice(WebConfig.from_env().retention_days)
    assert notice["kept"] == "Pain clinic keeps them for 90 days, then deletes them."
    assert "Nobody watches this chat live" in notice["live"]
    assert [o["display"] for o in notice["offices"]] == ["781-927-PAIN (7246)", "978-927-PAIN (7246)"]
    for bad in ("", "soon", "-1"):
        monkeypatch.setenv("MILD_RETENTION_DAYS", bad)
        assert WebConfig.from_env().retention_days is None
    assert privacy.notice(None)["kept"] == "Pain clinic keeps them; no automatic deletion date is set."
    assert privacy.notice(1)["kept"] == "Pain clinic keeps them for 1 day, then deletes them."
    assert privacy.notice(30.5)["kept"] == "Pain clinic keeps them for 30.5 days, then deletes them."
