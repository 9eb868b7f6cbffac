"""The compiled check accepts and rejects exactly what Rasa's own check does."""

import pytest
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction

from channels.action_validation import validate_action_result

SPEC = RemoteAction.action_response_format_spec()

GOOD = [
    {"events": [{"event": "slot", "name": "age_years", "value": 72}], "responses": []},
    {"events": [], "responses": [{"response": "utter_faq_duration"}]},
    {},
]
BAD = [
    {"events": "not a list"},
    {"events": [{"name": "x"}]},
    {"responses": "text"},
]


@pytest.mark.parametrize("result", GOOD)
def test_valid_responses_pass_both(result):
    validate(result, SPEC)
    assert validate_action_result(None, result) is True


@pytest.mark.parametrize("result", BAD)
def test_invalid_responses_fail_both_with_the_same_error(result):
    with pytest.raises(ValidationError) as rasa_error:
        validate(result, SPEC)
    with pytest.raises(ValidationError) as ours:
        validate_action_result(None, result)
    assert ours.value.message.startswith(rasa_error.value.message)
    assert "Failed to validate Action server response" in ours.value.message
