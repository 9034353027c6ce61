#!/bin/sh
# countersign-launcher v1 — written by "Countersign: Install Command-Line Tool"; run it again to upgrade.
# Filled in by the install command (src/git/shellTemplate.ts): each @@NAME@@ placeholder becomes one shell-quoted word.
fallback_node='@@FALLBACK_NODE@@'
fallback_is_electron='@@FALLBACK_IS_ELECTRON@@'
cli='@@CLI@@'
node_bin=$(command -v node 2>/dev/null)
if [ -z "$node_bin" ] && [ -n "$fallback_node" ] && [ -x "$fallback_node" ]; then
  node_bin=$fallback_node
  if [ "$fallback_is_electron" = 1 ]; then ELECTRON_RUN_AS_NODE=1; export ELECTRON_RUN_AS_NODE; fi
fi
if [ -z "$node_bin" ]; then
  echo "countersign: Node.js is not on PATH; install it (https://nodejs.org) or run this command again from VS Code." >&2
  exit 2
fi
exec "$node_bin" "$cli" "$@"
