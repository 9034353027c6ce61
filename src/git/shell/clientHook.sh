#!/bin/sh
# countersign-hook-shim v1 — installed by `countersign install`; `countersign uninstall` restores the previous hooks.
# Runs the hook this repository had before, then Countersign's part.
#   COUNTERSIGN_SKIP=1   skip Countersign (emergencies; the commit stays unattested and the server asks for review)
#   COUNTERSIGN_TRACE=1  trace this script
#   COUNTERSIGN_NODE_HOOK=1  compute every commit's provenance in Node (a commit nothing was observed for is
#                        otherwise counted here: parts/unobservedCommit.sh)
[ "${COUNTERSIGN_TRACE:-}" = 1 ] && set -x
# Parameter expansions, not basename/dirname: this runs on every ref update (reference-transaction), so
# every process it starts is paid many times over in a rebase.
hook=${0##*/}
here=${0%/*}
cs_dir=${here%/*}
# Filled in at install (src/git/shellTemplate.ts): each @@NAME@@ placeholder below becomes one shell-quoted word.
chained_dir='@@CHAINED_DIR@@'
fallback_node='@@FALLBACK_NODE@@'
fallback_is_electron='@@FALLBACK_IS_ELECTRON@@'
timeout_seconds='@@TIMEOUT_SECONDS@@'
cli='@@CLI@@'
# What prepare-commit-msg asks git on every commit (src/git/hookPrelude.ts): each a word list, split on purpose.
prelude_repo='@@PRELUDE_REPO@@'
prelude_tree='@@PRELUDE_TREE@@'
prelude_settings='@@PRELUDE_SETTINGS@@'
prelude_diff='@@PRELUDE_DIFF@@'
prelude_git_env='@@PRELUDE_GIT_ENV@@'
# Whether a message is empty as git decides it (src/core/emptyCommitMessage.ts): an awk program.
empty_message_awk='@@EMPTY_MESSAGE_AWK@@'
# Run by a hook manager's recipe (src/git/managerHookLine.ts) from the hook this script is chaining (a plain install
# over the manager's set-up): Countersign's part runs once, in the outer script, after the chained hook.
[ "${COUNTERSIGN_SHIM_RUNS:-}" = 1 ] && exit 0
chained=
[ -x "$chained_dir/$hook" ] && [ "$chained_dir/$hook" != "$0" ] && chained=1

# Hooks that read stdin get a copy only when a chained hook needs it too; otherwise Countersign reads it directly.
stdin_file=
if [ -n "$chained" ]; then
  case "$hook" in
    pre-push|post-rewrite|pre-receive|post-receive|reference-transaction|proc-receive)
      stdin_file=$(mktemp "${TMPDIR:-/tmp}/countersign-hook.XXXXXX") || exit 1
      trap 'rm -f "$stdin_file"' EXIT
      cat > "$stdin_file" ;;
  esac
fi
feed() { if [ -n "$stdin_file" ]; then "$@" < "$stdin_file"; else "$@"; fi; }

# The commit git just made, read before a chained post-commit or post-merge can move HEAD (a checkout back to the
# branch it came from, another commit): its note goes to that commit, never to what HEAD names afterwards (red26).
made_at=HEAD
if [ -n "$chained" ] && { [ "$hook" = post-commit ] || [ "$hook" = post-merge ]; }; then
  made_at=$(git rev-parse -q --verify HEAD 2>/dev/null) || made_at=HEAD
fi

if [ -n "$chained" ]; then
  # A chained hook manager's config may call `countersign hook $hook` too: that call leaves the work to this script.
  (COUNTERSIGN_SHIM_RUNS=1; export COUNTERSIGN_SHIM_RUNS; feed "$chained_dir/$hook" "$@")
  code=$?
  if [ $code -ne 0 ]; then
    echo "countersign: the $hook hook in $chained_dir failed (exit $code); Countersign did not run." >&2
    exit $code
  fi
fi

[ "${COUNTERSIGN_SKIP:-}" = 1 ] && exit 0

# This worktree's pending folder in $p, without a git process where git says the git dir (GIT_DIR, set for
# linked worktrees) or where it must be (a .git folder in the top level, where git runs hooks); else asks git
# (a .git file: submodules). Sets a variable rather than printing: each $(...) is a fork, on every commit.
set_pending() {
  if [ -n "${GIT_DIR:-}" ]; then p=$GIT_DIR
  elif [ -d .git ] && [ -f .git/HEAD ]; then p="$PWD/.git"
  else p=$(git rev-parse --absolute-git-dir 2>/dev/null)
  fi
  p="$p/countersign/pending"
  # A link there would have the hooks write their files, then `rm -f` files of those names, wherever it points
  # (attack23): nothing is read, written or removed; the commit goes ahead unattested and says why.
  if [ -L "$p" ] || [ -L "${p%/pending}" ]; then
    echo "countersign ($hook): ${p%/pending} or its pending folder is a symbolic link, so Countersign wrote nothing there and this commit is unattested; remove the link and run \`countersign install\` again" >&2
    exit 0
  fi
}
# A pending file's first line into $v, by the shell's own read (no cat, no fork): empty when the file is missing.
first_line() { v=; [ -f "$1" ] && IFS= read -r v < "$1"; }

# Whether a message has an AI-Provenance line (any case, as git compares trailer keys), read by the shell itself.
has_provenance() {
  while IFS= read -r l || [ -n "$l" ]; do
    case "$l" in [Aa][Ii]-[Pp][Rr][Oo][Vv][Ee][Nn][Aa][Nn][Cc][Ee]:*) return 0 ;; esac
  done < "$1"
  return 1
}

# prepare-commit-msg's questions to git, asked here while Node starts and piped into its stdin: a process Node
# spawns costs several times one the shell starts. Each answer is `a ARGS`, stdout, NUL, exit code; the diff
# (whose stdout holds NULs) comes last as `z ARGS`. Node uses an answer only for the very same question.
prelude() (
  for kv in $prelude_git_env; do export "${kv?}"; done
  nl='
'
  # shellcheck disable=SC2086 # word lists, split on purpose
  rp=$(git $prelude_repo 2>/dev/null)
  code=$?
  [ -n "$rp" ] && rp="$rp$nl"
  printf 'a %s\n%s\000%s\n' "$prelude_repo" "$rp" "$code"
  printf 'a %s\n' "$prelude_tree"
  # shellcheck disable=SC2086
  git $prelude_tree
  printf '\000%s\n' "$?"
  printf 'a %s\n' "$prelude_settings"
  # shellcheck disable=SC2086
  git $prelude_settings 2>/dev/null
  printf '\000%s\n' "$?"
  # HEAD is rev-parse's last line when it resolved (a path line, with its slashes, when HEAD is unborn).
  head=${rp%"$nl"}
  head=${head##*"$nl"}
  case "$head" in
    *[!0-9a-f]* | '') ;;
    *)
      printf 'z %s %s\n' "$prelude_diff" "$head"
      # shellcheck disable=SC2086
      git $prelude_diff "$head"
      printf '\000%s\n' "$?"
      ;;
  esac
)

# Attach the note prepare-commit-msg prepared, but only to the commit it was computed for (same tree, same parent):
# a blob already stored (note-blob), or a note file `notes add -F` stores byte for byte (note-file: Node checked
# that git's whitespace clean-up leaves it as it is).
attach_note() {
  set_pending
  [ -f "$p/trailers" ] || return 0
  note_from=
  [ -f "$p/note-file" ] && note_from=-F
  [ -f "$p/note-blob" ] && note_from=-C
  # A commit counted without Node (unobserved_prepare): its note is written here, and only for the git process
  # that ran that prepare-commit-msg (this hook's parent too), since no tree or parent was read for it.
  unobserved=
  first_line "$p/unobserved"
  [ -n "$v" ] && [ "$v" = "$PPID" ] && unobserved=1 && note_from=-F
  # The agents' removals the commit carries (src/git/settledRemovals.ts): a ledger queue entry, and where it goes.
  settle=
  [ -f "$p/settle" ] && [ -f "$p/settle-to" ] && settle=1
  if [ -n "$note_from" ] || [ -n "$settle" ]; then
    # One git process: the commit made (HEAD), its tree, then its parents (none for a root commit; the first counts).
    # shellcheck disable=SC2046 # split on purpose: rev-parse prints one id per line
    set -- $(git rev-parse "$made_at" "$made_at^{tree}" "$made_at^@" 2>/dev/null)
    made=${1:-}
    [ $# -gt 0 ] && shift
    first_line "$p/tree"
    tree=$v
    first_line "$p/parent"
    parent=$v
    if [ -n "$unobserved" ] && [ -n "${2:-}" ]; then
      tree=$1
      parent=$2
      unobserved_note_file "$2"
    fi
    if [ -n "${1:-}" ] && [ "$1" = "$tree" ] && [ "${2:-none}" = "$parent" ]; then
      if [ -n "$note_from" ]; then
        v="$p/note-file"
        [ "$note_from" = -C ] && first_line "$p/note-blob"
        # The notes ref's update runs reference-transaction twice; this script's part ignores a notes ref, so
        # without a chained reference-transaction hook the two shell starts are skipped.
        no_hooks=
        [ -x "$chained_dir/reference-transaction" ] || no_hooks='core.hooksPath=/dev/null'
        git ${no_hooks:+-c "$no_hooks"} notes --ref=refs/notes/ai add -f "$note_from" "$v" "$made_at" >/dev/null 2>&1 ||
          echo "countersign ($hook): could not attach the provenance note to HEAD; \`countersign explain HEAD\` will show it unattested" >&2
      fi
      # The commit was made: what it carried of agents' removals is settled (no later commit is credited with it).
      # The entry ends in `"commit":"` (settledRemovals.ts): the commit's id completes it, by printf (no process).
      case "$made" in *[!0-9a-f]* | '') settle= ;; esac
      if [ -n "$settle" ]; then
        first_line "$p/settle-to"
        printf '%s"}' "$made" >> "$p/settle" && mv -f "$p/settle" "$v" 2>/dev/null ||
          echo "countersign ($hook): could not settle the agents' deletions this commit carries; a later commit removing the same lines may name the agent again" >&2
      fi
    fi
  fi
  rm -f "$p/note-blob" "$p/note-file" "$p/tree" "$p/parent" "$p/trailers" "$p/note" "$p/trailer-args" "$p/settle" "$p/settle-to" "$p/unobserved"
}

# prepare-commit-msg's last git processes, run here after Node (which left their input in the pending folder:
# src/git/commitProvenance.ts, shimFinishes): the trailers into the message, and a note that `notes add -F`
# would not store as it is into the object store for post-commit to attach. The files stay for post-commit's
# one `rm` (rm is a process, not a shell builtin).
finish_prepare() {
  set_pending
  if [ -f "$p/trailer-args" ]; then
    set --
    while IFS= read -r a; do set -- "$@" "$a"; done < "$p/trailer-args"
    git interpret-trailers --in-place --no-divider "$@" "$msg_file" ||
      echo "countersign (prepare-commit-msg): could not add the trailers to the message; commit-msg tries again" >&2
  fi
  if [ -f "$p/note" ]; then
    if blob=$(git hash-object -w --stdin < "$p/note"); then
      echo "$blob" > "$p/note-blob"
    else
      echo "countersign (prepare-commit-msg): could not store the provenance note; the commit gets its trailers only" >&2
    fi
    rm -f "$p/note"
  fi
}

# shellcheck source=src/git/shell/parts/unobservedCommit.sh
. "$here/parts/unobservedCommit.sh"

# Whether any working ledger (this work tree's, or a linked one's) holds a file's labels or agents' removals (the
# marker ledgerStore.ts keeps): globs, no fork.
ledger_tracks() {
  for f in "$cs_dir"/ledger/files/*.json "$cs_dir"/worktrees/*/ledger/files/*.json \
    "$cs_dir"/ledger/removals "$cs_dir"/worktrees/*/ledger/removals; do [ -e "$f" ] && return 0; done
  return 1
}

case "$hook" in
  prepare-commit-msg)
    # Whatever an earlier, abandoned commit left must not be attached to this one.
    set_pending
    for f in note-blob note-file tree parent trailers note trailer-args settle settle-to unobserved; do [ -e "$p/$f" ] && { rm -f "$p/note-blob" "$p/note-file" "$p/tree" "$p/parent" "$p/trailers" "$p/note" "$p/trailer-args" "$p/settle" "$p/settle-to" "$p/unobserved"; break; }; done
    # A rebase replaying a commit as it was (pick, edit, reword) keeps that commit's own trailers, and
    # post-rewrite re-maps all the notes once at the end: no Node start per replayed commit. Squash and
    # fixup steps combine commits, so they are computed.
    gd=${p%/countersign/pending}
    if [ "${2:-}" = message ] && [ -f "$gd/CHERRY_PICK_HEAD" ] && [ -f "$gd/rebase-merge/done" ]; then
      last=$(grep -v '^#' "$gd/rebase-merge/done" | grep -v '^[[:space:]]*$' | tail -n 1)
      case "$last" in pick\ *|p\ *|edit\ *|e\ *|reword\ *|r\ *) exit 0 ;; esac
    fi
    COUNTERSIGN_GIT_PID=$PPID; export COUNTERSIGN_GIT_PID
    msg_file=$1
    unobserved_prepare "$@" && exit 0 ;;
  commit-msg)
    # Add the trailers prepare-commit-msg computed if the message lacks them (written in the editor, where they
    # were shown as comments, or edited away) — unless the message is empty, so that git still aborts.
    set_pending
    if [ -f "$p/trailers" ] && ! has_provenance "$1"; then
      # Empty as git's clean-up decides (src/core/emptyCommitMessage.ts, whose rule the awk program is): whether an
      # editor opened is unknown here, so it counts as opened (prepare-commit-msg wrote the trailers otherwise).
      cc='#'; cleanup=
      while IFS=' ' read -r k v; do
        case "$k" in core.commentchar) cc=$v ;; commit.cleanup) cleanup=$v ;; esac
      done <<EOF
