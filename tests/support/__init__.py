"""Helpers shared by tests (starting the real stack, etc.)."""
