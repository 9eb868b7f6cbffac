"""Kept importable for mild_nlp.extract and mild_nlp.flag_union: flags are read in mild_nlp.kinds.flags."""

from mild_nlp.kinds.flags import FlagMentions as FlagMentions
from mild_nlp.kinds.flags import flag_mentions as flag_mentions
from mild_nlp.kinds.flags import is_mild_doc as is_mild_doc