$(git config --get-regexp '^(core\.commentchar|commit\.cleanup)$' 2>/dev/null)
EOF
      [ ${#cc} = 1 ] || cc='#'
      if awk -v c="$cc" -v m="$cleanup" -v e=1 "$empty_message_awk" "$1"; then
        msg=$1; shift
        [ -n "$(tail -c 1 "$msg")" ] && echo >> "$msg"  # interpret-trailers would glue them onto a last line without a newline
        while IFS= read -r t; do [ -n "$t" ] && set -- "$@" --trailer "$t"; done < "$p/trailers"
        git interpret-trailers --in-place --no-divider --if-exists addIfDifferent "$@" "$msg" || echo "countersign (commit-msg): could not add trailers; the commit is unattested" >&2
      fi
    fi
    exit 0 ;;
  post-commit)
    attach_note
    exit 0 ;;
  post-merge)
    # git merge runs post-merge, not post-commit; $1 = 1 for --squash, which commits nothing yet.
    [ "${1:-0}" = 1 ] || attach_note
    exit 0 ;;
  post-rewrite)
    # An amend's note was computed by its prepare-commit-msg (the old commit's note included): no second Node start.
    [ "${1:-}" = amend ] && exit 0 ;;
  reference-transaction)
    # Notes fetched into refs/countersign/remotes/ are merged into the local notes (git has no post-fetch hook).
    # (Skipped while Countersign itself fetches or pushes notes: it merges them in the same process.)
    [ "${COUNTERSIGN_NOTES_SYNC:-}" != 1 ] && [ "${1:-}" = committed ] || exit 0
    fetched=
    if [ -n "$stdin_file" ]; then
      grep -q ' refs/countersign/remotes/' "$stdin_file" && fetched=1
    else
      while IFS= read -r line; do case "$line" in *" refs/countersign/remotes/"*) fetched=1 ;; esac; done
    fi
    [ -n "$fetched" ] || exit 0 ;;
  post-checkout)
    # A branch switch ($3 = 1) rewrote files no one watched: Node tells the working ledger (src/git/checkoutWrites.ts),
    # but only when the ledger tracks some file (else nothing it holds can be stale): no Node start otherwise.
    [ "${3:-}" = 1 ] && [ "${1:-}" != "${2:-}" ] || exit 0
    [ -n "$cli" ] || ledger_tracks || exit 0 ;;
  # pre-push always reaches Node; the other hooks Node runs for (NODE_HOOKS in hookScripts.ts) fall through above.
  pre-push) ;;
  *) exit 0 ;;
