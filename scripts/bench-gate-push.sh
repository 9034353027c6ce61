#!/usr/bin/env bash
# The server's CPU per push (gate20): a notes push (Bob's approval) and an approved push to main against a bare
# server with `countersign install --server`, per CLI build, alternating builds round by round. Prints each push's
# CPU (user+sys of the whole process tree, client and server: /usr/bin/time over `git push`) and the medians.
# Each round starts from a fresh copy of the fixture (scripts/benchGatePushFixture.ts); a code cache the CLI copy
# writes under countersign/ is carried from round to round, as it stays on a real server.
# Usage: scripts/bench-gate-push.sh FIXTURE ROUNDS NAME=DIST_DIR [NAME=DIST_DIR ...]
#        (heavy: run it under `flock /work/heavy.lock` on the shared machines)
set -euo pipefail
fixture=$(cd "$1" && pwd)
rounds=$2
shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME=$work/home GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0
mkdir -p "$HOME"
unset NODE_EXTRA_CA_CERTS
names=()
dirs=()
for a in "$@"; do
  names+=("${a%%=*}")
  dirs+=("$(cd "${a#*=}" && pwd)")
done
prep() { # NAME DIST_DIR
  rm -rf "${work:?}/$1"
  mkdir -p "$work/$1"
  cp -a "$fixture/server.git" "$work/$1/server.git"
  cp -a "$fixture/ada" "$work/$1/ada"
  (cd "$work/$1/server.git" && node "$2/cli.js" install --server >/dev/null 2>&1)
  if [ -d "$work/$1.cache" ]; then cp -a "$work/$1.cache" "$work/$1/server.git/countersign/cache"; fi
  git -C "$work/$1/ada" remote set-url origin "$work/$1/server.git"
}
cpu_ms() { # NAME REF
  /usr/bin/time -f '%U %S' -o "$work/time" git -C "$work/$1/ada" push -q --no-verify origin "$2" 2>"$work/err" ||
    { cat "$work/err" >&2; exit 1; }
  awk '{ printf "%d", ($1 + $2) * 1000 }' "$work/time"
}
: >"$work/results"
for ((r = 0; r < rounds; r++)); do
  for ((k = 0; k < ${#names[@]}; k++)); do
    i=$(((k + r) % ${#names[@]}))
    name=${names[$i]}
    prep "$name" "${dirs[$i]}"
    notes=$(cpu_ms "$name" refs/notes/countersign)
    main=$(cpu_ms "$name" main)
    rm -rf "${work:?}/$name.cache"
    if [ -d "$work/$name/server.git/countersign/cache" ]; then cp -a "$work/$name/server.git/countersign/cache" "$work/$name.cache"; fi
    read -r load _ </proc/loadavg
    echo "$r $name notes=$notes main=$main load=$load" | tee -a "$work/results"
  done
done
for name in "${names[@]}"; do
  for what in notes main; do
    printf '%s %s median CPU: ' "$name" "$what"
    grep " $name " "$work/results" | sed "s/.*$what=\\([0-9]*\\).*/\\1/" | sort -n |
      awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) " ms" }'
  done
done
