"""Rasa SDK actions: thin adapters between Rasa and the plain-Python screening core."""