esac

# `command -v` alone (a builtin): its answer in $(...) would cost a fork on every commit.
node_bin=
command -v node >/dev/null 2>&1 && node_bin=node
if [ -z "$node_bin" ] && [ -n "$fallback_node" ] && [ -x "$fallback_node" ]; then
  node_bin=$fallback_node
  if [ "$fallback_is_electron" = 1 ]; then ELECTRON_RUN_AS_NODE=1; export ELECTRON_RUN_AS_NODE; fi
fi
if [ -z "$node_bin" ]; then
  echo "countersign ($hook): node is not on PATH, so Countersign did not run; install Node.js or run \`countersign install\` from a shell that has it." >&2
  exit 0
fi
# COUNTERSIGN_IN_SHIM: `countersign hook` runs its Node part directly instead of this script again.
COUNTERSIGN_IN_SHIM=1; export COUNTERSIGN_IN_SHIM
# Node 22.1+ keeps the code it compiled here between commits (older Nodes ignore the variable): under the git
# dir beside the CLI copy, never in the work tree, whose content a clone's author controls.
if [ -z "${NODE_COMPILE_CACHE:-}" ]; then NODE_COMPILE_CACHE="$cs_dir/cache"; export NODE_COMPILE_CACHE; fi
[ -n "$cli" ] || cli="$cs_dir/bin/countersign.js"
# prepare-commit-msg runs on every commit: the small commit-hook entry beside the CLI loads only what it needs,
# reading the prelude's answers from its stdin.
prelude=
if [ "$hook" = prepare-commit-msg ] && [ -f "${cli%/*}/hook.js" ]; then
  set -- "${cli%/*}/hook.js" "$cli" "$hook" "$@"
  prelude=1
