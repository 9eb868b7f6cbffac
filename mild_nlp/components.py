"""spaCy factories of the project pipeline: `mild_entities` and `mild_negation`.

mild_entities
    Marks number phrases (Token._.num_start / _.num_in, Doc._.mild_numbers),
    then sets `doc.ents` from Matcher/PhraseMatcher rules: the NLU entity types
    duration, age, walking_distance, treatment (spans as in
    docs/nlu-guidelines.md) and internal labels red_flag, urgent_flag,
    old_injury (a fall or injury a year or more ago), leg_symptom, leg_ok, back_only, back_surgery, surgery,
    blood_thinner, imaging, stenosis, walk_phrase. Predicates that may overlap entities go to
    `doc.spans["mild_cues"]`: trigger, trigger_neg, relief, relief_neg,
    tx_helped, tx_failed, tx_ellipsis, onset ("since 2019"). `Span._.mild_value` carries a category
    ("injection", a walking bucket, "turning" for "I turn 80").

mild_negation
    Sets `Span._.negated` and `Span._.hypothetical` on every entity and cue.

Both are registered through the `spacy_factories` entry point (pyproject.toml),
so `spacy.load("models/spacy/mild_en")` works in any process.
"""

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span, SpanGroup, Token
from spacy.util import filter_spans

from mild_nlp import context_checks, negation, patterns
from mild_nlp.kinds import flags
from mild_nlp.labels import CUE_KEY, CUE_LABELS
from mild_nlp.labels import NLU_ENTITY_LABELS as NLU_ENTITY_LABELS  # re-exported: extract.py imports it from here
from mild_nlp.normalize import parse_age
from mild_nlp.numbers import find_numbers
from mild_nlp.segments import clauses, is_question, overlaps, sentences

FLAG_LABELS = frozenset(["red_flag", "urgent_flag"])
# Overlapping entity matches: the label listed first wins, then the longer span.
ENTITY_PRIORITY = (
    "red_flag",
    "urgent_flag",
    "old_injury",
    "age",
    "blood_thinner",
    "back_surgery",
    "treatment",
    "duration",
    "walking_distance",
    "walk_phrase",
    "surgery",
    "imaging",
    "stenosis",
    "leg_ok",
    "leg_symptom",
    "back_only",
)
# Cue groups whose members compete for the same tokens.
CUE_GROUPS = (
    ("trigger",),
    ("trigger_neg",),
    ("relief",),
    ("relief_neg",),
    ("tx_helped", "tx_failed", "tx_ellipsis"),
    ("onset",),
)
INNER_NEGATION_LABELS = frozenset(["relief", "leg_symptom"])
# A negation word inside these spans belongs to the phrase ("can't pee", "not far",
# "can't walk far") and negates nothing after it.
# Likewise inside an outcome phrase: "none of them did a thing", "didn't do much".
CONSUMING_LABELS = (
    frozenset(ENTITY_PRIORITY) | {"trigger", "trigger_neg", "relief_neg", "tx_failed", "tx_ellipsis"}
) - INNER_NEGATION_LABELS
POST_NEGATION_LABELS = frozenset(["red_flag", "urgent_flag", "imaging", "stenosis", "leg_symptom"])


def register_extensions() -> None:
    """Register the custom attributes (idempotent)."""
    for name in ("num_start", "num_in"):
        if not Token.has_extension(name):
            Token.set_extension(name, default=False)
    if not Doc.has_extension("mild_numbers"):
        Doc.set_extension("mild_numbers", default=())
    for name, default in (("negated", False), ("hypothetical", False), ("mild_value", None)):
        if not Span.has_extension(name):
            Span.set_extension(name, default=default)


register_extensions()


@Language.factory("mild_entities")
def make_mild_entities(nlp: Language, name: str) -> "MildEntities":
    """Factory of the rule-based entity component."""
    return MildEntities(nlp, name)


@Language.factory("mild_negation")
def make_mild_negation(nlp: Language, name: str) -> "MildNegation":
    """Factory of the negation component (runs after mild_entities)."""
    return MildNegation(name)


