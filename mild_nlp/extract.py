"""Public API: a patient's free-text message -> questionnaire answers.

    >>> u = understand("I'm 72, my legs go numb after a block and sitting helps")
    >>> u.answers["age_years"], u.answers["walking_tolerance"]
    (72, '50_feet_to_2_blocks')

`understand` never raises on odd input (empty, emoji, HTML, 10,000 characters);
only the first MAX_CHARS characters are analysed.
"""

from dataclasses import dataclass, field

from mild_nlp.answers import read_answers
from mild_nlp.components import NLU_ENTITY_LABELS
from mild_nlp.flags import flag_mentions
from mild_nlp.pipeline import get_nlp
from mild_nlp.replies import interjection_polarity, is_correction, reply_polarity

MAX_CHARS = 2000
# Same-length replacements, so character offsets stay those of the original text.
_SAME_LENGTH = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " "})


@dataclass
class Understanding:
    """What one message says, in the spec's slot names and values."""

    answers: dict = field(default_factory=dict)
    reply: str | None = None
    red_flag_mentions: list[str] = field(default_factory=list)
    negated_red_flag_mentions: list[str] = field(default_factory=list)
    urgent_flag_mentions: list[str] = field(default_factory=list)
    old_injury_mentions: list[str] = field(default_factory=list)  # a year or more ago: not urgent
    is_correction: bool = False
    entities: list[dict] = field(default_factory=list)

    @property
    def red_flag(self) -> bool:
        """A non-negated red flag was mentioned: the screening ends as emergency."""
        return bool(self.red_flag_mentions)


def understand(text: str, requested_slot: str | None = None) -> Understanding:
    """Analyse one message; `requested_slot` is the question being asked, if any."""
    text = (text if isinstance(text, str) else "")[:MAX_CHARS].translate(_SAME_LENGTH)
    if not text.strip():
        return Understanding()
    doc = get_nlp()(text)
    reply = reply_polarity(text)
    flags = flag_mentions(doc)
    return Understanding(
        answers=read_answers(doc, requested_slot, reply, interjection_polarity(text)),
        reply=reply,
        red_flag_mentions=flags.red,
        negated_red_flag_mentions=flags.negated_red,
        urgent_flag_mentions=flags.urgent,
        old_injury_mentions=flags.old_injuries,
        is_correction=is_correction(text),
        entities=[
            {"entity": e.label_, "start": e.start_char, "end": e.end_char, "value": e.text}
            for e in doc.ents if e.label_ in NLU_ENTITY_LABELS
        ],
    )
