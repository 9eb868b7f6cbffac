"""HL7 FHIR R4 export: the screening ``Questionnaire`` and one ``QuestionnaireResponse`` per screening.

Resources are built as plain dicts, then parsed (validated) with ``fhir.resources`` 6.5, whose models
are FHIR 4.3 (R4B); Questionnaire and QuestionnaireResponse are unchanged from R4 (4.0.1) there,
so the JSON is valid R4. ``fhir.resources`` checks structure and datatypes but not code lists or the
response against its questionnaire; ``check_response`` adds those checks.

One Questionnaire item per spec slot (``linkId`` = slot name): coded slots are ``choice`` items with
``answerOption`` codings in ``https://mild-intake.example/fhir/CodeSystem/<slot>``; duration is
``decimal``, age ``integer`` (a declined age is an item without answer, marked with the standard
data-absent-reason extension ``asked-declined``). Read-only items carry the outcome, its reasons and
notes, the rules version, who answered and the appointment request. The person's own words travel
with each answer in the extension ``.../StructureDefinition/source-text``.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any, Iterable, Mapping, Optional

from fhir.resources.bundle import Bundle
from fhir.resources.questionnaire import Questionnaire
from fhir.resources.questionnaireresponse import QuestionnaireResponse

from records import fhir_callback
from records.questions import (
    ITEM_TYPES,
    OFFICES,
    OPTIONS,
    OUTCOME_LABELS,
    QUESTIONS,
    RULES_VERSION,
    SLOTS,
)

BASE = "https://mild-intake.example/fhir"
QUESTIONNAIRE_ID = "mild-screening"
QUESTIONNAIRE_URL = f"{BASE}/Questionnaire/{QUESTIONNAIRE_ID}"
SCREENING_ID_SYSTEM = f"{BASE}/screening-id"
SOURCE_TEXT_URL = f"{BASE}/StructureDefinition/source-text"
PREVIOUS_VALUE_URL = f"{BASE}/StructureDefinition/previous-value"
# How an answer was reached (stated, button, confirmed, clarified, corrected, flag_question) and,
# for a flag question, which reader raised it (rules, learned): extensions on the answer.
ANSWER_PROVENANCE_URL = f"{BASE}/StructureDefinition/answer-provenance"
RAISED_BY_URL = f"{BASE}/StructureDefinition/flag-raised-by"
DATA_ABSENT_REASON_URL = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
STATUS_BY_RECORD = {"finished": "completed", "abandoned": "stopped"}

# Read-only items after the spec's questions: what the assistant concluded and recorded.
EXTRA_ITEMS: tuple[dict, ...] = (
    {
        "linkId": "triage_outcome",
        "text": "Screening outcome",
        "type": "choice",
        "readOnly": True,
        "answerOption": [
            {"valueCoding": {"system": f"{BASE}/CodeSystem/triage_outcome", "code": code, "display": label}}
            for code, label in OUTCOME_LABELS.items()
        ],
    },
    {
        "linkId": "triage_reasons",
        "text": "Reasons for the outcome (answers that led to it)",
        "type": "open-choice",
        "repeats": True,
        "readOnly": True,
    },
    {
        "linkId": "triage_notes",
        "text": "Notes shown with the outcome",
        "type": "open-choice",
        "repeats": True,
        "readOnly": True,
    },
    {"linkId": "rules_version", "text": "Triage rules version", "type": "string", "readOnly": True},
    {
        "linkId": "answer_checks",
        "text": "Questions asked back (flag questions, clarifications, read-backs, confirmations) and their answers",
        "type": "string",
        "repeats": True,
        "readOnly": True,
    },
    {
        "linkId": "answered_by",
        "text": "Who answered",
        "type": "choice",
        "readOnly": True,
        "answerOption": [
            {
                "valueCoding": {
                    "system": f"{BASE}/CodeSystem/answered_by",
                    "code": "patient",
                    "display": "Patient (web)",
                }
            },
            {
                "valueCoding": {
                    "system": f"{BASE}/CodeSystem/answered_by",
                    "code": "staff",
                    "display": "Staff on behalf of a caller",
                }
            },
        ],
    },
    {
        "linkId": "appointment_request",
        "text": "Appointment request",
        "type": "group",
        "readOnly": True,
        "item": [
            {
                "linkId": "appointment_consent",
                "text": "Consented to an appointment request",
                "type": "choice",
                "answerOption": [
                    {
                        "valueCoding": {
                            "system": f"{BASE}/CodeSystem/appointment_consent",
                            "code": c,
                            "display": c.capitalize(),
                        }
                    }
                    for c in ("yes", "no")
                ],
            },
            {"linkId": "contact_name", "text": "Name", "type": "string"},
            {"linkId": "contact_phone", "text": "Phone", "type": "string"},
            {
                "linkId": "preferred_office",
                "text": "Preferred office",
                "type": "choice",
                "answerOption": [
                    {"valueCoding": {"system": f"{BASE}/CodeSystem/preferred_office", "code": o, "display": o}}
                    for o in OFFICES
                ],
            },
        ],
    },
)
REASON_SYSTEM = f"{BASE}/CodeSystem/triage_reason"
NOTE_SYSTEM = f"{BASE}/CodeSystem/triage_note"


class FhirValidationError(ValueError):
    pass


def code_system(slot: str) -> str:
    return f"{BASE}/CodeSystem/{slot}"


def _coding(slot: str, code: str) -> dict:
    return {"system": code_system(slot), "code": str(code), "display": OPTIONS.get(slot, {}).get(str(code), str(code))}


def questionnaire_dict() -> dict:
    """The Questionnaire as a plain dict (not yet validated)."""
    items = []
    for slot in SLOTS:
        item: dict[str, Any] = {"linkId": slot, "text": QUESTIONS[slot], "type": ITEM_TYPES[slot]}
        if slot in OPTIONS:
            item["answerOption"] = [{"valueCoding": _coding(slot, code)} for code in OPTIONS[slot]]
        if slot == "age_years":
            item["text"] += " (may be declined)"
        items.append(item)
    items.extend(json.loads(json.dumps(EXTRA_ITEMS)))
    return {
        "resourceType": "Questionnaire",
        "id": QUESTIONNAIRE_ID,
        "url": QUESTIONNAIRE_URL,
        "version": RULES_VERSION,
        "name": "MildConsultationScreening",
        "title": "MILD consultation screening",
        "status": "active",
        "subjectType": ["Patient"],
        "publisher": "MILD intake assistant",
        "description": (
            "Screens people with back and leg pain for a consultation to discuss MILD (minimally invasive "
            "lumbar decompression). Rules version " + RULES_VERSION + ". Not a diagnosis."
        ),
        "item": items,
    }


def questionnaire() -> Questionnaire:
    return Questionnaire.parse_obj(questionnaire_dict())


def _fhir_id(value: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9\-.]", "-", str(value))[:64]
    return cleaned or "screening"


def _answer_value(slot: str, value: Any) -> Optional[dict]:
    kind = ITEM_TYPES.get(slot)
    if kind == "choice":
        return {"valueCoding": _coding(slot, value)}
    if kind == "integer":
        if isinstance(value, bool):
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, int):
            return {"valueInteger": value}
        if isinstance(value, str) and value.strip().isdigit():
            return {"valueInteger": int(value)}
        return None
    if kind == "decimal":
        if isinstance(value, bool):
            return None
        try:
            return {"valueDecimal": float(value)}
        except (TypeError, ValueError):
            return None
    return {"valueString": str(value)}


def _text_ext(url: str, text: Any) -> Optional[dict]:
    if text is None or not str(text).strip():
        return None
    return {"url": url, "valueString": str(text)}


def _answer_item(slot: str, answer: Mapping[str, Any]) -> dict:
    value = answer.get("value")
    item: dict[str, Any] = {"linkId": slot, "text": QUESTIONS[slot]}
    extensions = [
        e
        for e in (
            [_text_ext(SOURCE_TEXT_URL, answer.get("words"))]
            + [_text_ext(PREVIOUS_VALUE_URL, h.get("value")) for h in answer.get("history") or []]
            + [{"url": ANSWER_PROVENANCE_URL, "valueCode": str(answer["how"])} if answer.get("how") else None]
            + [{"url": RAISED_BY_URL, "valueCode": str(r)} for r in answer.get("raised_by") or []]
        )
        if e
    ]
    if slot == "age_years" and value == "declined":
        item["extension"] = [{"url": DATA_ABSENT_REASON_URL, "valueCode": "asked-declined"}] + extensions
        return item
    answer_value = _answer_value(slot, value)
    if answer_value is None:
        answer_value = {"valueString": str(value)}
    if extensions:
        answer_value["extension"] = extensions
    item["answer"] = [answer_value]
    return item


CHECK_NAMES = {
    "flag": "flag question",
    "clarify": "clarifying question",
    "ask_back": "read-back",
    "confirm": "confirmation",
}


def check_line(check: Mapping[str, Any]) -> str:
    """One asked-back question as a line: 'flag question on red_flags (raised by learned) about
    "my bottom is numb": no'."""
    name = CHECK_NAMES.get(str(check.get("kind")), str(check.get("kind")))
    readers = f" (raised by {', '.join(check['readers'])})" if check.get("readers") else ""
    about = f' about "{check["words"]}"' if check.get("words") else ""
    return f"{name} on {check.get('slot')}{readers}{about}: {check.get('answer')}"


