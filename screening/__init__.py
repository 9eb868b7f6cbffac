"""The screening itself: triage rules, questionnaire flow and wording. No Rasa imports."""
