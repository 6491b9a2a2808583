#!/bin/sh
# Regenerates test/fixtures/torch_load: test/torch-load.test.ts writes a
# flowcast model file (LSTM, dropout, GRU, simple RNN, Dense), an input and
# flowcast's prediction; scripts/check-safetensors-torch.py loads the file
# into torch.nn modules and records the largest output difference in
# verdict.json. Needs /usr/bin/python3 with torch (Debian python3-torch).
set -e
cd "$(dirname "$0")/.."
mkdir -p test/fixtures/torch_load
# The test fails against a stale fixture; what matters here is the files it writes.
FLOWCAST_TORCH_LOAD_DIR=test/fixtures/torch_load npx tap --disable-coverage test/torch-load.test.ts >/dev/null || true
/usr/bin/python3 scripts/check-safetensors-torch.py test/fixtures/torch_load
