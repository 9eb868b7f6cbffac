"""Command line for screening records (batch exports, the FHIR Questionnaire, retention).

    python -m records export --format json|csv|fhir [--id SCREENING_ID] [--outcome OUTCOME ...]
                             [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--channel web|staff]
                             [--status finished|abandoned] [--appointment] [--out FILE]
    python -m records questionnaire [--out FILE]
    python -m records retention [--days N] [--dry-run]   (N defaults to MILD_RETENTION_DAYS)
    python -m records audit-retention [--days N]  (N defaults to MILD_AUDIT_RETENTION_DAYS, else 2190)
    python -m records import TRACKER.json ...     (load tracker dumps into the events table)

Every export writes one access-audit entry per screening (user "os:<login>", role "cli").

The database is ``--db URL``, else ``DB_URL``, else ``sqlite:///var/rasa.db``. Output goes to
stdout unless ``--out`` is given. Exit status 2 for bad arguments, 1 when --id is not found.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import time
from datetime import date
from pathlib import Path
from typing import Optional

from records import export, fhir
from records.audit import AuditLog
from records.audit import retention_days as audit_retention_days
from records.callbacks import CallbackStore
from records.questions import OUTCOMES
from records.store import Filters, RecordStore, db_url_from_env


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from err


def _outcomes(values: Optional[list]) -> list:
    out = []
    for value in values or []:
        for part in value.split(","):
            part = part.strip()
            if part:
                if part not in OUTCOMES and part != "none":
                    raise SystemExit(f"unknown outcome {part!r}; one of: {', '.join(OUTCOMES)}, none")
                out.append(part)
    return out


def _write(text: str, out: Optional[str]) -> None:
    if out:
        path = Path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}", file=sys.stderr)
    else:
        sys.stdout.write(text)


def cmd_export(args: argparse.Namespace) -> int:
    store = RecordStore(args.db)
    filters = Filters(
        outcome=_outcomes(args.outcome),
        since=args.since,
        until=args.until,
        channel=args.channel,
        status=args.status,
        appointment=True if args.appointment else None,
        screening_id=args.id,
    )
    records = store.list(filters)
    if args.id and not records:
        print(f"no screening {args.id}", file=sys.stderr)
        return 1
    records = CallbackStore(store.engine).attach(records)  # the call-back status and history
    AuditLog(store.engine).write(
        _os_user(),
        "cli",
        f"export_{args.format}",
        [r["screening_id"] for r in records] or [None],
        detail="python -m records export",
    )
    if args.format == "json":
        if args.id:
            text = export.dumps(export.record_json(records[0], store.reviews(args.id)))
        else:
            latest = store.latest_reviews()
            text = export.dumps(
                [
                    export.record_json(r, [latest[r["screening_id"]]] if r["screening_id"] in latest else [])
                    for r in records
                ]
            )
    elif args.format == "csv":
        text = export.to_csv(records, store.latest_reviews())
    else:
        text = export.dumps(export.to_fhir(records, single=bool(args.id)))
    _write(text, args.out)
    print(f"exported {len(records)} screening(s)", file=sys.stderr)
    return 0


def cmd_questionnaire(args: argparse.Namespace) -> int:
    _write(export.dumps(fhir.to_json_dict(fhir.questionnaire())), args.out)
    return 0


def cmd_retention(args: argparse.Namespace) -> int:
    if args.days is None:
        configured = os.environ.get("MILD_RETENTION_DAYS", "").strip()
        try:
            args.days = float(configured)
        except ValueError:
            print("give --days N or set MILD_RETENTION_DAYS", file=sys.stderr)
            return 2
    if args.days < 0:
        print("--days must be 0 or more", file=sys.stderr)
        return 2
    store = RecordStore(args.db)
    if args.dry_run:
        cutoff = time.time() - args.days * 86400
        old = {r["sender_id"] for r in store.records() if (r.get("ended_ts") or 0) < cutoff}
        print(f"would delete about {len(old)} conversations (with screenings)")
        return 0
    deleted = store.delete_older_than(args.days)
    removed = CallbackStore(store.engine).delete_orphans(store.conversation_ids())
    print(f"deleted {deleted} conversations" + (f" ({removed} call-back requests)" if removed else ""))
    return 0


def cmd_audit_retention(args: argparse.Namespace) -> int:
    """The access audit's own retention (MILD_AUDIT_RETENTION_DAYS, default six years)."""
    days = args.days if args.days is not None else audit_retention_days()
    if days < 0:
        print("--days must be 0 or more", file=sys.stderr)
        return 2
    print(
        f"deleted {AuditLog(RecordStore(args.db).engine).purge_older_than(days)} audit entries older than {days:g} days"
    )
    return 0


def _os_user() -> str:
    try:
        return "os:" + getpass.getuser()
    except (KeyError, OSError):
        return "os:unknown"


def cmd_import(args: argparse.Namespace) -> int:
    store = RecordStore(args.db)
    store.create_events_table()
    total = 0
    for name in args.files:
        tracker = json.loads(Path(name).read_text(encoding="utf-8"))
        sender_id = args.sender_prefix + str(tracker["sender_id"])
        if store.events_of(sender_id):
            print(f"skipped {name}: conversation {sender_id} already present", file=sys.stderr)
            continue
        total += store.add_events(sender_id, tracker.get("events") or [])
    print(f"imported {total} events")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m records", description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default=None, help="database URL (default: DB_URL or sqlite:///var/rasa.db)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("export", help="export screening records")
    p.add_argument("--format", choices=("json", "csv", "fhir"), default="json")
    p.add_argument("--id", help="one screening_id")
    p.add_argument("--outcome", action="append", help="outcome code(s), repeat or comma-separate; 'none' = no outcome")
    p.add_argument("--since", type=_date, help="first day (clinic time zone)")
    p.add_argument("--until", type=_date, help="last day, included")
    p.add_argument("--channel", choices=("web", "staff"))
    p.add_argument("--status", choices=("finished", "abandoned"))
    p.add_argument("--appointment", action="store_true", help="only screenings with an appointment request")
    p.add_argument("--out", help="write to this file instead of stdout")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("questionnaire", help="print the FHIR Questionnaire")
    p.add_argument("--out")
    p.set_defaults(func=cmd_questionnaire)

    p = sub.add_parser("retention", help="delete conversations whose last event is older than N days")
    p.add_argument("--days", type=float, help="retention in days (default: MILD_RETENTION_DAYS)")
    p.add_argument("--dry-run", action="store_true")
    p.set_defaults(func=cmd_retention)

    p = sub.add_parser("audit-retention", help="delete access-audit entries older than N days")
    p.add_argument("--days", type=float, help="default: MILD_AUDIT_RETENTION_DAYS, else 2190 (six years)")
    p.set_defaults(func=cmd_audit_retention)

    p = sub.add_parser("import", help="load tracker JSON dumps into the events table")
    p.add_argument("files", nargs="+")
    p.add_argument("--sender-prefix", default="", help="prefix for the imported conversation ids")
    p.set_defaults(func=cmd_import)
    return parser


def main(argv: Optional[list] = None) -> int:
    args = build_parser().parse_args(argv)
    if args.db is None:
        args.db = db_url_from_env()
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
