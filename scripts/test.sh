#!/usr/bin/env bash
# The README's test command, `npm test`: typecheck, lint, the unit tests and the integration tests in a real
# VS Code, each build made once. The .vsix is packaged first (a production build into dist/), then the
# development build (bundles with source maps, and the tests) replaces those bundles: the unit tests and the
# integration suite run from it, the .vsix phase from the package. `npm run test:unit` and
# `npm run test:integration` build for themselves when run alone.
# .ci/run sources this file with its own `step` (which times each one); alone, a step just runs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! declare -F step >/dev/null; then step() { shift; "$@"; }; fi

step "system packages" bash scripts/system-packages.sh
step typecheck npm run --silent typecheck
step lint npm run --silent lint
step "package (.vsix)" npm run --silent package
step build npm run --silent build
step "code-server (cache)" node dist/test/integration/runIntegration.js --install-only
step "unit tests" npm run --silent test:unit:run
step "integration tests" npm run --silent test:integration:run
