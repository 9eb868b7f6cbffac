"""Kept importable for mild_nlp.extract: replies are read in mild_nlp.kinds.replies."""

from mild_nlp.kinds.replies import DECLINED as DECLINED
from mild_nlp.kinds.replies import NO as NO
from mild_nlp.kinds.replies import UNSURE as UNSURE
from mild_nlp.kinds.replies import YES as YES
from mild_nlp.kinds.replies import interjection_polarity as interjection_polarity
from mild_nlp.kinds.replies import is_correction as is_correction
from mild_nlp.kinds.replies import is_emphatic_statement as is_emphatic_statement
from mild_nlp.kinds.replies import reply_polarity as reply_polarity
