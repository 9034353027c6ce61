#!/usr/bin/env bash
# Build into .out/NAME and run the unit tests from there, so several people (or agents) working in one
# checkout do not overwrite each other's dist/. Usage: scripts/dev-test.sh NAME [mocha args, e.g. --grep engine]
# Integration tests in a real VS Code from the same build: scripts/dev-test.sh NAME --integration [--only suite]
# [--grep X] (runIntegration's options; the .vsix phase needs --vsix FILE from `npm run package` in a clone).
set -euo pipefail
name=${1:?usage: scripts/dev-test.sh NAME [mocha args]}; shift
out=".out/$name"
OUT_DIR="$out" node esbuild.js
if [ "${1:-}" = "--integration" ]; then shift; exec node "$out/test/integration/runIntegration.js" "$@"; fi
COUNTERSIGN_OUT="$out" npx mocha --no-config --exit --timeout 20000 --reporter dot --enable-source-maps -r test/perFileTimings.js "$out/test/unit/**/*.test.js" "$@"
