"""The clinic's own facts: its offices and their phone numbers. The one place to change them.

Plain Python, no Rasa imports. Everything that shows or reads an office or a number (the bot's
words, the result card, the web pages, the staff console, the records) takes it from here;
`tests/unit/screening/test_catalogue_domain.py` checks that domain.yml's texts say the same.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Office:
    name: str  # as people say it and as the appointment request stores it
    display: str  # the number as printed ("781-927-PAIN (7246)")
    tel: str  # E.164, for tel: links

    @property
    def short_display(self) -> str:
        """The number without the digits of the word ("781-927-PAIN")."""
        return self.display.split(" (")[0]

    def as_dict(self) -> dict:
        return {"office": self.name, "display": self.display, "tel": self.tel}


# What the pages call the clinic (the patient page's header, the privacy notice).
NAME = "Pain clinic"

OFFICES: tuple[Office, ...] = (
    Office("Woburn", "781-927-PAIN (7246)", "+17819277246"),
    Office("Beverly", "978-927-PAIN (7246)", "+19789277246"),
)
OFFICE_NAMES: tuple[str, ...] = tuple(o.name for o in OFFICES)

# "Woburn 781-927-PAIN (7246) or Beverly 978-927-PAIN (7246)"
PHONE_LINE = " or ".join(f"{o.name} {o.display}" for o in OFFICES)
# "Woburn 781-927-PAIN or Beverly 978-927-PAIN", where space is short
SHORT_PHONE_LINE = " or ".join(f"{o.name} {o.short_display}" for o in OFFICES)
# "Woburn 781-927-PAIN (7246), Beverly 978-927-PAIN (7246)", in staff instructions
PHONE_LIST = ", ".join(f"{o.name} {o.display}" for o in OFFICES)


def office_dicts() -> list[dict]:
    """The offices as the result card and the web pages carry them (docs/contracts.md)."""
    return [o.as_dict() for o in OFFICES]


def find_office(name: str) -> Office | None:
    wanted = (name or "").strip().lower()
    return next((o for o in OFFICES if o.name.lower() == wanted), None)
