"""Checking the contact details of an appointment request. Plain Python, no Rasa imports.

These values are protected health information: callers store them only in the conversation
record and never log them.
"""

from __future__ import annotations

import re
from typing import Optional

from screening import clinic

OFFICES = clinic.OFFICE_NAMES

_NAME_PREFIX = re.compile(r"^\s*(?:my name is|my name's|name is|name:|i am|i'm|im|it's|it is|this is|call me)\s+", re.I)
_NAME_OK = re.compile(r"^[^\W\d_]+(?:[ '\-.][^\W\d_]+)*\.?$", re.UNICODE)


def clean_name(text: str) -> Optional[str]:
    """A person's name from a reply like "my name is Mary O'Neil", or None if it is not one."""
    name = _NAME_PREFIX.sub("", (text or "").strip()).strip(" .,!")
    name = re.sub(r"\s+", " ", name)
    if not (2 <= len(name) <= 80) or not _NAME_OK.match(name):
        return None
    return " ".join(part[:1].upper() + part[1:] if part.islower() else part for part in name.split(" "))


def clean_phone(text: str) -> Optional[str]:
    """A US phone number formatted as 781-555-0123, or None if the text does not hold exactly one."""
    text = text or ""
    if len(text) > 60 or re.search(r"[a-z]{3,}", text, re.I) and not re.search(r"\d{3}", text):
        return None
    digits = re.sub(r"\D", "", text)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10 or digits[0] in "01" or digits[3] in "01":
        return None
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"


def match_office(text: str) -> Optional[str]:
    lowered = (text or "").lower()
    found = [office for office in OFFICES if office.lower()[:3] in lowered]
    return found[0] if len(found) == 1 else None
