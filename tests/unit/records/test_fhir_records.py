"""FHIR R4 export: the Questionnaire and one QuestionnaireResponse per screening (records.fhir)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from fhir.resources.bundle import Bundle
from fhir.resources.questionnaire import Questionnaire
from fhir.resources.questionnaireresponse import QuestionnaireResponse

from records import export, fhir
from records.derive import derive_from_tracker
from records.questions import OPTIONS, SLOTS

TRACKERS = Path(__file__).resolve().parents[2] / "data" / "trackers"
FIXTURES = sorted(p.stem for p in TRACKERS.glob("*.json"))


def all_records():
    out = []
    for name in FIXTURES:
        for record in derive_from_tracker(json.loads((TRACKERS / f"{name}.json").read_text(encoding="utf-8"))):
            out.append(pytest.param(record, id=f"{name}-{record['screening_id'][:6]}"))
    return out


def test_questionnaire_validates_and_has_one_item_per_spec_slot():
    data = fhir.to_json_dict(fhir.questionnaire())
    parsed = Questionnaire.parse_obj(data)
    assert parsed.url == fhir.QUESTIONNAIRE_URL and parsed.status == "active" and parsed.version == "1"
    link_ids = [item["linkId"] for item in data["item"]]
    assert link_ids[: len(SLOTS)] == list(SLOTS)
    assert len(set(link_ids)) == len(link_ids)
    by_id = {item["linkId"]: item for item in data["item"]}
    assert by_id["age_years"]["type"] == "integer"
    assert by_id["symptom_duration_months"]["type"] == "decimal"
    for slot, options in OPTIONS.items():
        item = by_id[slot]
        assert item["type"] == "choice"
        codings = [o["valueCoding"] for o in item["answerOption"]]
        assert [c["code"] for c in codings] == list(options)
        assert {c["system"] for c in codings} == {f"https://mild-intake.example/fhir/CodeSystem/{slot}"}
        assert all(c["display"] for c in codings)
    assert [o["valueCoding"]["code"] for o in by_id["walking_tolerance"]["answerOption"]] == [
        "over_2_miles",
        "2_blocks_to_2_miles",
        "50_feet_to_2_blocks",
        "under_50_feet",
    ]
    assert [o["valueCoding"]["code"] for o in by_id["triage_outcome"]["answerOption"]] == [
        "emergency",
        "urgent_review",
        "not_indicated",
        "conservative_first",
        "recommend_consult",
        "possible_consult",
    ]


@pytest.mark.parametrize("record", all_records())
def test_questionnaire_response_validates_and_round_trips(record):
    text = json.dumps(export.to_fhir([record], single=True))
    parsed = QuestionnaireResponse.parse_obj(json.loads(text))  # the library's validation
    fhir.check_response(json.loads(text))  # against the Questionnaire
    assert parsed.questionnaire == f"{fhir.QUESTIONNAIRE_URL}|1"
    assert parsed.status == ("completed" if record["status"] == "finished" else "stopped")
    assert parsed.id == record["screening_id"]
    assert parsed.identifier.value == record["screening_id"]
    assert parsed.authored is not None
    # Round trip: the exported JSON, parsed back, gives the same answers (and words, and outcome).
    again = fhir.to_json_dict(parsed)
    assert fhir.answers_from_response(again) == {s: a["value"] for s, a in record["answers"].items()}
    assert fhir.answers_from_response(parsed) == {s: a["value"] for s, a in record["answers"].items()}
    assert fhir.words_from_response(again) == {s: a["words"] for s, a in record["answers"].items() if a["words"]}
    assert fhir.outcome_from_response(again) == record["outcome"]


def test_staff_entered_source_is_the_staff_member_and_web_source_the_patient():
    staff = derive_from_tracker(json.loads((TRACKERS / "staff_entered.json").read_text()))[0]
    data = fhir.to_json_dict(fhir.questionnaire_response(staff))
    assert data["source"] == {"type": "Practitioner", "display": "Dana Whitfield"}
    web = derive_from_tracker(json.loads((TRACKERS / "finished_recommend.json").read_text()))[0]
    data = fhir.to_json_dict(fhir.questionnaire_response(web))
    assert data["source"] == {"type": "Patient", "display": "Margaret Ellis"}
    appointment = next(i for i in data["item"] if i["linkId"] == "appointment_request")
    assert {i["linkId"] for i in appointment["item"]} == {
        "appointment_consent",
        "contact_name",
        "contact_phone",
        "preferred_office",
    }


def test_declined_age_is_a_data_absent_reason():
    record = derive_from_tracker(json.loads((TRACKERS / "buttons_only.json").read_text()))[0]
    data = fhir.questionnaire_response_dict(record)
    age = next(i for i in data["item"] if i["linkId"] == "age_years")
    assert "answer" not in age
    assert {"url": fhir.DATA_ABSENT_REASON_URL, "valueCode": "asked-declined"} in age["extension"]


def test_corrections_travel_as_previous_values():
    record = derive_from_tracker(json.loads((TRACKERS / "correction.json").read_text()))[0]
    data = fhir.questionnaire_response_dict(record)
    age = next(i for i in data["item"] if i["linkId"] == "age_years")
    assert age["answer"][0]["valueInteger"] == 54
    assert {"url": fhir.PREVIOUS_VALUE_URL, "valueString": "45"} in age["answer"][0]["extension"]


def test_check_response_rejects_what_the_library_lets_through():
    record = derive_from_tracker(json.loads((TRACKERS / "finished_recommend.json").read_text()))[0]
    good = fhir.questionnaire_response_dict(record)
    bad_code = copy.deepcopy(good)
    bad_code["item"][0]["answer"][0]["valueCoding"]["code"] = "maybe"
    QuestionnaireResponse.parse_obj(bad_code)  # fhir.resources does not check codes
    with pytest.raises(fhir.FhirValidationError, match="not an answer option"):
        fhir.check_response(bad_code)
    bad_link = copy.deepcopy(good)
    bad_link["item"].append({"linkId": "shoe_size", "answer": [{"valueInteger": 9}]})
    with pytest.raises(fhir.FhirValidationError, match="unknown linkId"):
        fhir.check_response(bad_link)
    bad_type = copy.deepcopy(good)
    age = next(i for i in bad_type["item"] if i["linkId"] == "age_years")
    age["answer"] = [{"valueString": "seventy-one"}]
    with pytest.raises(fhir.FhirValidationError, match="does not fit type integer"):
        fhir.check_response(bad_type)
    bad_status = dict(good, status="done")
    with pytest.raises(fhir.FhirValidationError, match="status"):
        fhir.check_response(bad_status)


def test_library_rejects_structurally_invalid_resources():
    record = derive_from_tracker(json.loads((TRACKERS / "finished_recommend.json").read_text()))[0]
    data = fhir.questionnaire_response_dict(record)
    data["authored"] = "yesterday"
    with pytest.raises(Exception):  # noqa: B017 (pydantic's ValidationError, whichever version fhir.resources uses)
        QuestionnaireResponse.parse_obj(data)


def test_bundle_holds_the_questionnaire_and_every_response():
    records = [p.values[0] for p in all_records()]
    data = export.to_fhir(records)
    parsed = Bundle.parse_obj(data)
    assert parsed.type == "collection"
    kinds = [e["resource"]["resourceType"] for e in data["entry"]]
    assert kinds == ["Questionnaire"] + ["QuestionnaireResponse"] * len(records)
    assert len({e["fullUrl"] for e in data["entry"]}) == len(data["entry"])


def _with_flag_question() -> dict:
    """The emergency fixture as the two readers run it: the learned reader alone raised the
    flag, the assistant asked, the person said yes."""
    tracker = json.loads((TRACKERS / "emergency.json").read_text())
    events = tracker["events"]
    at = next(i for i, e in enumerate(events) if e.get("event") == "slot" and e.get("name") == "triage_outcome")
    ts = events[at].get("timestamp")
    words = "yes, and I also can't control my bladder since yesterday"
    events[at:at] = [
        {
            "event": "slot",
            "name": "answer_sources",
            "timestamp": ts,
            "value": {
                "red_flags": {
                    "how": "flag_question",
                    "words": "yes",
                    "asked_about": words,
                    "readers": ["learned"],
                    "value": "yes",
                }
            },
        },
        {
            "event": "slot",
            "name": "answer_checks",
            "timestamp": ts,
            "value": [
                {
                    "kind": "flag",
                    "slot": "red_flags",
                    "flag_kind": "red",
                    "words": words,
                    "readers": ["learned"],
                    "answer": "yes",
                    "reply_words": "yes",
                }
            ],
        },
    ]
    return derive_from_tracker(tracker)[0]


def test_flag_question_provenance_is_in_the_record_and_the_fhir_export():
    record = _with_flag_question()
    red = record["answers"]["red_flags"]
    assert red["how"] == "flag_question" and red["raised_by"] == ["learned"]
    assert red["asked_about"].startswith("yes, and I also can't control my bladder")
    assert record["checks"][0]["answer"] == "yes"
    data = fhir.questionnaire_response_dict(record)
    QuestionnaireResponse.parse_obj(data)
    fhir.check_response(data)
    item = next(i for i in data["item"] if i["linkId"] == "red_flags")
    extensions = item["answer"][0]["extension"]
    assert {"url": fhir.ANSWER_PROVENANCE_URL, "valueCode": "flag_question"} in extensions
    assert {"url": fhir.RAISED_BY_URL, "valueCode": "learned"} in extensions
    checks_item = next(i for i in data["item"] if i["linkId"] == "answer_checks")
    assert checks_item["answer"][0]["valueString"].startswith("flag question on red_flags (raised by learned)")


def test_answers_without_a_source_slot_are_stated_or_button():
    record = derive_from_tracker(json.loads((TRACKERS / "buttons_only.json").read_text()))[0]
    how = {slot: a["how"] for slot, a in record["answers"].items()}
    assert how.pop("symptom_duration_months") == "stated"  # typed "a year and a half"
    assert set(how.values()) == {"button"}
    assert record["checks"] == []