def _source(record: Mapping[str, Any]) -> dict:
    if record.get("channel") == "staff":
        return {"type": "Practitioner", "display": record.get("staff_name") or "Clinic staff"}
    appointment = record.get("appointment") or {}
    return {"type": "Patient", "display": appointment.get("name") or "Web patient (not identified)"}


def questionnaire_response_dict(record: Mapping[str, Any]) -> dict:
    """The screening record as a QuestionnaireResponse dict (not yet validated)."""
    items = [_answer_item(slot, record["answers"][slot]) for slot in SLOTS if slot in record.get("answers", {})]
    if record.get("outcome"):
        outcome = record["outcome"]
        items.append(
            {
                "linkId": "triage_outcome",
                "answer": [
                    {
                        "valueCoding": {
                            "system": f"{BASE}/CodeSystem/triage_outcome",
                            "code": outcome,
                            "display": OUTCOME_LABELS.get(outcome, outcome),
                        }
                    }
                ],
            }
        )
    for link_id, system, entries in (
        ("triage_reasons", REASON_SYSTEM, record.get("reasons")),
        ("triage_notes", NOTE_SYSTEM, record.get("notes")),
    ):
        answers = []
        for entry in entries or []:
            coding = {"system": system, "code": str(entry.get("code") or "unspecified")}
            if entry.get("text"):
                coding["display"] = str(entry["text"])
            answers.append({"valueCoding": coding})
        if answers:
            items.append({"linkId": link_id, "answer": answers})
    checks_done = [{"valueString": check_line(c)} for c in record.get("checks") or []]
    if checks_done:
        items.append({"linkId": "answer_checks", "answer": checks_done})
    if record.get("rules_version"):
        items.append({"linkId": "rules_version", "answer": [{"valueString": str(record["rules_version"])}]})
    if record.get("answered_by") in ("patient", "staff"):
        by = record["answered_by"]
        items.append(
            {
                "linkId": "answered_by",
                "answer": [
                    {
                        "valueCoding": {
                            "system": f"{BASE}/CodeSystem/answered_by",
                            "code": by,
                            "display": "Patient (web)" if by == "patient" else "Staff on behalf of a caller",
                        }
                    }
                ],
            }
        )
    appointment = record.get("appointment") or {}
    sub = []
    if appointment.get("consent"):
        sub.append(
            {
                "linkId": "appointment_consent",
                "answer": [
                    {
                        "valueCoding": {
                            "system": f"{BASE}/CodeSystem/appointment_consent",
                            "code": appointment["consent"],
                            "display": str(appointment["consent"]).capitalize(),
                        }
                    }
                ],
            }
        )
    for key, link_id in (("name", "contact_name"), ("phone", "contact_phone")):
        if appointment.get(key) and str(appointment[key]).strip():
            sub.append({"linkId": link_id, "answer": [{"valueString": str(appointment[key])}]})
    if appointment.get("office"):
        sub.append(
            {
                "linkId": "preferred_office",
                "answer": [
                    {
                        "valueCoding": {
                            "system": f"{BASE}/CodeSystem/preferred_office",
                            "code": appointment["office"],
                            "display": appointment["office"],
                        }
                    }
                ],
            }
        )
    if sub:
        items.append({"linkId": "appointment_request", "item": sub})
    status = record.get("status")
    resource = {
        "resourceType": "QuestionnaireResponse",
        "id": _fhir_id(record["screening_id"]),
        "identifier": {"system": SCREENING_ID_SYSTEM, "value": str(record["screening_id"])},
        "questionnaire": f"{QUESTIONNAIRE_URL}|{record.get('rules_version') or RULES_VERSION}",
        "status": STATUS_BY_RECORD.get(status, "stopped") if isinstance(status, str) else "stopped",
        "source": _source(record),
        "author": {"type": "Device", "display": "MILD intake assistant"},
        "item": items,
    }
    authored = last_changed(record)
    if authored:
        resource["authored"] = authored
    return resource


