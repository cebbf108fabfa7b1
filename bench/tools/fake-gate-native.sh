#!/usr/bin/env bash
# Stand-in for gate386 that runs the program natively, for testing the harness itself:
#   bench/run.sh --quick --gate bench/tools/fake-gate-native.sh
# Drops gate386 options (anything before the program that starts with '-'). With
# FAKE_GATE_STATS_INSNS=N in the environment, a --stats run prints the stats line gate386 would.
stats=0
while [ $# -gt 0 ] && [ "${1#-}" != "$1" ]; do
  [ "$1" = --stats ] && stats=1
  shift
done
if [ "$stats" = 1 ] && [ -n "${FAKE_GATE_STATS_INSNS:-}" ]; then
  "$@"
  rc=$?
  echo "gate386 stats: instructions $FAKE_GATE_STATS_INSNS" >&2
  exit $rc
fi
exec "$@"
