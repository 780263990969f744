#!/usr/bin/env bash
# Where start-up time and memory go with a long list: builds the `profiling` profile (release
# with symbols), starts it to its first frame under Xvfb on an empty data folder, on 10
# connections and on 10,000 (scripts/lib/seed_connections.py: long names, or a ПВЗ list),
# and prints for each the peak heap (heaptrack) with the part held by Ключник's own code, and the
# main thread's share in the app's own functions (perf). Numbers only; nothing is asserted.
# Usage: scripts/profile-start.sh [long|pvz]   (needs heaptrack and perf: apt install heaptrack
# linux-perf)
set -euo pipefail
cd "$(dirname "$0")/.."
kind="${1:-long}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/klyuchnik/target}"
cargo build --profile profiling --bin klyuchnik 2>&1 | tail -1
app="$CARGO_TARGET_DIR/profiling/klyuchnik"
work=$(mktemp -d)
source scripts/lib/xvfb.sh
start_xvfb
trap 'kill $xvfb_pid 2>/dev/null || true; rm -rf "$work"' EXIT

for n in 0 10 10000; do
  home="$work/home-$n"
  mkdir -p "$home"
  [ "$n" = 0 ] || python3 scripts/lib/seed_connections.py "$home" "$n" "$kind"
  cp -r "$home" "$work/seed-$n"
  run() {
    rm -rf "$home" && cp -r "$work/seed-$n" "$home"
    DISPLAY="$xvfb_display" KLYUCHNIK_HOME="$home" KLYUCHNIK_KEYRING=keyutils \
      KLYUCHNIK_EXIT_AFTER_FIRST_FRAME=1 "$@" >/dev/null 2>&1
  }
  run heaptrack -o "$work/heap-$n" "$app"
  heaptrack_print --flamegraph-cost-type peak -F "$work/heap-$n.folded" "$work/heap-$n.zst" >/dev/null 2>&1
  run perf record -q -F 10000 --call-graph dwarf,32000 -o "$work/perf-$n.data" "$app"
  echo "== $n connections ($kind)"
  heaptrack_print "$work/heap-$n.zst" 2>/dev/null | grep -E "^(peak heap memory|calls to allocation)"
  # The peak's allocations made under the store and the home screen, by the innermost of them.
  python3 - "$work/heap-$n.folded" <<'PY'
import collections, sys
# Frames read «function (file.rs)» without folders: Ключник's own files, and of list.rs (a name
# other crates use too) only its own functions.
ours = ("(connections.rs)", "(fields.rs)", "(opening.rs)", "(filter.rs)", "(natural.rs)",
        "new (list.rs)", "rank (list.rs)")
tot = collections.Counter()
for line in open(sys.argv[1]):
    stack, _, n = line.rstrip().rpartition(" ")
    frames = [f for f in stack.split(";") if any(f.endswith(o) for o in ours)]
    if frames:
        tot[frames[-1]] += int(n)
print(f"  held at the peak by the list and the home screen: {sum(tot.values())/1e6:.2f} MB")
for where, n in tot.most_common(5):
    print(f"    {n/1e6:6.2f} MB  {where}")
PY
  echo "  CPU samples of the main thread in Ключник's code (perf, % of all samples):"
  perf report -q -i "$work/perf-$n.data" --comm klyuchnik --children --sort symbol -g none 2>/dev/null |
    grep -E "klyuchnik::(store|ui::home|ui::app::App::(new|show)|natural)" | head -6 |
    awk '{pct = $1; $1 = $2 = $3 = ""; printf "    %6s  %s\n", pct, substr($0, 4, 110)}' || true
done
