"""The shared, cached spaCy pipeline.

`get_nlp()` loads the saved pipeline (models/spacy/mild_en, as Rasa uses it)
when it exists, otherwise builds the same pipeline in memory, so unit tests do
not need the build step.
"""

from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language

from mild_nlp.build import DEFAULT_OUT_DIR, create_nlp

REPO_ROOT = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """The project pipeline, loaded once per process."""
    saved = REPO_ROOT / DEFAULT_OUT_DIR
    if (saved / "config.cfg").exists():
        return spacy.load(saved)
    return create_nlp()
