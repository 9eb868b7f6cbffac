"""The patient chat page (``/``) and its history API."""
