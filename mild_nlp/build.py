"""Build the project spaCy pipelines and save them.

    python -m mild_nlp.build [OUT_DIR]                 (default: models/spacy/mild_en)
    python -m mild_nlp.build --tokens-only [OUT_DIR]   (default: models/spacy/mild_tokens)

The pipeline is spacy.blank("en") with a tokenizer that also splits units glued
to numbers ("72yo", "6wks", "5min", "2–3"), then `mild_entities` and
`mild_negation`: mild_nlp reads each message with it (mild_nlp.pipeline).
Rasa's SpacyNLP loads the tokenizer alone (`--tokens-only`): its tokens feed the intent
classifier, and the message's meaning is read once, by mild_nlp (nlu_components.mild_reader).
Nothing is trained, so building takes a second or two.
"""

import sys
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

import mild_nlp.components  # noqa: F401  (registers the factories in this process)

DEFAULT_OUT_DIR = Path("models/spacy/mild_en")
TOKENS_OUT_DIR = Path("models/spacy/mild_tokens")
PIPELINE_NAME = "mild_en"
PIPELINE_VERSION = "1.0.0"

GLUED_UNITS = (
    r"(?<=[0-9])(?i:yo|y/o|yrs/o|yoa|yrs?|y|years?|wks?|weeks?|mos?|mths?|months?|days?"
    r"|mins?|minutes?|hrs?|hours?|secs?|seconds?|blks?|blocks?|miles?|mi|ft|feet"
    r"|yards?|yds?|steps?|km|k)"
)
DIGIT_DASH = r"(?<=[0-9])[–—](?=[0-9])"
APPROX_SIGN = r"~(?=[0-9])"  # staff shorthand "~1 blk", "~3 yrs"
# staff shorthand "sx x2y", "x18mo", "ESI x2": the "x" (for, times) comes off its number
TIMES_SIGN = r"(?i:x)(?=[0-9]+(?:\.[0-9]+)?(?i:y|yrs?|years?|mos?|mths?|months?|wks?|weeks?|d|days?)?$)"
GLUED_SEX = r"(?<=[0-9])(?i:m|f)$"  # staff shorthand "pt 77M", "68F"


def create_nlp(with_rules: bool = True) -> Language:
    """A fresh in-memory pipeline (no files needed); the tokenizer alone without `with_rules`."""
    nlp = spacy.blank("en")
    tokenizer, defaults = nlp.tokenizer, nlp.Defaults
    assert isinstance(tokenizer, Tokenizer)  # spacy.blank builds spaCy's own rule-based tokenizer
    # English defines all three rule lists (they are Optional only in the base Language.Defaults)
    assert defaults.prefixes is not None and defaults.suffixes is not None and defaults.infixes is not None
    tokenizer.prefix_search = compile_prefix_regex(list(defaults.prefixes) + [APPROX_SIGN, TIMES_SIGN]).search
    tokenizer.suffix_search = compile_suffix_regex(list(defaults.suffixes) + [GLUED_UNITS, GLUED_SEX]).search
    tokenizer.infix_finditer = compile_infix_regex(list(defaults.infixes) + [DIGIT_DASH]).finditer
    if not with_rules:
        nlp.meta.update(name="mild_tokens", version=PIPELINE_VERSION, description="MILD intake: the tokenizer alone.")
        return nlp
    nlp.add_pipe("mild_entities")
    nlp.add_pipe("mild_negation")
    nlp.meta.update(
        name=PIPELINE_NAME,
        version=PIPELINE_VERSION,
        description="MILD intake: rule-based entities, red flags and negation (no vectors).",
    )
    return nlp


def build(out_dir: Path = DEFAULT_OUT_DIR, with_rules: bool = True) -> Path:
    """Create the pipeline and save it to `out_dir`."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    create_nlp(with_rules).to_disk(out_dir)
    return out_dir


def main(argv: list[str]) -> int:
    with_rules = "--tokens-only" not in argv
    paths = [a for a in argv if a != "--tokens-only"]
    out_dir = build(Path(paths[0]) if paths else DEFAULT_OUT_DIR if with_rules else TOKENS_OUT_DIR, with_rules)
    print(f"saved spaCy pipeline '{PIPELINE_NAME if with_rules else 'mild_tokens'}' to {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
