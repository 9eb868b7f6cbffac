"""Screening records derived from Rasa tracker events: store, JSON/CSV/FHIR export, CLI, retention.

No Rasa imports: the records are read from the tracker store's ``events`` table with SQLAlchemy.
"""
