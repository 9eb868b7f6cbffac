"""NegEx-style negation and hypothetical scopes (a small ConText).

A pre-negation cue ("no", "not", "n't", "never", "without", "denies", "none of
those", "nor", ...) negates spans that start within its scope. The scope runs
forward up to MAX_SCOPE tokens and ends at a clause break ("but", "however",
";", ".", "except", ...) or where a new clause with its own subject begins
(", I ...", "and I ...") or after a comma that starts a statement rather than
the next item of a list ("no fever, chills or weight loss" negates all three;
"no fever, bladder leaks since yesterday" does not negate the leaks). Pseudo-cues such as "not sure" or "don't know" are
not negations. A few post-cues ("is fine", "was negative", "ruled out")
negate the span right before them.

Spans whose label is in `inner_labels` (predicates such as "sitting doesn't
help") are also negated by a cue inside the span. For all other spans a cue
inside the span is part of the phrase ("can't pee", "no limit"); for entity
spans such a cue has no scope of its own (the component drops those scopes).
"""

from dataclasses import dataclass

from spacy.tokens import Doc, Span

from mild_nlp.lexicon import POSTURES, RELIEF_WORDS, WALK_STAND

MAX_SCOPE = 8

CUE_WORDS = frozenset(
    "no not never without denies deny denied none nor neither unable cannot nothing w/o nobody noone "
    "refused refuses refuse declined declines decline "  # NegEx: "refused PT", "declined surgery"
    "neg".split()  # staff shorthand: "neg falls, neg CA, neg wt loss"
)
# Multi-word cues whose words are not cues on their own.
CUE_PHRASES = (("free", "of"), ("absence", "of"), ("negative", "for"), ("no", "longer"))
PSEUDO_CUES = frozenset(
    [
        ("not", "sure"),
        ("not", "certain"),
        ("not", "only"),
        ("not", "just"),
        ("no", "doubt"),
        ("not", "necessarily"),
        ("not", "know"),
        ("not", "remember"),
        ("not", "recall"),
        ("not", "think"),
        ("no", "matter"),
        ("not", "matter"),
        ("not", "bad"),
        ("no", "idea"),
    ]
)
SCOPE_ENDS = frozenset(
    [
        ".",
        "!",
        "?",
        ";",
        ":",
        "\n",
        "but",
        "however",
        "though",
        "although",
        "except",
        "apart",
        "aside",
        "whereas",
        "yet",
        "still",
        "just",
        "only",
        "which",
        "who",
        "because",
        "since",
        "so",
        "then",
        "while",
        "without",
    ]
)
NEW_SUBJECTS_AFTER_COMMA = frozenset("i my it he she they we this that there".split())
NEW_SUBJECTS_AFTER_AND = frozenset("i it he she they we there".split())
# Words that make the part after a comma a statement of its own, not a list item.
STATEMENT_WORDS = (
    WALK_STAND
    | POSTURES
    | RELIEF_WORDS - {"fine", "okay", "ok"}
    | frozenset(
        "when whenever while since after ago is are was were am 's 're "
        "have has had having get gets got go goes went going feel feels felt do does did not "
        "started began start begin yesterday today now lately recently every each "
        "showed shows show said says found revealed".split()
    )
)
LIST_JOINERS = frozenset(["or", "nor"])
# A part after a comma that starts with these says something new ("no surgery, on plavix").
STATEMENT_STARTS = frozenset("on taking takes uses using".split())
# "no" followed by these is an answer ("no, I ...", "no I ..."), not a determiner.
NO_AS_ANSWER_BEFORE = NEW_SUBJECTS_AFTER_COMMA | {",", ".", "!", "but", "and"}
POST_CUES = frozenset("fine normal ok okay negative unremarkable".split())
POST_LINKS = frozenset(
    "is are was were 's 're seems seem feel feels has have been all totally completely perfectly came back".split()
)