def last_changed(record: Mapping[str, Any]) -> Optional[str]:
    """When the answers were last changed (QuestionnaireResponse.authored): the latest answer or outcome."""
    times = [a.get("at") for a in (record.get("answers") or {}).values() if a.get("at")]
    if record.get("outcome_at"):
        times.append(record["outcome_at"])
    # ISO strings in UTC with the same format sort in time order.
    return max(times) if times else (record.get("ended") or record.get("started"))


def questionnaire_response(record: Mapping[str, Any]) -> QuestionnaireResponse:
    """The validated QuestionnaireResponse of one screening record."""
    data = questionnaire_response_dict(record)
    response = QuestionnaireResponse.parse_obj(data)
    check_response(data)
    return response


def to_json_dict(resource) -> dict:
    """A validated fhir.resources model as a JSON-ready dict."""
    return json.loads(resource.json())


def bundle(records: Iterable[Mapping[str, Any]], include_questionnaire: bool = True) -> Bundle:
    """A collection Bundle: the Questionnaire, then one QuestionnaireResponse per record."""
    entries = []
    if include_questionnaire:
        entries.append({"fullUrl": QUESTIONNAIRE_URL, "resource": questionnaire_dict()})
    for record in records:
        data = questionnaire_response_dict(record)
        check_response(data)
        entries.append({"fullUrl": f"{BASE}/QuestionnaireResponse/{data['id']}", "resource": data})
        entries += fhir_callback.entries(record, data["id"], BASE)  # ServiceRequest / Appointment
    return Bundle.parse_obj({"resourceType": "Bundle", "type": "collection", "entry": entries})


