"""Security pieces shared by the web server, the Rasa channels and the action server.

- `conversation`: web-chat conversation ids that the server issues, signed tokens that bind them.
- `log_filter`: keeps patient message text and slot values out of every log.
- `rate_limit`: a per-client token bucket for the chat channels.

Imports neither Rasa nor webapp, so every process can use it.
"""
