"""Treatment history: conservative_care and injections from what is said about them.

"PT and ibuprofen, didn't help" -> conservative_care failed; "the shots worked
for a few months but wore off" -> injections failed; "never tried PT" ->
not_tried; "I did have injections" -> "tried" (tried, result not stated).
"""

from dataclasses import dataclass, field

from spacy.tokens import Span

from mild_nlp import lexicon as lx
from mild_nlp.kinds.replies import NO, YES
from mild_nlp.message import ParsedMessage
from mild_nlp.segments import contains_phrase

OUTCOME_RANK = {"helped": 3, "failed": 2, "tried": 1, "not_tried": 0}
TREATMENT_SLOTS = {"conservative": "conservative_care", "injection": "injections"}


@dataclass
class Treatments:
    """Outcome per treatment category, and outcomes said without naming a treatment."""

    by_category: dict = field(default_factory=dict)
    unattached: list = field(default_factory=list)


def treatment_answers(m: ParsedMessage) -> dict:
    """conservative_care / injections settled by this message."""
    treatments = _read_treatments(m)
    answers = {TREATMENT_SLOTS[c]: v for c, v in treatments.by_category.items()}
    slot = m.requested_slot
    if not treatments.by_category and _tried_nothing(m):
        # "haven't tried anything yet": about the treatment asked, else about all of them
        for target in [slot] if slot is not None and slot in TREATMENT_SLOTS.values() else TREATMENT_SLOTS.values():
            answers[target] = "not_tried"
        return answers
    if slot is not None and slot in TREATMENT_SLOTS.values() and slot not in answers:
        # With another treatment named, "I didn't ..." is about that one: only a
        # set-apart "no," / "yes," still answers the question asked.
        reply = m.interjection if treatments.by_category else m.reply
        if treatments.unattached:
            answers[slot] = treatments.unattached[-1]
        elif reply == YES:
            answers[slot] = "tried"
        elif reply == NO:
            answers[slot] = "not_tried"
    return answers


def _read_treatments(m: ParsedMessage) -> Treatments:
    """Group treatments with the outcomes said about them ("PT and ibuprofen, didn't help").

    Within a sentence, an outcome belongs to the treatments named before it (back to
    the last one not had, "no injections, PT didn't help"); an
    outcome before any treatment ("no relief from PT") to the ones after it; an
    outcome in a "but ..." part without a treatment ("worked, but wore off") to the
    last treatments named. The last outcome said about a group wins.
    """
    result = Treatments()
    groups: list[dict] = []
    helped_said = False
    relief_tokens = {i for s in m.stated("relief") + m.stated("trigger") for i in range(s.start, s.end)}
    for sentence in m.sentences:
        for part in _contrast_parts(sentence):
            part_groups: list[dict] = []
            leading: list[str] = []
            for span in _treatment_items(m, part, relief_tokens):
                if span.label_ == "treatment" and _planned(m, span):
                    continue  # "my doctor wants me to try injections next"
                if span.label_ == "treatment":
                    if (
                        not part_groups
                        or part_groups[-1]["outcomes"]
                        or _negation_changes(part_groups[-1]["treatments"], span)
                    ):
                        part_groups.append({"treatments": [], "outcomes": []})
                    part_groups[-1]["treatments"].append(span)
                    continue
                outcome = _outcome(span, helped_said)
                if outcome is None:
                    continue
                helped_said = helped_said or outcome == "helped"
                (part_groups[-1]["outcomes"] if part_groups else leading).append(outcome)
            if leading and part_groups:
                part_groups[0]["outcomes"][:0] = leading
            elif leading and groups:
                groups[-1]["outcomes"] += leading
            elif leading:
                result.unattached += leading
            groups += part_groups
    for group in groups:
        for span in group["treatments"]:
            if group["outcomes"]:
                value = group["outcomes"][-1]
            else:
                value = "not_tried" if span._.negated else "tried"
            category = span._.mild_value
            current = result.by_category.get(category)
            if current is None or OUTCOME_RANK[value] > OUTCOME_RANK[current]:
                result.by_category[category] = value
    return result


NOTHING_TRIED = (
    ("not", "tried", "anything"),
    ("not", "done", "anything"),
    ("not", "had", "anything"),
    ("tried", "nothing"),
    ("not", "tried", "any", "treatment"),
    ("no", "treatment"),
    ("no", "treatments"),
)


PLAN_WORDS = frozenset("wants want suggested suggests recommended recommends considering next".split())


def _planned(m: ParsedMessage, span: Span) -> bool:
    before = {t.lower_ for t in m.doc[max(m.sentence_of(span).start, span.start - 5) : span.start]}
    return bool(before & PLAN_WORDS) and bool(before & {"try", "start", "do"})


def _tried_nothing(m: ParsedMessage) -> bool:
    return contains_phrase(m.words, NOTHING_TRIED)


def _negation_changes(group: list[Span], span: Span) -> bool:
    """ "no injections, PT didn't help": a treatment not had and one that failed are told apart."""
    return bool(group) and group[-1]._.negated != span._.negated


def _contrast_parts(sentence: Span) -> list[Span]:
    parts, start = [], sentence.start
    for token in sentence:
        if token.lower_ in lx.CONTRAST_WORDS and token.i > start:
            parts.append(sentence.doc[start : token.i])
            start = token.i
    parts.append(sentence.doc[start : sentence.end])
    return parts


def _treatment_items(m: ParsedMessage, part: Span, relief_tokens: set[int]) -> list[Span]:
    labels = ("treatment", "tx_helped", "tx_failed", "tx_ellipsis")
    items = [
        s
        for label in labels
        for s in m.stated(label)
        if part.start <= s.start < part.end
        and (label == "treatment" or relief_tokens.isdisjoint(range(s.start, s.end)))
    ]
    return sorted(items, key=lambda s: s.start)


def _outcome(span: Span, helped_said: bool) -> str | None:
    if span.label_ == "tx_failed":
        return "failed"
    if span.label_ == "tx_helped":
        return "failed" if span._.negated else "helped"
    return "failed" if helped_said else None  # "PT helped but the epidurals didn't"
