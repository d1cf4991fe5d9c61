#!/usr/bin/env bash
# Runs a command in a fresh memory cgroup limited to LIMIT bytes (suffixes K/M/G), then prints the cgroup's peak
# usage. cgroup v1 (memory.limit_in_bytes, memory.max_usage_in_bytes) and v2 (memory.max, memory.peak) are handled;
# needs write access to the memory controller (root). The kernel counts the process's anonymous memory and the page
# cache it causes (file pages read, written or memory-mapped) against the limit; clean file pages are reclaimed under
# the limit rather than failing the process, so a peak at the limit means "used what it was allowed", and an OOM kill
# (exit 137) means the anonymous memory alone did not fit.
#
#   benchmarks/FaissBench/run-with-memory-limit.sh 768M dotnet FaissBench.dll ondisk serve /data/ondisk
set -euo pipefail
if [ $# -lt 2 ]; then
  sed -n '2,9p' "$0"; exit 2
fi
limit=$(numfmt --from=iec "$1"); shift
name="skeg-memlimit-$$"
if [ -d /sys/fs/cgroup/memory ]; then
  cg=/sys/fs/cgroup/memory/$name
  mkdir "$cg"
  echo "$limit" > "$cg/memory.limit_in_bytes"
  # No swap here; where there is, forbid it so the limit is one of RAM.
  [ -w "$cg/memory.memsw.limit_in_bytes" ] && echo "$limit" > "$cg/memory.memsw.limit_in_bytes" 2>/dev/null || true
  peak_file=memory.max_usage_in_bytes; events="$cg/memory.failcnt"
else
  cg=/sys/fs/cgroup/$name
  mkdir "$cg"
  echo "$limit" > "$cg/memory.max"
  [ -w "$cg/memory.swap.max" ] && echo 0 > "$cg/memory.swap.max" || true
  peak_file=memory.peak; events="$cg/memory.events"
fi
cleanup() { rmdir "$cg" 2>/dev/null || true; }
trap cleanup EXIT
echo "memory-limit: $(numfmt --to=iec "$limit") ($limit bytes) in $cg" >&2
set +e
( echo $BASHPID > "$cg/cgroup.procs"; exec "$@" )
rc=$?
set -e
peak=$(cat "$cg/$peak_file" 2>/dev/null || echo 0)
echo "memory-limit: rc $rc, peak cgroup usage $(numfmt --to=iec "$peak") ($peak bytes, page cache included) of $(numfmt --to=iec "$limit"); $(basename "$events"): $(tr '\n' ' ' < "$events")" >&2
exit $rc
