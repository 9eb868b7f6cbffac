"""Checks action-server responses against Rasa's schema without re-checking the schema itself.

Rasa 3.6 (`RemoteAction._validate_action_result`) calls `jsonschema.validate(result, spec)` for
every custom action response. `jsonschema.validate` first validates the *schema* against the
JSON-Schema 2020-12 meta-schema, which costs tens of milliseconds per call on these machines
and was the largest part of a screening turn's latency. This module compiles the validator once
and raises the same error (`best_match`) with the same message for an invalid response, so the
behaviour is unchanged and only the repeated meta-schema check is gone.
"""

from __future__ import annotations

import functools
from typing import Any, Dict, Text

from jsonschema import ValidationError
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@functools.lru_cache(maxsize=1)
def _validator() -> Any:
    spec = RemoteAction.action_response_format_spec()
    cls = validator_for(spec)
    cls.check_schema(spec)  # once, at first use
    return cls(spec)


def validate_action_result(_self: RemoteAction, result: Dict[Text, Any]) -> bool:
    error = best_match(_validator().iter_errors(result))
    if error is not None:
        error.message += (
            ". Failed to validate Action server response from API, "
            "make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


def install() -> None:
    RemoteAction._validate_action_result = validate_action_result


__all__ = ["install", "validate_action_result", "ValidationError"]
