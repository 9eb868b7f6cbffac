"""The clinic's web server (port 8080): patient chat at /, staff console at /staff, review at /review."""
