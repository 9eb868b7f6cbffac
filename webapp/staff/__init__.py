"""The call-centre staff console at /staff: a phone intake run by staff on the caller's behalf."""
