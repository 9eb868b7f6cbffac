"""The record store over the SQL tracker store's events table, on SQLite (records.store, records CLI)."""

from __future__ import annotations

import csv
import io
import json
import time
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from records import __main__ as cli
from records.store import Filters, RecordStore, dashboard_stats, db_url_from_env, events_table

TRACKERS = Path(__file__).resolve().parents[2] / "data" / "trackers"
FIXTURES = (
    "finished_recommend",
    "correction",
    "abandoned",
    "emergency",
    "staff_entered",
    "restart_two",
    "buttons_only",
)


def load_into(store: RecordStore, names=FIXTURES) -> None:
    for name in names:
        tracker = json.loads((TRACKERS / f"{name}.json").read_text(encoding="utf-8"))
        store.add_events(tracker["sender_id"], tracker["events"])


@pytest.fixture
def db_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'rasa.db'}"


@pytest.fixture
def store(db_url, monkeypatch) -> RecordStore:
    monkeypatch.setenv("MILD_TZ", "America/New_York")
    s = RecordStore(db_url)
    load_into(s)
    return s


def events_snapshot(store: RecordStore) -> list:
    with store.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.select(events_table).order_by(events_table.c.id))]


def ids(records) -> list:
    return [(r["sender_id"], r["outcome"]) for r in records]


def test_missing_events_table_means_no_records(db_url):
    assert RecordStore(db_url).records() == []


def test_lists_every_screening_newest_first(store):
    records = store.list()
    assert len(records) == 8  # seven conversations, one of them with two screenings
    started = [r["started_ts"] for r in records]
    assert started == sorted(started, reverse=True)
    assert records[0]["sender_id"] == "web-b877on5s"
    assert records[-1]["sender_id"] == "web-7f3a9c2e"


def test_filter_by_outcome(store):
    assert {r["sender_id"] for r in store.list(Filters(outcome=["recommend_consult"]))} == {
        "web-7f3a9c2e",
        "web-c0rrec71",
    }
    both = store.list(Filters(outcome=["emergency", "conservative_first"]))
    assert sorted(r["outcome"] for r in both) == ["conservative_first", "emergency"]
    none = store.list(Filters(outcome=["none"]))
    assert {r["status"] for r in none} == {"abandoned"} and len(none) == 2


def test_filter_by_date_range_in_clinic_time(store):
    # 2025-11-20 09:00 UTC is 04:00 in Boston; 2025-11-17 08:00 UTC is 03:00.
    assert ids(store.list(Filters(since=date(2025, 11, 20), until=date(2025, 11, 20)))) == [
        ("web-e3e76e9c", "emergency")
    ]
    assert len(store.list(Filters(since=date(2025, 11, 21)))) == 4
    assert len(store.list(Filters(until=date(2025, 11, 18)))) == 2
    assert store.list(Filters(since=date(2025, 12, 1))) == []


def test_filter_by_channel_and_status(store):
    staff = store.list(Filters(channel="staff"))
    assert [(r["staff_name"], r["outcome"]) for r in staff] == [("Dana Whitfield", "conservative_first")]
    assert len(store.list(Filters(channel="web"))) == 7
    abandoned = store.list(Filters(status="abandoned"))
    assert sorted(r["abandoned_at"] for r in abandoned) == ["leg_symptoms", "walking_tolerance"]
    assert len(store.list(Filters(status="finished"))) == 6


def test_appointment_requests_and_search_by_name_or_phone(store):
    assert ids(store.list(Filters(appointment=True))) == [("web-7f3a9c2e", "recommend_consult")]
    assert len(store.list(Filters(appointment=False))) == 7
    assert ids(store.list(Filters(search="ellis"))) == [("web-7f3a9c2e", "recommend_consult")]
    assert ids(store.list(Filters(search="(781) 555-0142"))) == [("web-7f3a9c2e", "recommend_consult")]
    assert ids(store.list(Filters(search="5550142"))) == [("web-7f3a9c2e", "recommend_consult")]
    assert store.list(Filters(search="Whitfield")) == []  # staff names are not appointment requests
    assert store.list(Filters(search="nobody")) == []


def test_get_by_screening_id(store):
    record = store.list(Filters(channel="staff"))[0]
    assert store.get(record["screening_id"]) == record
    assert store.get("does-not-exist") is None


