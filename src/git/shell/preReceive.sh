#!/bin/sh
# countersign-server-hook v1 — installed by `countersign install --server`. Runs the review gate on every push.
# The previous pre-receive hook (if any) runs first: pre-receive.countersign-chained.
[ "${COUNTERSIGN_TRACE:-}" = 1 ] && set -x
# Filled in at install (src/git/shellTemplate.ts): each @@NAME@@ placeholder below becomes one shell-quoted word.
fallback_node='@@FALLBACK_NODE@@'
timeout_seconds='@@TIMEOUT_SECONDS@@'
# Each process a push starts costs it 6-15 ms of CPU on a small server, so what a builtin does is a builtin here.
# The hook's folder and the repository's as `cd` and `pwd` in a subshell gave them (logical paths), but by a
# `cd` in this shell and back: no process.
start=$PWD
case $0 in */*) here=${0%/*} ;; *) here=. ;; esac
case $here in /*) ;; *) here=$start/$here ;; esac
if ! { cd "$here" && here=$PWD && cd "$here/.." && git_dir=$PWD && cd "$start"; }; then
  echo "countersign (pre-receive): cannot find this hook's folder ($here); push rejected" >&2
  exit 1
fi
# One private folder for what the gate writes: where it names the refs whose verdicts rely on each other
# (src/git/landTogether.ts, issue 10) and what its verdicts read of the other refs (src/git/verdictReads.ts,
# attack23 03); and the push's ref updates when a chained hook reads them first. One mktemp, one rm.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/countersign-receive.XXXXXX") || { echo "countersign (pre-receive): cannot create a temp file; push rejected" >&2; exit 1; }
trap 'rm -rf "$tmp"' EXIT
together_file=$tmp/together
reads_file=$tmp/reads
# The policy a passed push leaves on the policy branch (src/git/serverPolicyState.ts acceptedPolicy): remembered by
# the reference-transaction hook once git has moved the ref, not here (attack28 F5). Written only by such a push.
accepted_file=$tmp/policy
# Without a chained hook the gate reads the ref updates from this hook's own stdin: no copy to make.
stdin_file=
if [ -x "$here/pre-receive.countersign-chained" ]; then
  stdin_file=$tmp/stdin
  cat >"$stdin_file"
fi
# The generation of the refs this judgement starts from, before anything reads them; the reference-transaction
# hook refuses this push's ref updates if another push moved refs since (attack17 Q8/Q9). Without that hook
# the race is open, so its absence refuses the push.
# The push's verdict record is keyed by its git receive-pack, which the reference-transaction hook finds from this
# script's parent up (attack24 9: under a dispatcher such as Gitea's pre-receive.d, $PPID is the dispatcher).
commit_check="$here/reference-transaction"
begun=$("$commit_check" countersign-begin "$PPID" </dev/null 2>/dev/null)
case "$begun" in
  "countersign-generation "*" "*)
    begun=${begun#countersign-generation }
    generation=${begun%% *}
    receive_pack=${begun#* }
    ;;
  countersign-no-receive-pack)
    echo "countersign (pre-receive): there is no git receive-pack among this hook's parent processes (from process $PPID up), so the reference-transaction hook could not find this push's verdict to hold its refs together and refuse it if another push made it stale; push rejected. The gate must run inside the push's process tree: directly as hooks/pre-receive or from a dispatcher git starts (Gitea/Forgejo pre-receive.d), not from another service (docs/server-hook.md)." >&2
    exit 1
    ;;
  "countersign-generation "*)
    echo "countersign (pre-receive): $commit_check is too old to find this push's receive-pack, so concurrent pushes could land on stale verdicts; push rejected. Ask the administrator to run \`countersign install --server\` again." >&2
    exit 1
    ;;
  *)
    echo "countersign (pre-receive): $commit_check is missing or not Countersign's, so concurrent pushes could land on stale verdicts; push rejected. Ask the administrator to run \`countersign install --server\` again." >&2
    exit 1
    ;;
esac
if [ -n "$stdin_file" ]; then
  "$here/pre-receive.countersign-chained" "$@" < "$stdin_file" || exit $?
  exec < "$stdin_file"
fi
# `node` as found on PATH (timeout and the shell search it alike), without a command substitution's fork.
node_bin=
command -v node >/dev/null 2>&1 && node_bin=node
[ -z "$node_bin" ] && [ -n "$fallback_node" ] && [ -x "$fallback_node" ] && node_bin=$fallback_node
if [ -z "$node_bin" ]; then
  echo "countersign (pre-receive): node is not installed on this server, so the review gate cannot run; push rejected. Ask the administrator to install Node.js 20+." >&2
  exit 1
fi
cli="$git_dir/countersign/bin/countersign.js"
# Node 20 reads the whole NODE_EXTRA_CA_CERTS file before running any code (~35-70 ms of CPU per push where it names
# the system's CA bundle) for TLS the gate never does: as in the client hooks (clientHook.sh), Node starts without
# it and puts it back for what it starts (src/cli/processContext.ts).
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ]; then
  COUNTERSIGN_NODE_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS
  NODE_EXTRA_CA_CERTS=
  export COUNTERSIGN_NODE_EXTRA_CA_CERTS NODE_EXTRA_CA_CERTS
fi
COUNTERSIGN_LAND_TOGETHER=$together_file
COUNTERSIGN_VERDICT_READS=$reads_file
COUNTERSIGN_ACCEPTED_POLICY=$accepted_file
COUNTERSIGN_REF_GENERATION=$generation
export COUNTERSIGN_LAND_TOGETHER COUNTERSIGN_VERDICT_READS COUNTERSIGN_ACCEPTED_POLICY COUNTERSIGN_REF_GENERATION
if command -v timeout >/dev/null 2>&1; then
  timeout "$timeout_seconds" "$node_bin" "$cli" hook pre-receive
else
  "$node_bin" "$cli" hook pre-receive
fi
code=$?
if [ $code -eq 0 ]; then
  # Refs that must land together need a reference-transaction hook that holds them so (v2); an older one answers
  # without "-together", and the push is refused rather than applied ref by ref (fail closed).
  want=countersign-recorded
  [ -s "$together_file" ] && want=countersign-recorded-together
  answer=$("$commit_check" countersign-judged "$receive_pack" "$generation" "$together_file" "$reads_file" "$accepted_file" </dev/null)
  [ "$answer" = "$want" ] && exit 0
  if [ "$answer" = countersign-recorded ]; then
    echo "countersign (pre-receive): this push's refs must land together and $commit_check is too old to hold them so; push rejected. Ask the administrator to run \`countersign install --server\` again." >&2
  else
    echo "countersign (pre-receive): cannot record this push's verdict for the reference-transaction hook; push rejected" >&2
  fi
  exit 1
fi
[ $code -eq 124 ] && echo "countersign (pre-receive): the review gate did not finish in ${timeout_seconds}s; push rejected. Try again, or ask the administrator." >&2
# The Node side has already said why (a branch deletion, a force push, commits needing review): this line only
# closes, and points at verify for the one case it helps with.
echo "countersign (pre-receive): push rejected by the review gate (exit $code) for the reason above; if commits need review, \`countersign verify\` shows what is missing." >&2
exit 1
