"""Project-owned NLP: the language room. Public API: `mild_nlp.extract` (`read`, `answers_for`, `understand`).

The pipeline, stage by stage, each in the module named for it:

1. text in:        `normalize` (numbers and units as people write them), `segments`/`clauses` (where
                   one statement ends), `lexicon` (the word lists);
2. patterns:       `patterns` (spaCy Matcher/EntityRuler rules), run by `components` (the
                   `mild_entities` and `mild_negation` spaCy factories; `build` saves the pipeline);
3. context checks: `context_checks` (a match that is not what it looks like: "twice a day" is no
                   duration, "my mother had cancer" not the patient's), `negation`, `hedges`;
4. readings:       `answers` (slot values for the open question), `treatments`, `numbers`,
                   `replies` (yes / no / not sure), `flags` (red and urgent flag mentions), each
                   with a confidence, over `message` (one processed message as the readers see it);
5. a second reader where safety needs one: `second_reader` (a learned classifier per clause over
                   `sentence_encoder`, trained by `second_reader_training`) and `flag_union`
                   (both readers' findings: emergency, ask, or nothing).

`extract.read` runs the stages in that order, once per message (in Rasa's NLU pipeline, by
nlu_components.mild_reader); `reading_codec` carries that reading with the parsed message to the
action server, where `extract.answers_for` settles the answers for the open question and returns
an `Understanding` (`extract.understand` does both at once); `pipeline` loads the saved spaCy pipeline.
"""
