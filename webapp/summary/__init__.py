"""The printable summary a patient keeps at the end of a screening (``/summary/<id>``)."""
