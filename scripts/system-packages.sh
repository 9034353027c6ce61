#!/usr/bin/env bash
# Installs the Debian packages the tests need, when any is missing (shared by .ci/run and `npm test`, so the
# README's test command also works on a fresh machine): chromium drives the web workbench; ripgrep lets
# code-server install offline; libkrb5-dev and a C++ toolchain build code-server's native modules; git and
# ssh-keygen are what Countersign runs; shellcheck checks our shell scripts in `npm run lint`; pre-commit is the real hook manager the coexistence tests run (husky
# and lefthook come from the npm registry as devDependencies). Without root or sudo it names what to install and fails.
set -euo pipefail
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v rg >/dev/null || need+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
command -v git >/dev/null || need+=(git)
command -v ssh-keygen >/dev/null || need+=(openssh-client)
command -v g++ >/dev/null || need+=(g++)
command -v make >/dev/null || need+=(make)
command -v python3 >/dev/null || need+=(python3)
command -v pre-commit >/dev/null || need+=(pre-commit)
command -v shellcheck >/dev/null || need+=(shellcheck)
if [ ${#need[@]} -eq 0 ]; then echo "system packages: all present"; exit 0; fi
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo=(sudo); else
    echo "The tests need these Debian packages: ${need[*]}. Install them with: sudo apt-get install ${need[*]}" >&2
    exit 1
  fi
fi
command -v apt-get >/dev/null || { echo "The tests need: ${need[*]} (no apt-get here: install them with your package manager)" >&2; exit 1; }
echo "system packages: installing ${need[*]}"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