class MildEntities:
    """Rule-based spans: entities to doc.ents, predicates to doc.spans["mild_cues"]."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.matcher = Matcher(nlp.vocab)
        for key, notation in patterns.matcher_patterns():
            self.matcher.add(key, [patterns.compile_pattern(notation)])
        self.phrase_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        for key, phrases in patterns.phrase_patterns():
            self.phrase_matcher.add(key, [nlp.make_doc(p) for p in phrases])

    def __call__(self, doc: Doc) -> Doc:
        self._mark_numbers(doc)
        entities: list[tuple[Span, str | None]] = []
        cues: list[tuple[Span, str | None]] = []
        matches = self.matcher(doc) + self.phrase_matcher(doc)
        for match_id, start, end in sorted(set(matches), key=lambda m: (m[1], m[2])):
            key = doc.vocab.strings[match_id]
            label, _, value = key.partition("|")
            span = Span(doc, start, end, label=label)
            if not context_checks.keep(label, span):
                if label == "urgent_flag" and flags.old_injury(span):
                    entities.append((Span(doc, start, end, label="old_injury"), None))
                continue
            if label == "age":
                number = _age_number(doc, span)
                if number is None:
                    continue
                span = number
            (cues if label in CUE_LABELS else entities).append((span, value or None))
        # spaCy's stub types Doc.ents as Tuple[Span]; its setter takes any sequence of spans
        doc.ents = self._resolve_entities(entities)  # type: ignore[assignment]
        doc.spans[CUE_KEY] = SpanGroup(doc, name=CUE_KEY, spans=self._resolve_cues(cues))
        return doc

    @staticmethod
    def _mark_numbers(doc: Doc) -> None:
        numbers = find_numbers([t.lower_ for t in doc])
        for start, end, _ in numbers:
            doc[start]._.num_start = True
            for token in doc[start + 1 : end]:
                token._.num_in = True
        doc._.mild_numbers = tuple(numbers)

    @staticmethod
    def _resolve_entities(entities: list[tuple[Span, str | None]]) -> list[Span]:
        rank = {label: i for i, label in enumerate(ENTITY_PRIORITY)}
        ordered = sorted(entities, key=lambda e: (rank[e[0].label_], -len(e[0]), e[0].start))
        taken: set[int] = set()
        chosen = []
        for span, value in ordered:
            if taken.isdisjoint(range(span.start, span.end)):
                taken.update(range(span.start, span.end))
                span._.mild_value = value
                chosen.append(span)
        return sorted(chosen, key=lambda s: s.start)

    @staticmethod
    def _resolve_cues(cues: list[tuple[Span, str | None]]) -> list[Span]:
        chosen = []
        for group in CUE_GROUPS:
            chosen += filter_spans([span for span, _ in cues if span.label_ in group])
        return sorted(chosen, key=lambda s: (s.start, s.end))


def _age_number(doc: Doc, match: Span) -> Span | None:
    """The number inside an age match ("I'm about 72" -> "72"), if it is a valid age."""
    for start, end, _ in doc._.mild_numbers:
        if match.start <= start and end <= match.end:
            number = Span(doc, start, end, label="age")
            return number if parse_age(number.text) is not None else None
    return None


def _asks(span: Span) -> bool:
    """A question by its words ("does it ...?", "what ...") or by its question mark ("if I ..., is that bad?")."""
    return is_question(span) or span[-1].text == "?"


class MildNegation:
    """NegEx-style negation and hypothetical marking on entities and cues."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        spans = list(doc.ents) + list(doc.spans.get(CUE_KEY, []))
        reliefs = [s for s in spans if s.label_ == "relief"]
        consumed = {
            i
            for span in spans
            if span.label_ in CONSUMING_LABELS
            # "no relief when I sit": that "no" still negates the relief it overlaps
            and not (span.label_.startswith("tx_") and any(overlaps(span, r) for r in reliefs))
            for i in range(span.start, span.end)
        }
        words = negation.words_of(doc)
        all_scopes = negation.negation_scopes(words)
        scopes = [s for s in all_scopes if s.cue_start not in consumed]
        cue_positions = tuple(s.cue_start for s in all_scopes)
        questions = [(s.start, s.end) for s in sentences(doc) if _asks(s)]
        hypotheticals = negation.hypothetical_scopes(words, questions)
        # a flag in a question clause of a question that tells no time of an event is asked
        # about, not reported ("does MILD ever cause bladder problems?")
        untimed = [q for q in questions if negation.asks_without_telling(words, q)]
        asked = [(c.start, c.end) for c in clauses(doc) if _asks(c) and any(a <= c.start < b for a, b in untimed)]
        for span in spans:
            inner = span.label_ in INNER_NEGATION_LABELS
            span._.negated = negation.is_negated(
                span,
                scopes,
                inner_cues=cue_positions if inner else (),
                post=span.label_ in POST_NEGATION_LABELS,
            )
            span._.hypothetical = negation.is_negated(span, hypotheticals) or (
                span.label_ in FLAG_LABELS and any(start <= span.start < end for start, end in asked)
            )
        return doc
