"""The chat on another web site: ``/embed.js`` (the one-line embed) and the chat frame it opens."""
