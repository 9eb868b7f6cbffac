#!/usr/bin/env bash
# NLU evaluation on a held-out split: 80% of data/nlu trains an NLU model with config.yml,
# the other 20% (never seen in training) is classified; prints intent macro-F1.
# Then the blind set tests/data/nlu_blind (written apart from data/nlu and the rules, never
# trained on or tuned to) through the assistant's own model, trained on all of data/nlu.
# Then the five written slot sets (tests/data/slots_blind*): each message read as the form reads it,
# the red-flag stress set (each reader and their union), and last the whole written
# conversations played through the REST channel with the action server.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
out=results/eval
rm -rf "$out" && mkdir -p "$out"
.venv/bin/rasa data split nlu --nlu data/nlu --training-fraction 0.8 --random-seed 42 --out "$out/split" > /dev/null
.venv/bin/rasa train nlu --nlu "$out/split/training_data.yml" --config config.yml --domain domain.yml \
  --out "$out/model" --fixed-model-name nlu-heldout --quiet > "$out/train.log" 2>&1
.venv/bin/rasa test nlu --nlu "$out/split/test_data.yml" --model "$out/model/nlu-heldout.tar.gz" \
  --out "$out/report" > "$out/test.log" 2>&1
.venv/bin/python -m scripts.nlu_report "$out/report"
# (data/nlu carries no entity annotations: the spans are read by mild_nlp, scored on the blind set below)

echo
.venv/bin/python -m scripts.unseen_examples tests/data/nlu_blind/blind_test.yml data/nlu "$out/blind_unseen.yml"
.venv/bin/rasa test nlu --nlu "$out/blind_unseen.yml" --model models/mild.tar.gz \
  --out "$out/blind" > "$out/blind.log" 2>&1
.venv/bin/python -m scripts.nlu_report "$out/blind" "blind examples"
.venv/bin/python -m scripts.entity_eval "$out/blind_unseen.yml"

echo
for set in slots_blind slots_blind2 slots_blind3 slots_blind4 slots_blind5 slots_blind6 slots_blind7 slots_blind8; do
  echo "$set:"
  .venv/bin/python -m scripts.slot_eval "tests/data/$set/cases.yml"
done

echo
for set in flag_stress flag_stress2 flag_stress3 flag_stress4 flag_stress5 flag_stress6; do
  echo "red-flag stress set $set:"
  .venv/bin/python -m scripts.flag_stress_eval "tests/data/$set/clauses.yml"
done

echo
for set in conversations_blind conversations_blind2 conversations_blind3 conversations_blind4; do
  echo "whole conversations $set:"
  .venv/bin/python -m scripts.conversation_eval "tests/data/$set/conversations.yml"
done
