"""One module per answer kind: its word lists, its patterns, its context checks and its reading.

The shared engine (mild_nlp.patterns, mild_nlp.context_checks, mild_nlp.components,
mild_nlp.answers) gathers them; a kind module imports only the stage modules below it
(lexicon, notation, segments, normalize, message, clock) and, one way, another kind.
"""
