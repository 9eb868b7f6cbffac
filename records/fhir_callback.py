"""FHIR resources for an appointment request: a ``ServiceRequest`` (the call-back), and an
``Appointment`` once the front desk has booked it. Both reference the screening's
QuestionnaireResponse; validated with fhir.resources like the rest (records.fhir).

ServiceRequest: status ``active`` while the call-back is new or being called, ``completed`` when
booked, ``revoked`` when declined, unreachable or a duplicate; intent ``proposal`` (the patient asked;
nobody has ordered anything yet); ``code`` text "Consultation call-back"; ``supportingInfo`` -> the
QuestionnaireResponse; ``locationCode`` text = the preferred office; the attempts as ``note``s.
Appointment: status ``booked``, ``start``/``end`` (30 minutes) in the clinic's time zone,
``basedOn`` -> the ServiceRequest, ``supportingInformation`` -> the QuestionnaireResponse.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Mapping, Optional

from fhir.resources.appointment import Appointment
from fhir.resources.servicerequest import ServiceRequest

SR_STATUS = {
    "new": "active",
    "called": "active",
    "booked": "completed",
    "unreachable": "revoked",
    "declined": "revoked",
    "duplicate": "revoked",
}
APPOINTMENT_MINUTES = 30


def _requested(record: Mapping[str, Any]) -> bool:
    appointment = record.get("appointment") or {}
    return appointment.get("consent") == "yes" and bool(appointment.get("phone"))


def service_request_dict(record: Mapping[str, Any], response_id: str, base: str) -> Optional[dict]:
    """Only for records that went through the call-back store (they carry the key ``callback``,
    None while the worklist has not picked the request up yet): a bare derived record exports
    as before, QuestionnaireResponse alone."""
    if "callback" not in record or not _requested(record):
        return None
    appointment = record["appointment"]
    callback = record.get("callback") or {}
    status = callback.get("status") or "new"
    resource: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "id": f"{response_id}-callback"[:64],
        "identifier": [{"system": f"{base}/callback-request", "value": str(record["screening_id"])}],
        "status": SR_STATUS.get(status, "active"),
        "intent": "proposal",
        "code": {"text": "Consultation call-back"},
        "subject": {"display": appointment.get("name") or "Web patient"},
        "supportingInfo": [{"reference": f"QuestionnaireResponse/{response_id}"}],
        "extension": [{"url": f"{base}/StructureDefinition/callback-status", "valueCode": status}],
    }
    if appointment.get("office"):
        resource["locationCode"] = [{"text": str(appointment["office"])}]
    if record.get("ended"):
        resource["authoredOn"] = record["ended"]
    notes = []
    for entry in callback.get("history") or []:
        if entry.get("status") == "new":
            continue
        text = f"{entry['status']}"
        if entry.get("status") == "called":
            text = f"call attempt {entry.get('attempt')}"
        if entry.get("booked_for"):
            text += f" for {entry['booked_for']} at {entry.get('booked_office')}"
        if entry.get("note"):
            text += f": {entry['note']}"
        note: dict[str, Any] = {"text": text, "time": entry["at"]}
        if entry.get("agent"):
            note["authorString"] = entry["agent"]
        notes.append(note)
    if notes:
        resource["note"] = notes
    return resource


def appointment_dict(record: Mapping[str, Any], response_id: str, tz) -> Optional[dict]:
    callback = record.get("callback") or {}
    if callback.get("status") != "booked" or not callback.get("booked_for"):
        return None
    start = datetime.fromisoformat(callback["booked_for"]).replace(tzinfo=tz)
    appointment = record.get("appointment") or {}
    return {
        "resourceType": "Appointment",
        "id": f"{response_id}-appointment"[:64],
        "status": "booked",
        "description": f"Consultation at the {callback.get('booked_office')} office",
        "start": start.isoformat(),
        "end": (start + timedelta(minutes=APPOINTMENT_MINUTES)).isoformat(),
        "basedOn": [{"reference": f"ServiceRequest/{response_id}-callback"[:64]}],
        "supportingInformation": [{"reference": f"QuestionnaireResponse/{response_id}"}],
        "participant": [
            {"actor": {"display": appointment.get("name") or "Patient"}, "status": "accepted"},
            {"actor": {"display": f"{callback.get('booked_office')} office"}, "status": "accepted"},
        ],
    }


def entries(record: Mapping[str, Any], response_id: str, base: str) -> list[dict]:
    """Bundle entries (validated) for the record's appointment request: [] without one."""
    from records.store import clinic_tz

    out: list[dict] = []
    service = service_request_dict(record, response_id, base)
    if service is None:
        return out
    ServiceRequest.parse_obj(service)
    out.append({"fullUrl": f"{base}/ServiceRequest/{service['id']}", "resource": service})
    booked = appointment_dict(record, response_id, clinic_tz())
    if booked is not None:
        booked["basedOn"] = [{"reference": f"ServiceRequest/{service['id']}"}]
        Appointment.parse_obj(booked)
        out.append({"fullUrl": f"{base}/Appointment/{booked['id']}", "resource": booked})
    return out
