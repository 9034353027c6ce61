#!/usr/bin/env bash
# `npm run lint`'s shell half: shellcheck over every shell script we ship or run — the hooks and launcher
# Countersign installs (src/git/shell/, bundled as text) and our own build/CI scripts. shellcheck comes from
# Debian (scripts/system-packages.sh installs it when missing, as it does the test tools).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v shellcheck >/dev/null || scripts/system-packages.sh
# The installed scripts are POSIX sh (hooks run under whatever /bin/sh is); ours are bash. A script's parts
# (src/git/shell/parts/, inlined at install) are read with the script that sources them (-x), warnings included (-a).
shellcheck --shell=sh -x -a src/git/shell/*.sh
shellcheck --shell=bash scripts/*.sh .ci/run
