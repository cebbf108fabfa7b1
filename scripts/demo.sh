#!/usr/bin/env bash
# The main job: installs what is missing, builds, and runs the linux-gate.so.1 walkthrough.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/setup.sh release >/dev/null
exec build/gate386 demo "$@"
