"""The clinicians' review pages at /review: screening list, detail, dashboard and exports."""