HYPOTHETICAL_CUES = (
    ("watch", "for"),
    ("look", "out", "for"),
    ("warning", "signs"),
    ("signs", "of"),
    ("symptoms", "of"),
    ("risk", "of"),
    ("risks",),
    ("chance", "of"),
    ("in", "case"),
)
QUESTION_ONLY_HYPOTHETICAL_CUES = (("if",), ("side", "effects"), ("complications",), ("risk",))
_HYPOTHETICAL_FIRST_WORDS = {p[0] for p in HYPOTHETICAL_CUES + QUESTION_ONLY_HYPOTHETICAL_CUES}
# ConText's conditional and feared-future triggers in statements: "if I ever get a fever",
# "in case it ever happens", "I'm scared I'll end up incontinent", "afraid that I might fall".
EVER_WINDOW = 3
FEAR_WORDS = frozenset("scared afraid worried frightened terrified fear fearing dread".split())
FUTURE_MODALS = frozenset("'ll will might could may would 'd".split())
# A question about a flag is not a report of one, unless it tells when it happened
# ("is it bad that I've wet myself twice since Monday?").
EVENT_TIME_WORDS = frozenset(
    "since yesterday today tonight ago morning night last week weekend days monday tuesday wednesday "
    "thursday friday saturday sunday recently lately suddenly".split()
)


@dataclass(frozen=True)
class Scope:
    """Token range [start, end) covered by a cue that ends at token `cue_end`."""

    cue_start: int
    cue_end: int
    end: int


def words_of(doc: Doc | Span) -> list[str]:
    """Lowercase words with contractions normalised ("n't" -> "not"), newlines as "\n"."""
    return ["not" if t.norm_ == "not" else "\n" if "\n" in t.text else t.lower_ for t in doc]


def _starts(words: list[str], i: int, phrase: tuple[str, ...]) -> bool:
    return tuple(words[i : i + len(phrase)]) == phrase


def _scope_end(words: list[str], start: int, stop_at_comma: bool = False) -> int:
    end = min(len(words), start + MAX_SCOPE)
    i = start
    while i < end:
        word = words[i]
        following = words[i + 1] if i + 1 < len(words) else ""
        if word in SCOPE_ENDS:
            return i
        if word == "," and (stop_at_comma or following in NEW_SUBJECTS_AFTER_COMMA or _starts_statement(words, i + 1)):
            return i
        if word in ("and", "or") and following in NEW_SUBJECTS_AFTER_AND:
            return i
        if word == ",":
            end = min(len(words), i + 1 + MAX_SCOPE)  # each list item gets the full window
        i += 1
    return end


def _starts_statement(words: list[str], start: int) -> bool:
    """Whether the part from `start` to the next comma or scope end says something new."""
    if start < len(words) and words[start] in LIST_JOINERS:
        return False
    if start < len(words) and words[start] in STATEMENT_STARTS:
        return True
    for word in words[start : start + MAX_SCOPE]:
        if word in STATEMENT_WORDS or word.isdigit():
            return True
        if word == "," or word in SCOPE_ENDS:
            return False
    return False


LIMIT_WORDS = frozenset("more longer further farther past beyond over much long far".split())
LIMIT_ENDS = frozenset("before until till".split())
LIMIT_WINDOW = 8


def _limit_follows(words: list[str], start: int) -> bool:
    """ "can't walk more than a block before ...", "can't stand long until ...": the negation
    sets a limit on walking or standing, and what follows the limit happens."""
    window = words[start : start + LIMIT_WINDOW]
    for k, word in enumerate(window):
        if word in SCOPE_ENDS - LIMIT_ENDS or word == ",":
            return False
        if word in LIMIT_ENDS:
            return any(w in LIMIT_WORDS for w in window[:k])
    return False


# "can't walk from the barn to the house without my legs going numb": a denial before
# "without" undoes it (the symptom happens)
WITHOUT_UNDONE = frozenset("not cannot never unable".split())
WITHOUT_WINDOW = 10


