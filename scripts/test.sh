#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds release and sanitizer configurations,
# runs every ctest test in the release build, the unit tests and a differential sample under
# ASan+UBSan, and the seed walkthrough. Ends with ctest's summary line.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/setup.sh release || exit 1
scripts/setup.sh asan || exit 1

jobs=$(nproc)
status=0
echo "== release build: all tests"
( cd build && ctest -j"$jobs" --output-on-failure --timeout 600 ) || status=1
echo "== sanitizer build (ASan+UBSan): unit tests and differential programs"
( cd build-asan && ASAN_OPTIONS=detect_leaks=0 ctest -j"$jobs" --output-on-failure --timeout 900 \
    -R '^(unit|diff\.)' ) || status=1
exit $status
