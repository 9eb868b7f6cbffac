"""Replies (every question): polarity of a direct reply ("yes" / "no" / "unsure" / "declined") and corrections.

Only the start of the message counts ("no leg pain, just my back" is a "no";
"I'm 72 and never had surgery" is not a reply), or the start of what follows
a correction marker: in "no... wait, actually yes" the last correction wins.
Common typos are tolerated: repeated letters ("noo", "nott sure"), swapped
letters ("yse"), and a missing or extra letter in longer words ("nevr").
"""

import re
from functools import lru_cache

YES, NO, UNSURE, DECLINED = "yes", "no", "unsure", "declined"

PHRASES = {
    YES: [
        "yes",
        "yep",
        "yeah",
        "ya",
        "yup",
        "yea",
        "yah",
        "sure",
        "correct",
        "definitely",
        "absolutely",
        "certainly",
        "indeed",
        "affirmative",
        "of course",
        "i do",
        "i did",
        "it does",
        "they do",
        "it did",
        "they did",
        "thats right",
        "that is right",
        "exactly",
        "uh huh",
        "mhm",
        "i think so",
        "i guess so",
        "i believe so",
        "👍",
        "✅",
    ],
    NO: [
        "no",
        "nope",
        "nah",
        "naw",
        "nay",
        "not really",
        "never",
        "none",
        "n to all",  # staff shorthand: "N to all 3"
        "no to all",
        "none of those",
        "none of them",
        "nothing",
        "not at all",
        "negative",
        "neg",  # staff shorthand ("neg", "nil": nothing found)
        "nil",
        "know",  # phone dictation of a bare "no"
        "i dont",
        "i do not",
        "i didnt",
        "i did not",
        "i havent",
        "i have not",
        "it doesnt",
        "it does not",
        "it didnt",
        "they dont",
        "not that i know of",
        "i dont think so",
        "no way",
        "neither",
        "👎",
        "❌",
        "denies",
        "denies all",
        "denied",
        "pt denies",
        "caller denies",
        "caller denies all",
        "pt denies all",
        "patient denies",
    ],
    UNSURE: [
        "not sure",
        "im not sure",
        "i am not sure",
        "unsure",
        "idk",
        "i dont know",
        "dont know",
        "dunno",
        "no idea",
        "maybe",
        "sometimes",
        "hard to say",
        "hard to tell",
        "not certain",
        "i dont remember",
        "dont remember",
        "i cant remember",
        "cant remember",
        "i dont recall",
        "possibly",
        "perhaps",
        "probably",
        "kind of",
        "sort of",
        "i guess",
        "i think",
        "🤷",
    ],
    DECLINED: [
        "id rather not say",
        "id rather not answer",
        "i would rather not say",
        "i would rather not answer",
        "rather not say",
        "rather not answer",
        "id rather not",
        "rather not",
        "prefer not to say",
        "prefer not to answer",
        "i prefer not to say",
        "i prefer not to answer",
        "id prefer not to say",
        "id prefer not to answer",
        "skip",
        "pass",
        "decline",
        "i decline",
        "none of your business",
        "not telling",
        "dont want to say",
        "dont want to answer",
        "i dont want to say",
        "i dont want to answer",
        "no comment",
        "private",
        "prefer not to share",
        "id prefer not to share",
        "id rather not share",
        "rather not share",
        "i prefer not to share",
        "prefer not to give",
        "i prefer not to give",
        "id prefer not to give",
        "rather not give",
        "id rather not give",
        "dont want to share",
        "i dont want to share",
        "dont want to give",
        "i dont want to give",
    ],
}
# Replies that only count when they are the whole answer ("right leg" is not "right").
WHOLE_MESSAGE_ONLY = {"y": YES, "n": NO, "right": YES, "true": YES, "i have": YES, "i am": YES, "k": YES}
FILLERS = frozenset("um uh umm uhm hmm hm well oh ok okay so hi hello hey honestly lol haha ah er erm".split())
CORRECTION_MARKERS = [
    "actually",
    "wait",
    "i meant",
    "sorry i mean",
    "no i mean",
    "correction",
    "scratch that",
    "on second thought",
    "let me correct",
    "i misspoke",
    "change that",
    "make that",
]
NOT_TYPOS = frozenset(["ever", "one", "sue", "non", "yet", "eyes", "note", "nose"])

# One-word answers that stand apart from the rest ("no, but I had epidurals").
INTERJECTIONS = frozenset("yes yep yeah ya yup yea yah sure correct definitely no nope nah naw never none".split())
# a first sentence followed by more text: "None of those. I'm 70 by the way."
_LEADING_SENTENCE = re.compile(r"^\s*([^.!?;]+)[.!?;]+\s+\S")
MAX_LEADING_REPLY_WORDS = 5
_MULTIPLIER = re.compile(r"x\d+")
_LEADING_WORD = re.compile(
    r"^\W*(?:(?:um+|uh+|well|oh|ok|okay|so|hmm+)\W+)*([a-z]+)(?=\s*(?:[,.!;:\-–]|$|but\b))",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"[a-z0-9]+|[👍👎✅❌🤷]")
_LOOKUP = {tuple(phrase.split()): polarity for polarity, phrases in PHRASES.items() for phrase in phrases}
_MAX_PHRASE = max(len(key) for key in _LOOKUP)
_VOCABULARY = frozenset(word for key in _LOOKUP for word in key if len(word) >= 3)
_MARKERS = [tuple(m.split()) for m in CORRECTION_MARKERS]
_BY_SQUEEZED = {re.sub(r"(.)\1+", r"\1", w): w for w in sorted(_VOCABULARY | {"no"})}


