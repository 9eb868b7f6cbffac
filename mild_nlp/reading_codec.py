"""One reading per message: a `Reading` as plain JSON data, and back.

Rasa's NLU pipeline reads each message once with the rules (nlu_components.mild_reader); the
reading travels with the parsed message (`parse_data["mild_reading"]`) to the action server,
where the learned flag reader adds its findings (extract.with_learned_reader) and the answers
for the open question are settled from it (extract.answers_for), instead of the rules reading
the text a second time. The processed doc goes as a spaCy DocBin (with its spans and the
pipeline's custom attributes), the rest as JSON values.

`decode` returns None for anything it cannot trust: another version, another text than
the message's, a damaged doc. The caller then reads the text itself.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any, Optional

import srsly.msgpack
from spacy.tokens import DocBin

from mild_nlp.extract import Reading, prepared
from mild_nlp.flag_union import FlagFinding
from mild_nlp.flags import FlagMentions
from mild_nlp.pipeline import get_nlp

KEY = "mild_reading"  # the parse-data property that carries it
VERSION = 1
_TEXT_VALUES = ("reply", "interjection", "hedge", "doubt")
_RULE_LISTS = ("red", "negated_red", "urgent", "old_injuries")


def _msgpack_hooks_once() -> None:
    """Look up srsly's msgpack hooks from other packages' entry points once, not per call.

    A DocBin packs and unpacks with srsly's msgpack, which asks catalogue for the installed
    packages' msgpack encoders and decoders on every call: a scan of every entry point of the
    environment (Rasa's has thousands), about a third of the codec's time. The hooks found
    now are registered by name and the scan is switched off, so each call uses the same hooks
    without looking again."""
    for registry in (srsly.msgpack.msgpack_encoders, srsly.msgpack.msgpack_decoders):
        if registry.entry_points:
            for name, hook in registry.get_entry_points().items():
                registry.register(name, func=hook)
            registry.entry_points = False


_msgpack_hooks_once()


def encode(reading: Reading) -> dict:
    """A JSON-serialisable form of `reading`."""
    doc = None
    if reading.doc is not None:
        docs = DocBin(store_user_data=True)
        docs.add(reading.doc)
        doc = base64.b64encode(docs.to_bytes()).decode("ascii")
    return {
        "version": VERSION,
        "text": reading.text,
        "doc": doc,
        **{name: getattr(reading, name) for name in _TEXT_VALUES},
        "is_correction": reading.is_correction,
        "rule_flags": {name: list(getattr(reading.rule_flags, name)) for name in _RULE_LISTS},
        # the probability unrounded (as_dict rounds it for the records)
        "flags": [{**f.as_dict(), "learned_probability": f.learned_probability} for f in reading.flags],
        "learned": reading.learned,
    }


def decode(data: Any, text: object) -> Optional[Reading]:
    """The reading `encode` made of the message `text`, or None if it cannot be trusted."""
    if not isinstance(data, dict) or data.get("version") != VERSION or data.get("text") != prepared(text):
        return None
    try:
        doc = None
        if data["doc"] is not None:
            docs = DocBin().from_bytes(base64.b64decode(data["doc"], validate=True))
            doc = next(iter(docs.get_docs(get_nlp().vocab)))
            if doc.text != data["text"]:
                return None
        rules = data["rule_flags"]
        return Reading(
            text=data["text"],
            doc=doc,
            **{name: _text_or_none(data[name]) for name in _TEXT_VALUES},
            rule_flags=FlagMentions(**{name: [str(x) for x in rules[name]] for name in _RULE_LISTS}),
            flags=[_finding(f) for f in data["flags"]],
            is_correction=bool(data["is_correction"]),
            learned=bool(data["learned"]),
        )
    except (KeyError, TypeError, ValueError, StopIteration, binascii.Error):
        return None


def _text_or_none(value: Any) -> Optional[str]:
    if value is not None and not isinstance(value, str):
        raise TypeError("not a text")
    return value


def _finding(data: dict) -> FlagFinding:
    return FlagFinding(
        kind=str(data["kind"]),
        decision=str(data["decision"]),
        readers=tuple(str(r) for r in data["readers"]),
        words=str(data["words"]),
        learned_probability=float(data["learned_probability"]),
        learned_verdict=_text_or_none(data.get("learned_verdict")),
    )
