#!/usr/bin/env bash
# Builds native/tests/kernel_check.cc and runs it: natively, and (when the
# cross compiler and qemu are installed: Debian g++-aarch64-linux-gnu and
# qemu-user) cross-compiled for aarch64 under qemu-aarch64, which checks the
# NEON table. Usage: scripts/check-kernels.sh [native|aarch64|all]  (default all)
# After `npm run package` it builds in that run's build-release/<tag> trees
# (only kernel_check.cc is left to compile there); otherwise in build-check*.
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
native_dir=build-check
aarch64_dir=build-check-aarch64
[ "$(uname -m)" = x86_64 ] && [ -f build-release/linux-x64-gnu/CMakeCache.txt ] && native_dir=build-release/linux-x64-gnu
[ -f build-release/linux-arm64-gnu/CMakeCache.txt ] && aarch64_dir=build-release/linux-arm64-gnu

if [ "$what" = native ] || [ "$what" = all ]; then
  cmake -S . -B "$native_dir" -DFLOWCAST_BUILD_TESTS=ON -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$native_dir" --target kernel_check -j 2 >/dev/null
  echo "native ($(uname -m)):"
  "$native_dir/kernel_check" | tail -4
fi

if [ "$what" = aarch64 ] || [ "$what" = all ]; then
  if ! command -v aarch64-linux-gnu-g++ >/dev/null || ! command -v qemu-aarch64 >/dev/null; then
    echo "aarch64: skipped (needs g++-aarch64-linux-gnu and qemu-user)"
    [ "$what" = aarch64 ] && exit 1
    exit 0
  fi
  cmake -S . -B "$aarch64_dir" -DFLOWCAST_BUILD_TESTS=ON -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/linux-arm64-gnu.cmake >/dev/null
  cmake --build "$aarch64_dir" --target kernel_check -j 2 >/dev/null
  echo "aarch64 (qemu-aarch64):"
  qemu-aarch64 -L /usr/aarch64-linux-gnu "$aarch64_dir/kernel_check" | tail -4
fi