def negation_scopes(words: list[str]) -> list[Scope]:
    """Forward scopes of all negation cues (`words` from `words_of`)."""
    scopes, i = [], 0
    while i < len(words):
        word = words[i]
        following = words[i + 1] if i + 1 < len(words) else ""
        if (word, following) in PSEUDO_CUES:
            i += 2
            continue
        phrase = next((p for p in CUE_PHRASES if _starts(words, i, p)), None)
        if phrase:
            length = len(phrase)
        elif word == "without" and WITHOUT_UNDONE & set(words[max(0, i - WITHOUT_WINDOW) : i]):
            i += 1  # "I can't walk a block without my legs going numb": the symptom happens
            continue
        elif word in ("not", "cannot", "unable", "never") and _limit_follows(words, i + 1):
            i += 1  # "I can't walk more than a block before my legs hurt": a limit, then the symptom
            continue
        elif word in CUE_WORDS and not (word == "no" and following in NO_AS_ANSWER_BEFORE | {""}):
            length = 1
        else:
            i += 1
            continue
        scopes.append(Scope(i, i + length, _scope_end(words, i + length)))
        i += length
    return scopes


def is_negated(span: Span, scopes: list[Scope], inner_cues: tuple[int, ...] = (), post: bool = False) -> bool:
    """Whether a scope covers the span's start.

    inner_cues: positions of cues that negate the span when inside it
    ("sitting doesn't help"). post: a following post-cue negates the span
    ("bladder control is fine").
    """
    if any(scope.cue_end <= span.start < scope.end for scope in scopes):
        return True
    if any(span.start <= cue < span.end for cue in inner_cues):
        return True
    return post and _post_negated(span)


def _post_negated(span: Span) -> bool:
    doc, i = span.doc, span.end
    while i < len(doc) and i < span.end + 4:
        word = doc[i].lower_
        following = doc[i + 1].lower_ if i + 1 < len(doc) else ""
        if word in POST_CUES or (word == "ruled" and following == "out"):
            return True
        if word not in POST_LINKS:
            return False
        i += 1
    return False


def hypothetical_scopes(words: list[str], question_ranges: list[tuple[int, int]]) -> list[Scope]:
    """Scopes of "watch for", "signs of", ... and, inside questions, "if" / "risk"."""
    scopes = []
    for i, word in enumerate(words):
        if word not in _HYPOTHETICAL_FIRST_WORDS:
            continue
        in_question = any(start <= i < end for start, end in question_ranges)
        cues = HYPOTHETICAL_CUES + (QUESTION_ONLY_HYPOTHETICAL_CUES if in_question else ())
        phrase = next((p for p in cues if _starts(words, i, p)), None)
        if phrase:
            end = i + len(phrase)
            scopes.append(Scope(i, end, _scope_end(words, end, stop_at_comma=True)))
    for i in range(len(words)):
        end = _conditional_cue_end(words, i)
        if end:
            scopes.append(Scope(i, end, _scope_end(words, end, stop_at_comma=True)))
    return scopes


def _conditional_cue_end(words: list[str], i: int) -> int:
    """End of an "if ... ever" or "scared (that) I'll" cue starting at i, else 0."""
    word = words[i]
    if word == "if" and "ever" in words[i + 1 : i + 1 + EVER_WINDOW]:
        return words.index("ever", i + 1) + 1
    if word in FEAR_WORDS:
        j = i + 1 + (i + 1 < len(words) and words[i + 1] == "that")
        if j + 1 < len(words) and words[j] == "i" and words[j + 1] in FUTURE_MODALS:
            return j + 2
    return 0


def asks_without_telling(words: list[str], question: tuple[int, int]) -> bool:
    """A question that names no time of an event: a flag in it is asked about, not reported."""
    start, end = question
    return not any(w in EVENT_TIME_WORDS for w in words[start:end])
