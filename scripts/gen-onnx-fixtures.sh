#!/bin/sh
# Regenerates test/fixtures/onnx: the ONNX checker's verdict on the graphs
# test/onnx-format.test.ts exports. Run after changing the exporter's graph
# structure. Needs Debian's python3-onnx (apt-get install python3-onnx).
set -e
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
# The test fails against stale fixtures; what matters here is the files it writes.
FLOWCAST_ONNX_EXPORT_DIR="$tmp" npx tap --disable-coverage test/onnx-format.test.ts >/dev/null || true
rm -rf test/fixtures/onnx
/usr/bin/python3 scripts/check-onnx.py "$tmp" test/fixtures/onnx
rm -rf "$tmp"
