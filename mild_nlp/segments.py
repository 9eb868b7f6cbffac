"""Sentence and clause boundaries from punctuation and conjunctions, and small span helpers.

The blank English pipeline has no parser, so a "sentence" ends at . ! ? ; or a
newline, and a "clause" additionally at commas and clause-joining words.
"""

from spacy.tokens import Doc, Span

from mild_nlp.lexicon import CLAUSE_BREAKS, QUESTION_STARTERS, SENTENCE_BREAKS, WH_WORDS

CLAUSE_JOINERS = CLAUSE_BREAKS | {"and", "so", "because", "since", "then"}


def sentences(doc: Doc) -> list[Span]:
    """Spans between sentence-ending tokens (the ending token is included)."""
    return _split(doc, lambda token: token.lower_ in SENTENCE_BREAKS or "\n" in token.text)


def clauses(doc: Doc) -> list[Span]:
    """Spans between clause breaks (commas, "and", "but", sentence ends, ...)."""
    return _split(doc, lambda token: token.lower_ in CLAUSE_JOINERS or "\n" in token.text)


def containing(parts: list[Span], span: Span) -> Span:
    """The part that contains the start of `span`."""
    for part in parts:
        if part.start <= span.start < part.end:
            return part
    return span


def overlaps(a: Span, b: Span) -> bool:
    """Whether two spans share a token."""
    return a.start < b.end and b.start < a.end


def contains_phrase(words: list[str], phrases) -> bool:
    """Whether any phrase (a tuple of words) occurs as consecutive items of `words`."""
    return any(tuple(words[i : i + len(p)]) == p for p in phrases for i in range(len(words) - len(p) + 1))


def word_at(span: Span, offset: int) -> str:
    """Lowercase word `offset` tokens after the span end (negative: before its start)."""
    doc = span.doc
    i = span.end + offset if offset >= 0 else span.start + offset
    return doc[i].lower_ if 0 <= i < len(doc) else ""


def sentence_words(span: Span) -> set[str]:
    """The lowercase words of the sentence that contains the span."""
    return {t.lower_ for t in containing(sentences(span.doc), span)}


def is_question(sentence: Span) -> bool:
    """A question: starts with a wh-word, or with an auxiliary and ends with "?"."""
    words = [t for t in sentence if not t.is_punct and not t.is_space]
    if not words:
        return False
    first = words[0].lower_
    return first in WH_WORDS or (first in QUESTION_STARTERS and sentence[-1].text == "?")


def _split(doc: Doc, is_break) -> list[Span]:
    parts, start = [], 0
    for token in doc:
        if is_break(token):
            if token.i + 1 > start:
                parts.append(doc[start : token.i + 1])
            start = token.i + 1
    if start < len(doc):
        parts.append(doc[start : len(doc)])
    return parts