# --- checks that fhir.resources does not make ---------------------------------------------------


def _items_by_link_id(items: Iterable[Mapping[str, Any]], out: Optional[dict] = None) -> dict:
    out = {} if out is None else out
    for item in items:
        out[item["linkId"]] = item
        _items_by_link_id(item.get("item") or [], out)
    return out


_VALUE_KEYS = {
    "choice": ("valueCoding",),
    "open-choice": ("valueCoding", "valueString"),
    "integer": ("valueInteger",),
    "decimal": ("valueDecimal",),
    "string": ("valueString",),
}


def check_response(response: Mapping[str, Any], questionnaire_data: Optional[Mapping[str, Any]] = None) -> None:
    """Check a QuestionnaireResponse dict against the Questionnaire: known linkIds, answer types,
    codings from the answer options, single answers for non-repeating items, a valid status."""
    questionnaire_data = questionnaire_data or questionnaire_dict()
    known = _items_by_link_id(questionnaire_data["item"])
    problems = []
    if response.get("status") not in ("in-progress", "completed", "amended", "entered-in-error", "stopped"):
        problems.append(f"status {response.get('status')!r} is not a QuestionnaireResponse status")
    expected = f"{questionnaire_data['url']}|{questionnaire_data['version']}"
    if response.get("questionnaire") not in (questionnaire_data["url"], expected):
        problems.append(f"questionnaire {response.get('questionnaire')!r} is not {expected}")

    def walk(items: Iterable[Mapping[str, Any]]) -> None:
        for item in items:
            definition = known.get(item.get("linkId"))
            if definition is None:
                problems.append(f"unknown linkId {item.get('linkId')!r}")
                continue
            answers = item.get("answer") or []
            if len(answers) > 1 and not definition.get("repeats"):
                problems.append(f"{item['linkId']}: several answers to a non-repeating item")
            allowed = _VALUE_KEYS.get(definition["type"], ())
            options = [o["valueCoding"]["code"] for o in definition.get("answerOption") or [] if "valueCoding" in o]
            for answer in answers:
                keys = [k for k in answer if k.startswith("value")]
                if len(keys) != 1 or keys[0] not in allowed:
                    problems.append(f"{item['linkId']}: answer {keys} does not fit type {definition['type']}")
                    continue
                if keys[0] == "valueCoding" and definition["type"] == "choice":
                    coding = answer["valueCoding"]
                    if coding.get("code") not in options:
                        problems.append(f"{item['linkId']}: code {coding.get('code')!r} is not an answer option")
            walk(item.get("item") or [])

    walk(response.get("item") or [])
    if problems:
        raise FhirValidationError("; ".join(problems))


