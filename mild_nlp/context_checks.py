"""Stage 3, context checks: drop pattern matches which are not what they look like.

Each check gets the matched span and says whether to keep it, e.g. "twice a
day" is not a duration, "flu shot" is not a spinal injection, "fell asleep"
is not a fall, "my mother had cancer" is not the patient's history.
The checks live with their answer kind (mild_nlp/kinds/<kind>.py, `check_*`);
`CHECKS` says which label each one guards, and `keep` runs it for mild_entities.
"""

from collections.abc import Callable

from spacy.tokens import Span

from mild_nlp.kinds import age, duration, flags, history, symptoms, treatments, walking


def keep(label: str, span: Span) -> bool:
    """Whether a match with this label survives its context check."""
    check = CHECKS.get(label)
    return check(span) if check else True


CHECKS: dict[str, Callable[[Span], bool]] = {
    "trigger": symptoms.check_trigger,
    "duration": duration.check_duration,
    "onset": duration.check_onset,
    "age": age.check_age,
    "walking_distance": walking.check_walking_distance,
    "urgent_flag": flags.check_urgent_flag,
    "red_flag": flags.check_red_flag,
    "treatment": treatments.check_treatment,
    "surgery": history.check_surgery,
    "back_surgery": history.check_back_surgery,
    "tx_ellipsis": treatments.check_ellipsis,
}
