"""The clinic's extensions loaded into the Rasa server through credentials.yml.

- `rest_channels`: the patients' REST channel with input checks, and the staff channel.
- `socketio_channel`: the web chat, with server-issued conversation ids and a rate limit.
- `action_validation`: a speed fix for Rasa 3.6's check of action-server responses.

Importing this package (Rasa does, at startup, to read credentials.yml) also installs the log
filter that keeps message text and slot values out of every log (chat_security.log_filter).
"""

from channels.action_validation import install as _install_fast_action_validation
from chat_security import log_filter as _log_filter

_log_filter.install()
_install_fast_action_validation()
