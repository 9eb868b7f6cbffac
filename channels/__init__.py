"""The clinic's extensions loaded into the Rasa server through credentials.yml.

- `rest_channels`: the patients' REST channel with input checks, and the staff channel.
- `action_validation`: a speed fix for Rasa 3.6's check of action-server responses.
"""
from channels.action_validation import install as _install_fast_action_validation

_install_fast_action_validation()
