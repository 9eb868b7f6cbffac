"""Rasa input channels of the clinic: the patients' REST channel and the staff console's channel."""
