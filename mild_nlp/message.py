"""One processed message as the slot readers see it."""

from dataclasses import dataclass
from functools import cached_property

from spacy.tokens import Doc, Span

from mild_nlp.components import CUE_KEY
from mild_nlp.flags import FlagMentions, flag_mentions
from mild_nlp.negation import words_of
from mild_nlp.segments import containing, is_question, sentences


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
    def flags(self) -> FlagMentions:
        return flag_mentions(self.doc)

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
