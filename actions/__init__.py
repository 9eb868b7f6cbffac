"""Rasa SDK actions: thin adapters between Rasa and the plain-Python screening core."""

from chat_security import log_filter as _log_filter

# The action server logs nothing of what patients write (the Rasa SDK loads this package at startup).
_log_filter.install()