else
  set -- "$cli" hook "$hook" "$@"
fi
# Node 20 reads the whole NODE_EXTRA_CA_CERTS file before running any code (where it names the system's CA bundle,
# ~35 ms of CPU: more than the rest of Node's start), for TLS that Countersign's Node never does. Node starts
# without it and puts it back for the processes it starts (src/cli/processContext.ts).
# With node_exec=1 (set only in a subshell of its own) timeout or Node takes the subshell's place: one fork fewer.
node_exec=
run_node() {
  if command -v timeout >/dev/null 2>&1; then set -- timeout "$timeout_seconds" "$node_bin" "$@"; else set -- "$node_bin" "$@"; fi
  if [ -n "${NODE_EXTRA_CA_CERTS:-}" ]; then
    held=$NODE_EXTRA_CA_CERTS
    COUNTERSIGN_NODE_EXTRA_CA_CERTS=$held NODE_EXTRA_CA_CERTS='' ${node_exec:+exec} "$@"
  else
    ${node_exec:+exec} "$@"
  fi
}
if [ -n "$prelude" ]; then
  # COUNTERSIGN_NOTE_FILE: this script attaches a note file as well as a stored blob (attach_note).
  # A subshell, written as one (ksh and zsh run a pipe's last part in the shell itself): Node, under timeout,
  # replaces it, and this script goes on with finish_prepare.
  prelude | (
    COUNTERSIGN_PRELUDE=1
    COUNTERSIGN_NOTE_FILE=1
    export COUNTERSIGN_PRELUDE COUNTERSIGN_NOTE_FILE
    node_exec=1
    run_node "$@"
  )
else
  feed run_node "$@"
fi
code=$?
[ "$code" = 0 ] && [ -n "$prelude" ] && finish_prepare
case "$code" in
  0) exit 0 ;;
  124) echo "countersign ($hook): timed out after ${timeout_seconds}s." >&2 ;;
esac
if [ "$hook" = pre-push ]; then
  [ "$code" = 124 ] && echo "countersign (pre-push): could not decide in time, so the push is blocked. Retry, or run \`countersign verify\` to see why." >&2
  echo "countersign (pre-push): push blocked (the check exited with $code): why, and what to do, is above; in an emergency \`git push --no-verify\` skips this check, but the server-side gate still applies." >&2
  exit 1
fi
# Commit-time hooks never block a commit: a failure leaves it unattested, which the gate treats as needing review.
case "$hook" in
  prepare-commit-msg) [ "$code" = 124 ] || echo "countersign ($hook): exited with $code; the commit is left unattested (see above)." >&2 ;;
  *) [ "$code" = 124 ] || echo "countersign ($hook): exited with $code (see above); git went on regardless." >&2 ;;
esac
exit 0
