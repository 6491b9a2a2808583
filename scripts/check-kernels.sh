#!/usr/bin/env bash
# Builds native/tests/kernel_check.cc and runs it: natively, and (when the
# cross compiler and qemu are installed: Debian g++-aarch64-linux-gnu and
# qemu-user) cross-compiled for aarch64 under qemu-aarch64, which checks the
# NEON table. Usage: scripts/check-kernels.sh [native|aarch64|all]  (default all)
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}

if [ "$what" = native ] || [ "$what" = all ]; then
  cmake -S . -B build-check -DFLOWCAST_BUILD_TESTS=ON -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build-check --target kernel_check -j 2 >/dev/null
  echo "native ($(uname -m)):"
  build-check/kernel_check | tail -4
fi

if [ "$what" = aarch64 ] || [ "$what" = all ]; then
  if ! command -v aarch64-linux-gnu-g++ >/dev/null || ! command -v qemu-aarch64 >/dev/null; then
    echo "aarch64: skipped (needs g++-aarch64-linux-gnu and qemu-user)"
    [ "$what" = aarch64 ] && exit 1
    exit 0
  fi
  cmake -S . -B build-check-aarch64 -DFLOWCAST_BUILD_TESTS=ON -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/linux-arm64-gnu.cmake >/dev/null
  cmake --build build-check-aarch64 --target kernel_check -j 2 >/dev/null
  echo "aarch64 (qemu-aarch64):"
  qemu-aarch64 -L /usr/aarch64-linux-gnu build-check-aarch64/kernel_check | tail -4
fi
