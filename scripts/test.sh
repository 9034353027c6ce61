#!/usr/bin/env bash
# The README's test command, `npm test`: typecheck, lint, the unit tests and the integration tests in a real
# VS Code, each build made once. The .vsix is packaged first (a production build into dist/), then the
# development build (bundles with source maps, and the tests) replaces those bundles: the unit tests and the
# integration suite run from it, the .vsix phase from the package. `npm run test:unit` and
# `npm run test:integration` build for themselves when run alone.
# .ci/run sources this file with its own `step` (which times each one); alone, a step prints its name and runs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! declare -F step >/dev/null; then step() { echo "▶ $1"; shift; "$@"; }; fi

step "system packages" bash scripts/system-packages.sh
# Typecheck and lint read the same sources and are each one single-threaded process: on two cores they run side
# by side (each one's output is printed whole, in this order, once both are done; the step fails if either does).
side_by_side() { # side_by_side NAME... — runs `npm run --silent NAME` for each at once
  local dir rc=0 i
  dir=$(mktemp -d)
  local pids=()
  echo "running $* side by side (a few minutes on two cores; each one's output follows when both are done)…"
  for i in "$@"; do
    npm run --silent "$i" >"$dir/$i" 2>&1 &
    pids+=($!)
  done
  for i in "${!pids[@]}"; do
    local code=0
    wait "${pids[$i]}" || code=$?
    cat "$dir/${*:$((i + 1)):1}"
    if [ "$code" -eq 0 ]; then
      echo "npm run ${*:$((i + 1)):1}: ok"
    else
      echo "npm run ${*:$((i + 1)):1} failed (exit $code)" >&2
      rc=$code
    fi
  done
  rm -rf "$dir"
  return "$rc"
}
step "typecheck + lint" side_by_side typecheck lint
step "package (.vsix)" npm run --silent package
step build npm run --silent build
step "code-server (cache)" node dist/test/integration/runIntegration.js --install-only
step "unit tests" npm run --silent test:unit:run
step "integration tests" npm run --silent test:integration:run
