"""Turn a Rasa tracker dump into the transcript the patient chat redraws after a reload.

Pure functions, no I/O, so they are easy to test. The output mirrors what the socket.io
channel showed live:

* a bot text is split on blank lines the way ``SocketIOOutput`` splits it, and the buttons
  go on the last part;
* the result card (``json_message={"data": card}``) is stored by Rasa as
  ``{"custom": {"data": card}}`` and becomes ``{"from": "bot", "card": card}``; the answers
  read back before it ("Here is what I understood", type ``answer_summary``) become
  ``{"from": "bot", "summary": summary}``; the question's place in the screening
  (``{"type": "progress", "number", "total"}``, sent with the question) goes on its last entry
  as ``"progress"``;
* a user message that is a button payload (``/inform{...}``) is shown with the title of the
  button that was clicked, found among the buttons of the preceding bot messages.
"""

from __future__ import annotations

import re
from typing import Any, Dict, Iterable, List, Optional

# Payloads the page itself sends (not bot buttons) and how they are shown.
PAGE_PAYLOAD_TITLES = {
    "/start_screening": "Start screening",
}
# Payloads that are never shown as a user bubble.
HIDDEN_PAYLOADS = {"/restart", "/session_start"}

# Web-chat conversation ids are issued by the server ("wc_" + 32 hex, chat_security.conversation);
# the plain uuid-like form is what older pages chose themselves.
SESSION_ID_RE = re.compile(r"^(wc_[0-9a-f]{32}|[0-9A-Fa-f-]{32,64})$")
MAX_TEXT_CHARS = 4000


def valid_session_id(session_id: str) -> bool:
    """A web-chat id ("wc_" + 32 hex) or a uuid-like id (hex digits and dashes, 32 to 64 characters)."""
    return bool(session_id) and SESSION_ID_RE.fullmatch(session_id) is not None


def _clip(text: Any) -> str:
    text = "" if text is None else str(text)
    return text[:MAX_TEXT_CHARS]


def _buttons(data: Dict[str, Any]) -> List[Dict[str, str]]:
    raw = data.get("buttons") or data.get("quick_replies") or []
    buttons = []
    for button in raw:
        if not isinstance(button, dict):
            continue
        title = button.get("title")
        payload = button.get("payload")
        if title is None or payload is None:
            continue
        buttons.append({"title": _clip(title), "payload": _clip(payload)})
    return buttons


def _custom(data: Dict[str, Any], kind: str) -> Optional[Dict[str, Any]]:
    custom = data.get("custom")
    if not isinstance(custom, dict):
        return None
    card = custom.get("data", custom)
    if isinstance(card, dict) and card.get("type") == kind:
        return card
    return None


def _card(data: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    return _custom(data, "result_card")


def _bot_entries(event: Dict[str, Any]) -> List[Dict[str, Any]]:
    data = event.get("data") or {}
    entries: List[Dict[str, Any]] = []
    card = _card(data)
    text = event.get("text")
    buttons = _buttons(data)
    if text:
        parts = [p for p in str(text).strip().split("\n\n") if p.strip()] or [str(text)]
        for part in parts:
            entries.append({"from": "bot", "text": _clip(part)})
        if buttons:
            entries[-1]["buttons"] = buttons
    elif buttons:
        entries.append({"from": "bot", "text": "", "buttons": buttons})
    if card is not None:
        entries.append({"from": "bot", "card": card})
    summary = _custom(data, "answer_summary")
    if summary is not None:
        entries.append({"from": "bot", "summary": summary})
    progress = _progress(data)
    if progress is not None and entries:
        entries[-1]["progress"] = progress
    return entries


def _progress(data: Dict[str, Any]) -> Optional[Dict[str, int]]:
    """ "Question 4 of about 12", sent with a question ({"type": "progress", ...}): two small numbers."""
    progress = _custom(data, "progress")
    if progress is None:
        return None
    number, total = progress.get("number"), progress.get("total")
    if not all(isinstance(n, int) and not isinstance(n, bool) and 0 < n <= 100 for n in (number, total)):
        return None
    return {"number": int(number), "total": int(total)}  # type: ignore[arg-type]


def _user_text(text: str, metadata: Any, recent_buttons: Iterable[Dict[str, str]]) -> Optional[str]:
    """What the user's bubble showed, or None if the message is not shown."""
    stripped = text.strip()
    if not stripped.startswith("/"):
        return _clip(text)
    if stripped in HIDDEN_PAYLOADS:
        return None
    for button in recent_buttons:
        if button["payload"].strip() == stripped:
            return button["title"]
    if stripped in PAGE_PAYLOAD_TITLES:
        return PAGE_PAYLOAD_TITLES[stripped]
    if isinstance(metadata, dict) and isinstance(metadata.get("display"), str):
        return _clip(metadata["display"])
    # An intent payload typed by hand or from an old button: not meaningful to a patient.
    return None


def transcript_from_events(events: Iterable[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Builds ``[{from, text, buttons?, card?, summary?}]`` from tracker events (after the last restart)."""
    transcript: List[Dict[str, Any]] = []
    recent_buttons: List[Dict[str, str]] = []
    for event in events:
        kind = event.get("event")
        if kind == "restart":
            transcript.clear()
            recent_buttons = []
        elif kind == "bot":
            entries = _bot_entries(event)
            transcript.extend(entries)
            for entry in entries:
                if entry.get("buttons"):
                    recent_buttons = entry["buttons"] + recent_buttons
        elif kind == "user":
            text = event.get("text")
            if text is None:
                continue
            # Rasa keeps the client's message metadata in parse_data (event metadata holds model ids).
            parse_data = event.get("parse_data") or {}
            metadata = parse_data.get("metadata") if isinstance(parse_data, dict) else None
            shown = _user_text(str(text), metadata, recent_buttons)
            recent_buttons = []
            if shown is not None:
                transcript.append({"from": "user", "text": shown})
    return transcript
