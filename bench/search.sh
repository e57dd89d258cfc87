#!/usr/bin/env bash
# What the search index costs: `prospectus build` with and without it for
# N = 1,000 and 10,000 synthetic hosts (median wall time of RUNS runs, peak
# RSS from /usr/bin/time -v), then the bytes a browser downloads (gzip -9)
# for a first search at the largest N, measured in Chromium.
#
# usage: bench/search.sh            (RUNS=3 SIZES="1000 10000" by default)
# Targets (2 cores): the index adds < 3 s and < 300 MB peak RSS at 10,000
# hosts; the first search downloads < 250 KB gzipped, UI included.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
RUNS=${RUNS:-3}
SIZES=${SIZES:-"1000 10000"}
TODAY=${TODAY:-2027-09-01}
bin="$repo/target/release/prospectus"

[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install -y time)" >&2; exit 1; }
[ -f bench/synth.py ] || { echo "needs bench/synth.py (the synthetic host generator)" >&2; exit 1; }
cargo build --release --quiet -p generator

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# One build; prints "seconds max_rss_kb".
measure() {
  local root=$1 out=$2; shift 2
  rm -rf "$out"
  /usr/bin/time -v "$bin" build --root "$root" --out "$out" --today "$TODAY" "$@" \
    >/dev/null 2>"$work/time.txt" || { cat "$work/time.txt" >&2; exit 1; }
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i] }
    /Maximum resident set size/ { rss = $2 }
    END { printf "%.3f %d\n", s, rss }' "$work/time.txt"
}

# Where the output goes: a RAM-backed folder (the generator alone) and the
# disk. Each run writes a folder of its own and nothing is deleted until the
# end: ext4 skips inodes freed in the last minute or so when it allocates new
# ones, so deleting one run's 10,000 files just before the next run made
# that run spend seconds in the kernel, measuring the benchmark's own
# clean-up rather than the build.
TMPFS=${TMPFS:-/dev/shm}
DISK=${DISK:-$work}
places="disk"
[ -d "$TMPFS" ] && [ -w "$TMPFS" ] && places="tmpfs disk"

printf '%-7s %-6s %-12s %10s %12s\n' hosts out build "median s" "peak RSS MB"
for n in $SIZES; do
  root="$work/site-$n"
  python3 bench/synth.py "$n" "$root" >/dev/null
  for place in $places; do
    base=$DISK
    [ "$place" = tmpfs ] && base=$(mktemp -d "$TMPFS/ik-bench-XXXXXX")
    for mode in with-search no-search; do
      flags=()
      [ "$mode" = no-search ] && flags=(--no-search)
      : >"$work/runs.txt"
      for run in $(seq "$RUNS"); do
        measure "$root" "$base/public-$n-$mode-$run" "${flags[@]}" >>"$work/runs.txt"
      done
      secs=$(cut -d' ' -f1 "$work/runs.txt" | median)
      rss=$(cut -d' ' -f2 "$work/runs.txt" | median)
      printf '%-7s %-6s %-12s %10.2f %12.0f\n' "$n" "$place" "$mode" "$secs" "$(echo "$rss / 1024" | bc -l)"
      echo "$n/$place $mode $secs $rss" >>"$work/summary.txt"
    done
    if [ "$place" = tmpfs ]; then
      rm -rf "$base"
    else
      files=$(find "$base/public-$n-with-search-1/pagefind" -type f | wc -l)
      bytes=$(du -sb "$base/public-$n-with-search-1/pagefind" | cut -f1)
      echo "        index: $files files, $bytes bytes in /pagefind/"
    fi
  done
done

echo
awk '
  { t[$1 " " $2] = $3; r[$1 " " $2] = $4; n[$1] = 1 }
  END { for (k in n) printf "index adds at %s hosts: %.2f s, peak RSS %+.0f MB\n", k,
          t[k " with-search"] - t[k " no-search"], (r[k " with-search"] - r[k " no-search"]) / 1024 }
' "$work/summary.txt" | sort -n -k5

largest=${SIZES##* }
echo
echo "first search at $largest hosts:"
# A focus-area word: synth.py's hosts have it in every region ("reading" is
# only the town of Reading there, in the South East, so it finds no London host).
node bench/search-bytes.mjs "$DISK/public-$largest-with-search-1" writing London
