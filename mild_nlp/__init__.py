"""Project-owned NLP: a rule-based spaCy pipeline and `extract.understand`.

Public API: `mild_nlp.extract.understand(text, requested_slot=None) -> Understanding`.
"""
