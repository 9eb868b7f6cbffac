"""Age (`age_years`): how old the person is, or `declined`.

- word lists: what may not follow an age's number ("72 pounds", "2 miles");
- patterns: ages said with an age word ("I'm 72", "72 yo", "my dad is 83", "I turn 80") as
  `age` entities (the component keeps the number only);
- context check: "he's 2 years into it" is a time, not an age;
- reading: a whole number 1..120 (mild_nlp.normalize.parse_age), a bare number when the age
  question is open, or `declined`.
"""

from spacy.tokens import Span

from mild_nlp import lexicon as lx
from mild_nlp.kinds.duration import YEAR_WORDS, reads_as_age
from mild_nlp.kinds.replies import DECLINED
from mild_nlp.message import ParsedMessage, corrects
from mild_nlp.normalize import parse_age
from mild_nlp.segments import word_at

# --- word lists ----------------------------------------------------------------------

NOT_AGE_AFTER = (
    lx.DURATION_UNIT_WORDS
    | lx.DISTANCE_UNIT_WORDS
    | lx.TIME_UNIT_WORDS
    | frozenset("pounds lbs lb kg kilos percent % inches in times x out of more or to - / ' \" into ft".split())
) - {"years", "year", "yrs", "yr"}

SETS = {"YEARS": frozenset(["year", "years", "yr", "yrs", "y"])}


# --- patterns ------------------------------------------------------------------------

AGES = [
    ("age", "#NUM -? @YEARS -? old|young"),
    ("age", "#NUM yo|y/o|yrs/o|yoa"),
    ("age", "#NUM y / o"),
    ("age", "#NUM @YEARS of age"),
    ("age", "i 'm|am|m @HEDGE? #NUM"),
    ("age", "age|aged|ages :? @HEDGE? #NUM"),
    ("age", "my age is @HEDGE? #NUM"),
    ("age", "caller|patient|pt|client 's|is @HEDGE? #NUM"),
    # about the person being screened by someone else: "she's 84", "my dad is 83"
    ("age", "she|he 's|is @HEDGE? #NUM"),
    ("age", "shes|hes @HEDGE? #NUM"),
    ("age", "she|he s @HEDGE? #NUM"),
    ("age", "pt|patient|caller #NUM m|f|male|female|yo|y/o"),
    ("age", "mom|dad|mother|father|husband|wife ( #NUM )"),
    ("age", "@RELATIVE 's|is @HEDGE? #NUM"),
    # with the relative's name: "my husband Walt is 82", "my wife, Margaret, who is 77"
    ("age", "@RELATIVE ,? _1 ,? who|whos|that? 's|is @HEDGE? #NUM"),
    ("age", "just? turned #NUM"),
    ("age|turning", "i|i'll 'll|will? turn|turning|be #NUM"),
    ("age|turning", "i 'm|am turning #NUM"),
    ("age|turning", "turning #NUM"),
]


# --- context check -------------------------------------------------------------------


def check_age(span: Span) -> bool:
    """Keep an `age` match unless a unit follows ("72 pounds") or it is a time ("2 years into it")."""
    if word_at(span, 0) == "in" and word_at(span, 1).isalpha():
        return True  # "I turn sixty in june" ("in" after a number is inches only in heights)
    if word_at(span, 0) in NOT_AGE_AFTER:
        return False
    # "he's 2 years into it" is a time, not a child's age; "72 years old" stays an age
    if word_at(span, 0) in ("years", "year", "yrs", "yr") and word_at(span, 1) not in ("old", "of", "young"):
        age = parse_age(span.text)
        return age is not None and age >= 18
    return True


# --- reading -------------------------------------------------------------------------


def read_age(m: ParsedMessage):
    """age_years: the stated age ("I turn 80": 79), else a bare number or `declined` for the age question."""
    ages = [s for s in m.stated("age") if not s._.negated]
    for span in reversed(ages) if corrects(m) else ages:
        age = parse_age(span.text)
        return age - 1 if age is not None and span._.mild_value == "turning" else age
    if m.requested_slot != "age_years":
        return None
    if m.reply == DECLINED:
        return DECLINED
    return _bare_age(m)


def _bare_age(m: ParsedMessage) -> int | None:
    """ "72", "seventy two", "72 years": a lone number answering "How old are you?"."""
    taken = {i for e in m.doc.ents if not (e.label_ == "duration" and reads_as_age(e)) for i in range(e.start, e.end)}
    candidates = []
    for start, end, _ in m.doc._.mild_numbers:
        following = m.doc[end].lower_ if end < len(m.doc) else ""
        preceding = m.doc[start - 1].lower_ if start else ""
        if start in taken or preceding == "of" or (following in NOT_AGE_AFTER and following not in YEAR_WORDS):
            continue
        age = parse_age(m.doc[start:end].text)
        if age is not None:  # "72, and I had a laminectomy in 2015"
            candidates.append(age)
    if len(candidates) > 1 and corrects(m):
        return candidates[-1]  # "58... no wait, 59"
    return candidates[0] if len(candidates) == 1 else None
