"""Today's date for relative times ("since March", "I fell 10 years ago").

One function, called as `clock.today()`, so tests can fix the date.
"""

from datetime import date


def today() -> date:
    return date.today()
