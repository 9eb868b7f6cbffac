"""One processed message as the slot readers see it, and the small questions every reader asks of it."""

from dataclasses import dataclass
from functools import cached_property

from spacy.tokens import Doc, Span

from mild_nlp.labels import CUE_KEY
from mild_nlp.negation import words_of
from mild_nlp.segments import clauses, containing, contains_phrase, is_question, sentences


@dataclass
class ParsedMessage:
    """A processed message and what the readers need to know about it."""

    doc: Doc
    requested_slot: str | None
    reply: str | None
    interjection: str | None

    @cached_property
    def sentences(self) -> list[Span]:
        return sentences(self.doc)

    @cached_property
    def words(self) -> list[str]:
        """The message's lowercase words, "n't" as "not" (negation.words_of)."""
        return words_of(self.doc)

    @cached_property
    def question_ranges(self) -> list[tuple[int, int]]:
        return [(s.start, s.end) for s in self.sentences if is_question(s)]

    @cached_property
    def _stated_spans(self) -> dict[str, list[Span]]:
        by_label: dict[str, list[Span]] = {}
        for span in list(self.doc.ents) + list(self.doc.spans.get(CUE_KEY, [])):
            if not any(a <= span.start < b for a, b in self.question_ranges):
                by_label.setdefault(span.label_, []).append(span)
        return by_label

    def stated(self, label: str) -> list[Span]:
        """Entities or cues with this label that are not inside a question."""
        return list(self._stated_spans.get(label, []))

    def sentence_of(self, span: Span) -> Span:
        return containing(self.sentences, span)

    def words_near(self, span: Span) -> set[str]:
        return {t.lower_ for t in self.sentence_of(span)}


# "earlier I said six months but it's been two years": the later value is the answer
CORRECTING_WORDS = frozenset("said meant actually really correction mean".split())
UNSURE_PHRASES = (("not", "sure"), ("not", "know"), ("not", "certain"))


def corrects(m: ParsedMessage) -> bool:
    """Whether the message corrects what was said before ("actually", "no wait", "typo")."""
    words = set(m.words)
    return bool(words & CORRECTING_WORDS) or {"no", "wait"} <= words or "typo" in words


def clause_words(m: ParsedMessage, span: Span) -> set[str]:
    """The lowercase words of the clause that contains the span."""
    return {t.lower_ for t in containing(clauses(m.doc), span)}


def unsure_before(m: ParsedMessage, span: Span) -> bool:
    """ "I'm not sure if sitting helps": doubt said before the span in its sentence."""
    words = words_of(m.doc[m.sentence_of(span).start : span.start])
    return "unsure" in words or contains_phrase(words, UNSURE_PHRASES)