def words_of(text: str) -> list[str]:
    """Lowercase words with apostrophes dropped ("don't" -> "dont")."""
    text = (text or "").lower().replace("'", "").replace("’", "").replace("‘", "")
    return _TOKEN.findall(text)


def is_correction(text: str) -> bool:
    """Whether the message corrects an earlier answer ("actually", "wait", "I meant")."""
    return bool(_marker_ends(words_of(text)))


def reply_polarity(text: str) -> str | None:
    """ "yes" / "no" / "unsure" / "declined", or None when the message is no direct reply."""
    words = words_of(text)
    content = [w for w in words if w not in FILLERS and not _MULTIPLIER.fullmatch(w)]  # staff "N x4"
    if len(content) <= 2:
        whole = " ".join(_canonical(w) for w in content)
        if whole in WHOLE_MESSAGE_ONLY:
            return WHOLE_MESSAGE_ONLY[whole]
    for start in reversed([0] + _marker_ends(words)):
        polarity = _polarity_at(words, start)
        if polarity:
            return polarity
    return None


BARE_REPLY_WORDS = (
    INTERJECTIONS | FILLERS | frozenset("and please thanks thank you sir maam indeed absolutely right true".split())
)


def is_bare_reply(text: str) -> bool:
    """Whether the text is nothing but reply words ("yes", "yes and yes", "nope, sorry" is not):
    its meaning comes from the question it answers."""
    words = words_of(text)
    return bool(words) and all(_canonical(w) in BARE_REPLY_WORDS or w in BARE_REPLY_WORDS for w in words)


def interjection_polarity(text: str) -> str | None:
    """Polarity of a leading answer set apart from the rest: one word before punctuation or
    "but" ("no, but I had epidurals"), or a short first sentence that is a reply ("No to all of
    them. I'm 70 by the way."), else None."""
    match = _LEADING_WORD.match(text or "")
    if match:
        word = _canonical(match.group(1).lower())
        if word in INTERJECTIONS:
            return _LOOKUP.get((word,))
    sentence = _LEADING_SENTENCE.match(text or "")
    if sentence and len(words_of(sentence.group(1))) <= MAX_LEADING_REPLY_WORDS:
        return reply_polarity(sentence.group(1))
    return None


def _marker_ends(words: list[str]) -> list[int]:
    ends = []
    for i in range(len(words)):
        for marker in _MARKERS:
            if tuple(words[i : i + len(marker)]) == marker:
                ends.append(i + len(marker))
    return sorted(set(ends))


def _polarity_at(words: list[str], start: int) -> str | None:
    i = start
    while i < len(words) and (words[i] in FILLERS or _is_marker_at(words, i)):
        i += 1
    canonical = [_canonical(w) for w in words[i : i + _MAX_PHRASE]]
    for length in range(len(canonical), 0, -1):
        polarity = _LOOKUP.get(tuple(canonical[:length]))
        if polarity:
            return polarity
    return None


# "I do", "it did" said as a reply, or as the emphatic start of a statement ("I do get up to pee
# at night"): a statement when anything but a reply or linking word follows
AUXILIARY_REPLIES = frozenset(
    (subject, verb) for subject in ("i", "it", "they", "he", "she", "we") for verb in ("do", "did", "does")
)
AFTER_AUXILIARY_REPLY = FILLERS | INTERJECTIONS | frozenset("but and though too also sometimes thanks".split())


def is_emphatic_statement(text: str) -> bool:
    """Whether the message opens with an emphatic "I do / it did" and goes on with a statement
    ("I do get up to pee three times a night"): its "yes" comes from what the statement says."""
    words = [w for w in words_of(text) if w not in FILLERS]
    return (
        len(words) > 2
        and tuple(_canonical(w) for w in words[:2]) in AUXILIARY_REPLIES
        and words[2] not in AFTER_AUXILIARY_REPLY
    )


def _is_marker_at(words: list[str], i: int) -> bool:
    return any(tuple(words[i : i + len(m)]) == m for m in _MARKERS)


@lru_cache(maxsize=4096)
def _canonical(word: str) -> str:
    """Map a mistyped reply word to the word meant ("yse" -> "yes", "noo" -> "no")."""
    if word in _VOCABULARY or word in NOT_TYPOS or len(word) < 2:
        return word
    squeezed = _squeeze(word)
    if squeezed in _BY_SQUEEZED:
        return _BY_SQUEEZED[squeezed]
    if len(word) >= 3:
        for target in _VOCABULARY:
            if _one_typo(word, target):
                return target
    return word


def _squeeze(word: str) -> str:
    return re.sub(r"(.)\1+", r"\1", word)


def _one_typo(word: str, target: str) -> bool:
    """Swapped neighbours, or (targets of 4+ letters) one letter missing or extra."""
    if len(word) == len(target):
        diff = [i for i, (a, b) in enumerate(zip(word, target, strict=True)) if a != b]
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and word[diff[0]] == target[diff[1]]
            and word[diff[1]] == target[diff[0]]
        )
    if len(target) < 4 or abs(len(word) - len(target)) != 1:
        return False
    short, long_ = sorted((word, target), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))
