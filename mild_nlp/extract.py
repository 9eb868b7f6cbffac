"""Public API: a patient's free-text message -> questionnaire answers.

    >>> u = understand("I'm 72, my legs go numb after a block and sitting helps")
    >>> u.answers["age_years"], u.answers["walking_tolerance"]
    (72, '50_feet_to_2_blocks')

`understand` never raises on odd input (empty, emoji, HTML, 10,000 characters);
only the first MAX_CHARS characters are analysed.
"""

import re
from dataclasses import dataclass, field, replace

from spacy.tokens import Doc

from mild_nlp.answers import read_answers
from mild_nlp.components import NLU_ENTITY_LABELS
from mild_nlp.flag_union import STANDS, FlagFinding, combine
from mild_nlp.flags import FlagMentions, flag_mentions
from mild_nlp.hedges import doubt_in, hedge_in
from mild_nlp.pipeline import get_nlp
from mild_nlp.replies import interjection_polarity, is_correction, is_emphatic_statement, reply_polarity
from mild_nlp.second_reader import SecondReader

MAX_CHARS = 2000
# the questions whose "yes" is an emergency or an urgent review: only a clear reply answers them
FLAG_QUESTIONS = ("red_flags", "urgent_flags")
# Same-length replacements, so character offsets stay those of the original text.
# Dictation homophones of number words before a unit ("about too years", "won block"),
# replaced by words of the same length so that every character offset stays the same.
_HOMOPHONE_NUMBERS = re.compile(r"\b(too|won)(?= (?:years?|yrs?|months?|weeks?|days?|blocks?|miles?|times?)\b)", re.I)
_HOMOPHONE_WORDS = {"too": "two", "won": "one"}
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
    flags: list[FlagFinding] = field(default_factory=list)  # both readers, combined (flag_union)
    interjection: str | None = None  # a leading one-word answer set apart ("no, but ...")
    hedge: str | None = None  # "haven't noticed", "depends on the day", "maybe" (mild_nlp.hedges)
    doubt: str | None = None  # the firmer hedges only: "not sure", "hard to say"

    def flag(self, kind: str) -> FlagFinding | None:
        """The finding of this kind ("red" / "urgent"), if any."""
        return next((f for f in self.flags if f.kind == kind), None)

    @property
    def red_flag_stands(self) -> bool:
        """Both readers read a current red flag: the screening ends as emergency."""
        finding = self.flag("red")
        return bool(finding and finding.decision == STANDS)

    @property
    def red_flag(self) -> bool:
        """A non-negated red flag was mentioned: the screening ends as emergency."""
        return bool(self.red_flag_mentions)


@dataclass
class Reading:
    """What one message says before the open question is known: the processed doc, the
    rules' and the learned reader's flag findings, the reply words and the hedges.

    Each reader reads a message once. The rules read it in Rasa's NLU pipeline (`read` without
    the second reader), and the reading travels with the parsed message to the action server
    (mild_nlp.reading_codec). There the learned reader adds its findings (`with_learned_reader`,
    so the two costly steps run in two processes) and the answers are settled for the question
    being asked (`answers_for`), without the text being read by the rules again.
    """

    text: str
    doc: Doc | None = None
    reply: str | None = None
    interjection: str | None = None
    rule_flags: FlagMentions = field(default_factory=FlagMentions)
    flags: list[FlagFinding] = field(default_factory=list)
    is_correction: bool = False
    hedge: str | None = None
    doubt: str | None = None
    learned: bool = False  # the learned reader's findings are in `flags`


def prepared(text: object) -> str:
    """The text as the readers read it (same length; quotes and dictation homophones mended)."""
    text = (text if isinstance(text, str) else "")[:MAX_CHARS].translate(_SAME_LENGTH)
    return _HOMOPHONE_NUMBERS.sub(lambda m: _HOMOPHONE_WORDS[m.group(1).lower()], text)


def read(text: object, second_reader: bool = True) -> Reading:
    """Read one message once: patterns, context checks and both flag readers.

    With `second_reader` the learned flag reader reads it too (mild_nlp.second_reader) and
    `flags` holds both readers' findings; without it, the rules' findings alone (all "ask").
    """
    text = prepared(text)
    if not text.strip():
        return Reading(text)
    doc = get_nlp()(text)
    rules = flag_mentions(doc)
    reading = Reading(
        text=text,
        doc=doc,
        reply=reply_polarity(text),
        interjection=interjection_polarity(text),
        rule_flags=rules,
        flags=combine(text, rules, [], None),
        is_correction=is_correction(text),
        hedge=hedge_in(text),
        doubt=doubt_in(text),
    )
    return with_learned_reader(reading) if second_reader else reading


def with_learned_reader(reading: Reading) -> Reading:
    """`reading` with the learned flag reader's findings combined with the rules' (flag_union)."""
    if reading.learned or reading.doc is None:
        return reading
    reader = SecondReader.load()
    readings = reader.read(reading.text)
    return replace(reading, flags=combine(reading.text, reading.rule_flags, readings, reader), learned=True)


def answers_for(reading: Reading, requested_slot: str | None = None) -> Understanding:
    """The questionnaire answers of a message read by `read`, for the question being asked."""
    doc = reading.doc
    if doc is None:
        return Understanding()
    flags = reading.rule_flags
    reply = reading.reply
    if requested_slot in FLAG_QUESTIONS and is_emphatic_statement(reading.text):
        reply = None  # "I do get up to pee at night": the flag readers decide, not an opening "I do"
    return Understanding(
        answers=read_answers(doc, requested_slot, reply, reading.interjection),
        reply=reply,
        red_flag_mentions=list(flags.red),
        negated_red_flag_mentions=list(flags.negated_red),
        urgent_flag_mentions=list(flags.urgent),
        old_injury_mentions=list(flags.old_injuries),
        is_correction=reading.is_correction,
        entities=[
            {"entity": e.label_, "start": e.start_char, "end": e.end_char, "value": e.text}
            for e in doc.ents
            if e.label_ in NLU_ENTITY_LABELS
        ],
        flags=list(reading.flags),
        interjection=reading.interjection,
        hedge=reading.hedge,
        doubt=reading.doubt,
    )


def understand(text: str, requested_slot: str | None = None, second_reader: bool = True) -> Understanding:
    """Analyse one message; `requested_slot` is the question being asked, if any.

    The same as `answers_for(read(text, second_reader), requested_slot)`.
    """
    return answers_for(read(text, second_reader), requested_slot)