def test_reviews_are_stored_apart_and_never_change_events(store):
    before = events_snapshot(store)
    record = store.list(Filters(outcome=["emergency"]))[0]
    first = store.add_review(record["screening_id"], "Dr. Lee", "Called the patient; went to the ED.", now=1000.0)
    second = store.add_review(record["screening_id"], "  Dr. Shah ", "", now=2000.0)
    assert first["reviewer"] == "Dr. Lee" and second["reviewer"] == "Dr. Shah" and second["note"] == ""
    assert [r["reviewer"] for r in store.reviews(record["screening_id"])] == ["Dr. Lee", "Dr. Shah"]
    assert store.latest_reviews()[record["screening_id"]]["reviewer"] == "Dr. Shah"
    assert events_snapshot(store) == before
    assert store.get(record["screening_id"]) == record
    assert ids(store.list(Filters(reviewed=True))) == [("web-e3e76e9c", "emergency")]
    assert len(store.list(Filters(reviewed=False))) == 7
    with pytest.raises(ValueError):
        store.add_review(record["screening_id"], "   ")
    with pytest.raises(KeyError):
        store.add_review("nope", "Dr. Lee")


def test_new_events_are_picked_up(store):
    record = store.list(Filters(status="abandoned", since=date(2025, 11, 19), until=date(2025, 11, 19)))[0]
    t = record["ended_ts"] + 5
    store.add_events(
        record["sender_id"],
        [
            {
                "event": "user",
                "timestamp": t,
                "text": "less than 50 feet",
                "parse_data": {"intent": {"name": "inform"}},
                "input_channel": "socketio",
            },
            {"event": "slot", "timestamp": t + 0.1, "name": "walking_tolerance", "value": "under_50_feet"},
            {"event": "slot", "timestamp": t + 0.2, "name": "requested_slot", "value": "symptom_duration_months"},
        ],
    )
    again = store.get(record["screening_id"])
    assert again["answers"]["walking_tolerance"]["words"] == "less than 50 feet"
    assert again["abandoned_at"] == "symptom_duration_months"


def test_retention_deletes_old_conversations_and_their_reviews(store):
    emergency = store.list(Filters(outcome=["emergency"]))[0]
    newest = store.list()[0]
    store.add_review(emergency["screening_id"], "Dr. Lee")
    store.add_review(newest["screening_id"], "Dr. Lee")
    # "now" is 2025-11-23 00:00 UTC: conversations whose last event is before 2025-11-21 00:00 go.
    now = 1763856000.0
    assert store.delete_older_than(2, now=now) == 4
    left = {r["sender_id"] for r in store.list()}
    assert left == {"staff-dw-20251121-01", "web-r35t4r7x", "web-b877on5s"}
    assert store.reviews(emergency["screening_id"]) == []
    assert len(store.reviews(newest["screening_id"])) == 1
    assert store.delete_older_than(2, now=now) == 0
    assert store.delete_older_than(0, now=time.time()) == 3
    assert store.list() == []


def test_dashboard_stats(store):
    stats = store.stats(date(2025, 11, 16), date(2025, 11, 23))
    assert stats["total"] == 8 and stats["finished"] == 6 and stats["abandoned"] == 2
    assert stats["completion_rate"] == pytest.approx(0.75)
    assert stats["per_day"]["2025-11-22"]["not_indicated"] == 1 and stats["per_day"]["2025-11-22"]["none"] == 1
    assert stats["per_day"]["2025-11-17"]["recommend_consult"] == 1
    assert sum(sum(d.values()) for d in stats["per_day"].values()) == 8
    drop = {d["slot"]: d for d in stats["drop_off"]}
    assert drop["walking_tolerance"]["abandoned"] == 1 and drop["leg_symptoms"]["abandoned"] == 1
    assert drop["red_flags"]["asked"] == 8
    assert stats["appointment_requests"] == 1 and stats["emergencies"] == 1 and stats["staff_entered"] == 1
    empty = dashboard_stats([], date(2025, 1, 1), date(2025, 1, 3))
    assert empty["completion_rate"] is None and empty["days"] == ["2025-01-01", "2025-01-02", "2025-01-03"]


