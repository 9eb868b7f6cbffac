"""Exports of screening records: JSON, CSV (one row per screening) and FHIR."""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Iterable, Mapping, Optional, Sequence

from records import fhir
from records.questions import SLOTS

CSV_FIELDS = (
    [
        "screening_id",
        "started",
        "ended",
        "channel",
        "answered_by",
        "staff_name",
        "status",
        "abandoned_at",
        "emergency",
        "outcome",
        "rules_version",
    ]
    + list(SLOTS)
    + [
        "reasons",
        "notes",
        "corrected",
        "appointment_consent",
        "contact_name",
        "contact_phone",
        "preferred_office",
        "reviewed_by",
        "reviewed_at",
        "callback_status",
        "callback_attempts",
        "booked_for",
        "booked_office",
    ]
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def record_json(record: Mapping[str, Any], reviews: Optional[list] = None) -> dict:
    """A record as exported: the derived record, plus its reviews when given (kept apart)."""
    out = dict(record)
    if reviews is not None:
        out["reviews"] = list(reviews)
    return out


def dumps(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet will not run as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return f"{value:g}" if isinstance(value, float) else value
    text = str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def csv_row(record: Mapping[str, Any], latest_review: Optional[Mapping[str, Any]] = None) -> dict:
    answers = record.get("answers") or {}
    appointment = record.get("appointment") or {}
    row = {
        "screening_id": record.get("screening_id"),
        "started": record.get("started"),
        "ended": record.get("ended"),
        "channel": record.get("channel"),
        "answered_by": record.get("answered_by"),
        "staff_name": record.get("staff_name"),
        "status": record.get("status"),
        "abandoned_at": record.get("abandoned_at"),
        "emergency": bool(record.get("emergency")),
        "outcome": record.get("outcome"),
        "rules_version": record.get("rules_version"),
        "reasons": "; ".join(str(r.get("code")) for r in record.get("reasons") or []),
        "notes": "; ".join(str(n.get("code")) for n in record.get("notes") or []),
        "corrected": "; ".join(s for s in SLOTS if (answers.get(s) or {}).get("history")),
        "appointment_consent": appointment.get("consent"),
        "contact_name": appointment.get("name"),
        "contact_phone": appointment.get("phone"),
        "preferred_office": appointment.get("office"),
        "reviewed_by": (latest_review or {}).get("reviewer"),
        "reviewed_at": (latest_review or {}).get("reviewed_at"),
    }
    callback = record.get("callback") or {}  # records.callbacks.CallbackStore.attach
    row.update(
        callback_status=callback.get("status"),
        callback_attempts=callback.get("attempts"),
        booked_for=callback.get("booked_for"),
        booked_office=callback.get("booked_office"),
    )
    for slot in SLOTS:
        row[slot] = (answers.get(slot) or {}).get("value")
    return {k: _cell(row.get(k)) for k in CSV_FIELDS}


def to_csv(records: Iterable[Mapping[str, Any]], latest_reviews: Optional[Mapping[str, Mapping]] = None) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for record in records:
        screening_id = record.get("screening_id")
        latest = (latest_reviews or {}).get(screening_id) if isinstance(screening_id, str) else None
        writer.writerow(csv_row(record, latest))
    return buffer.getvalue()


def to_fhir(records: Sequence[Mapping[str, Any]], single: bool = False) -> dict:
    """One QuestionnaireResponse (single=True), else a collection Bundle with the Questionnaire."""
    if single:
        if len(records) != 1:
            raise ValueError("single FHIR export needs exactly one record")
        return fhir.to_json_dict(fhir.questionnaire_response(records[0]))
    return fhir.to_json_dict(fhir.bundle(records))