# --- reading back --------------------------------------------------------------------------------


def answers_from_response(response: Mapping[str, Any] | QuestionnaireResponse) -> dict:
    """slot -> value of the spec's answers in a QuestionnaireResponse (parsed model or JSON dict)."""
    if not isinstance(response, Mapping):
        response = to_json_dict(response)
    out: dict[str, Any] = {}
    for item in response.get("item") or []:
        slot = item.get("linkId")
        if slot not in ITEM_TYPES:
            continue
        if any(
            e.get("url") == DATA_ABSENT_REASON_URL and e.get("valueCode") == "asked-declined"
            for e in item.get("extension") or []
        ):
            out[slot] = "declined"
            continue
        for answer in item.get("answer") or []:
            if "valueCoding" in answer:
                out[slot] = answer["valueCoding"]["code"]
            elif "valueInteger" in answer:
                out[slot] = int(answer["valueInteger"])
            elif "valueDecimal" in answer:
                value = answer["valueDecimal"]
                out[slot] = float(value) if isinstance(value, (int, float, Decimal, str)) else value
            elif "valueString" in answer:
                out[slot] = answer["valueString"]
    return out


def words_from_response(response: Mapping[str, Any]) -> dict:
    """slot -> the person's own words carried in the source-text extension."""
    out = {}
    for item in response.get("item") or []:
        extensions = list(item.get("extension") or [])
        for answer in item.get("answer") or []:
            extensions += answer.get("extension") or []
        for ext in extensions:
            if ext.get("url") == SOURCE_TEXT_URL:
                out[item["linkId"]] = ext.get("valueString")
    return out


def outcome_from_response(response: Mapping[str, Any]) -> Optional[str]:
    for item in response.get("item") or []:
        if item.get("linkId") == "triage_outcome" and item.get("answer"):
            return item["answer"][0]["valueCoding"]["code"]
    return None