def test_db_url_from_env():
    assert db_url_from_env({}) == "sqlite:///var/rasa.db"
    assert db_url_from_env({"DB_URL": "postgresql://a:b@h:5432/d"}) == "postgresql://a:b@h:5432/d"
    assert db_url_from_env({"DB_URL": "", "DB_DIALECT": "sqlite", "DB_NAME": "/x/y.db"}) == "sqlite:////x/y.db"
    assert (
        db_url_from_env(
            {
                "DB_DIALECT": "postgresql",
                "DB_NAME": "mild",
                "DB_HOST": "127.0.0.1",
                "DB_PORT": "5433",
                "DB_USER": "mild",
                "DB_PASSWORD": "p@ss",
            }
        )
        == "postgresql://mild:p%40ss@127.0.0.1:5433/mild"
    )


# --- command line ------------------------------------------------------------------------------


def run_cli(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_export_json_csv_fhir(store, db_url, capsys, tmp_path):
    code, out, _ = run_cli(capsys, "--db", db_url, "export", "--format", "json", "--outcome", "recommend_consult")
    assert code == 0
    data = json.loads(out)
    assert {r["sender_id"] for r in data} == {"web-7f3a9c2e", "web-c0rrec71"}
    assert all("transcript" in r and "reviews" in r for r in data)

    code, out, _ = run_cli(capsys, "--db", db_url, "export", "--format", "csv", "--since", "2025-11-21")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 4 and {r["channel"] for r in rows} == {"web", "staff"}
    assert rows[0]["red_flags"] == "no"

    sid = store.list(Filters(channel="staff"))[0]["screening_id"]
    target = tmp_path / "one.fhir.json"
    code, _, err = run_cli(capsys, "--db", db_url, "export", "--format", "fhir", "--id", sid, "--out", str(target))
    assert code == 0 and "exported 1" in err
    resource = json.loads(target.read_text())
    assert resource["resourceType"] == "QuestionnaireResponse" and resource["id"] == sid

    code, out, _ = run_cli(capsys, "--db", db_url, "export", "--format", "fhir")
    assert json.loads(out)["resourceType"] == "Bundle"

    code, out, err = run_cli(capsys, "--db", db_url, "export", "--id", "missing")
    assert code == 1 and "no screening" in err


def test_cli_questionnaire(capsys):
    code, out, _ = run_cli(capsys, "questionnaire")
    assert code == 0 and json.loads(out)["resourceType"] == "Questionnaire"


def test_cli_retention(store, db_url, capsys):
    code, out, _ = run_cli(capsys, "--db", db_url, "retention", "--days", "36500")
    assert code == 0 and out.strip() == "deleted 0 conversations"
    code, out, _ = run_cli(capsys, "--db", db_url, "retention", "--days", "0")
    assert out.strip() == "deleted 7 conversations"


def test_csv_cells_cannot_become_formulas(db_url, capsys):
    s = RecordStore(db_url)
    s.add_events(
        "x",
        [
            {"event": "slot", "timestamp": 1.0, "name": "requested_slot", "value": "red_flags"},
            {"event": "user", "timestamp": 2.0, "text": "no", "parse_data": {"intent": {"name": "deny"}}},
            {"event": "slot", "timestamp": 3.0, "name": "red_flags", "value": "no"},
            {"event": "slot", "timestamp": 4.0, "name": "appointment_consent", "value": "yes"},
            {"event": "slot", "timestamp": 5.0, "name": "contact_name", "value": '=HYPERLINK("http://x")'},
        ],
    )
    _, out, _ = run_cli(capsys, "--db", db_url, "export", "--format", "csv")
    row = next(csv.DictReader(io.StringIO(out)))
    assert row["contact_name"].startswith("'=")


def test_cli_retention_days_from_the_environment(store, db_url, capsys, monkeypatch):
    monkeypatch.delenv("MILD_RETENTION_DAYS", raising=False)
    code, _, err = run_cli(capsys, "--db", db_url, "retention")
    assert code == 2 and "MILD_RETENTION_DAYS" in err
    monkeypatch.setenv("MILD_RETENTION_DAYS", "36500")
    code, out, _ = run_cli(capsys, "--db", db_url, "retention")
    assert code == 0 and out.strip() == "deleted 0 conversations"
    code, out, _ = run_cli(capsys, "--db", db_url, "retention", "--days", "0", "--dry-run")
    assert out.startswith("would delete about 7 conversations")
    assert len(RecordStore(db_url).list()) == 8
