#!/bin/sh
# countersign-ref-transaction v5 — installed by `countersign install --server` with the pre-receive gate.
# Why: git runs the pre-receive hooks of concurrent pushes in parallel and compare-and-swaps only each ref's own old
# value, but the gate's verdict on a ref depends on other refs (the policy branch, which names exist, what a policy
# change newly protects). So every ref transaction here counts one generation and logs its refs with it (ref-log/,
# bounded); the gate records, under the push's receive-pack (found from the gate's parent up: a hook dispatcher may
# stand between), the generation its judgement started from and what its verdicts read (src/git/verdictReads.ts).
# At "prepared" a judged push's transaction is refused when a ref its verdict read changed since (anything that
# cannot be read refuses), when it holds some but not all of the refs that must land together without --atomic
# (src/git/landTogether.ts), and when a push has no record while a pre-receive hook is in place. A lock
# held from "prepared" to "committed"/"aborted" (milliseconds, never during a judgement) makes that check and the
# commit one step; at "committed" a judged push's policy is remembered (last-policy.json) where it moved the policy
# branch. docs/threat-model.md, "Concurrent pushes"; how each rule came (v1-v5): this file's git log.
# The previous reference-transaction hook (if any) runs first: reference-transaction.countersign-chained.
[ "${COUNTERSIGN_TRACE:-}" = 1 ] && set -x
# Builtins where they do: git runs this hook twice per ref update (non-atomic pushes update refs one at a time),
# and each process it starts (dirname, uname, cat, mv, a subshell's fork) cost milliseconds per ref on a push of
# hundreds of refs. The hook's folder and the state's as `cd` and `pwd` in a subshell gave them (logical paths),
# but by a `cd` in this shell and back.
start=$PWD
case $0 in */*) here=${0%/*} ;; *) here=. ;; esac
case $here in /*) ;; *) here=$start/$here ;; esac
if ! { cd "$here" && here=$PWD && cd "$here/.." && state=$PWD/countersign && cd "$start"; }; then
  echo "countersign (reference-transaction): cannot find this hook's folder ($here); refs not updated" >&2
  exit 1
fi
gen_file="$state/ref-generation"
log_dir="$state/ref-log"
# Generations per log file: the two newest files are kept, so a judgement sees the last log_span generations at least.
log_span=1024
lock="$state/ref-commit.lock"
if ! read -r host 2>/dev/null </proc/sys/kernel/hostname || [ -z "$host" ]; then
  host=$(uname -n 2>/dev/null) || host=unknown
fi

# Whether process $1 (on this host) still runs. /proc where there is one (kill -0 fails for another user's process).
alive() {
  if [ -d /proc/self ]; then
    [ -d "/proc/$1" ]
  elif command -v ps >/dev/null 2>&1; then
    ps -p "$1" >/dev/null 2>&1
  else
    kill -0 "$1" 2>/dev/null
  fi
}

# Whether process $1's command line is git's receive-pack: `git-receive-pack DIR` (ssh), `git receive-pack DIR`,
# `git receive-pack --stateless-rpc DIR` (http-backend). /proc where there is one, else ps.
is_receive_pack() {
  if [ -r "/proc/$1/cmdline" ]; then
    args=$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null) || return 1
  else
    args=$(ps -o args= -p "$1" 2>/dev/null) || return 1
  fi
  case " $args " in
    *[/\ ]git-receive-pack\ * | *[/\ ]git\ receive-pack\ * | *[/\ ]git\ *\ receive-pack\ *) return 0 ;;
  esac
  return 1
}

# Sets $found to the nearest git receive-pack at or above process $1 (its parent links: /proc/PID/stat, else ps),
# or to nothing. Bounded: a process tree is not deeper than this in practice.
receive_pack_above() {
  found=
  p=$1
  hops=0
  while [ -n "$p" ] && [ "$p" -gt 1 ] 2>/dev/null && [ "$hops" -lt 64 ]; do
    if is_receive_pack "$p"; then
      found=$p
      return 0
    fi
    if [ -r "/proc/$p/stat" ]; then
      st=
      read -r st 2>/dev/null <"/proc/$p/stat" || st=
      # The parent is the second field after the command name, which may hold spaces and parentheses.
      st=${st##*) }
      # shellcheck disable=SC2086 # split the fields
      set -- $st
      p=${2:-}
    else
      p=$(ps -o ppid= -p "$p" 2>/dev/null) || p=
      p=${p##* }
    fi
    hops=$((hops + 1))
  done
  return 1
}

# Sets $num to the number on the first line of file $1, or to $2 when the file is missing or holds no number.
num_of() {
  num=
  read -r num 2>/dev/null <"$1" || :
  case $num in '' | *[!0-9]*) num=$2 ;; esac
}

# Sets $num to the current generation.
generation() {
  num_of "$gen_file" 0
}

# Writes $2 to file $1 in one rename, so a reader sees the old value or the new one.
put() {
  printf '%s\n' "$2" >"$1.tmp.$$" && mv -f "$1.tmp.$$" "$1"
}

# Writes $2 to file $1 in place, without put's mv: for a push's own records (judged/, together/, reads/), which
# only that push's later hooks read, after the write. A write cut short reads as unreadable, which refuses.
put_own() {
  printf '%s\n' "$2" >"$1"
}

# Makes folder $1 unless it is there: a test, not a mkdir, on every push.
ensure_dir() {
  [ -d "$1" ] || mkdir -p "$1"
}

# shellcheck source=src/git/shell/parts/commitLock.sh
. "$here/parts/commitLock.sh"

# One more generation, and the push's own record follows it: its own transactions are not someone else's. The
# transaction's refs are logged with the new generation first ($tx: "old new ref" lines), each "plain" when this
# push's gate said no verdict reads it but by name, else "any"; files of older generations are dropped.
bump() {
  generation
  n=$((num + 1))
  b=$((n / log_span))
  ensure_dir "$log_dir" && log_tx "$n" >>"$log_dir/$b" || return 1
  # A new file: the one before the previous goes (a process only once per log_span generations).
  [ $((n % log_span)) -ne 0 ] || [ "$b" -lt 2 ] || rm -f "$log_dir/$((b - 2))"
  put "$gen_file" "$n" || return 1
  if [ -f "$record" ]; then put_own "$record" "$n" || return 1; fi
}

# Prints the log lines of $tx at generation $1 (builtins: this runs per ref update; a here-document, not a
# pipeline's two forks, and no fork at all up to a pipe's size).
log_tx() {
  while read -r _ _ ref; do
    [ -n "$ref" ] || continue
    kind=any
    keys=
    if [ -f "$reads" ]; then
      while read -r what name rest; do
        [ "$what" = plain ] && [ "$name" = "$ref" ] && kind=plain keys=$rest && break
      done <"$reads"
    fi
    printf '%s %s %s %s\n' "$1" "$kind" "$ref" "$keys"
  done <<EOF
$tx
EOF
}

# Sets $changed to a ref that changed after generation $1 (up to $2) which this push's verdict read, "(unknown)"
# when that cannot be told, or to nothing.
changed_since() {
  changed=
  all=1
  watch=' '
  if [ -f "$reads" ]; then
    all=''
    ended=''
    while read -r what name _; do
      case $what in
        all) all=1 ;;
        watch) watch="$watch$name " ;;
        end) ended=1 ;;
      esac
    done <"$reads"
    [ -n "$ended" ] || all=1
  fi
  seen=$1
  b=$((($1 + 1) / log_span))
  last=$(($2 / log_span))
  # Rotated away: more transactions than the log keeps ran during the judgement.
  [ $((last - b)) -le 1 ] || { changed='(unknown: more ref updates than the log keeps)'; return; }
  while [ "$b" -le "$last" ]; do
    if [ -f "$log_dir/$b" ]; then
      while read -r g kind ref keys; do
        case $g in '' | *[!0-9]*) continue ;; esac
        if [ "$g" -le "$1" ] || [ "$g" -gt "$2" ]; then continue; fi
        # Every generation has its lines, in order: a gap is a transaction whose refs were not logged.
        if [ "$g" != "$seen" ]; then
          [ "$g" -eq $((seen + 1)) ] || { changed='(unknown: a ref update was not logged)'; return; }
          seen=$g
        fi
        if [ -n "$all" ] || [ "$kind" != plain ]; then changed=$ref && return; fi
        for k in $keys; do
          case $watch in *" $k "*) changed=$ref && return ;; esac
        done
      done <"$log_dir/$b"
    fi
    b=$((b + 1))
  done
  [ "$seen" = "$2" ] || changed='(unknown: a ref update was not logged)'
}

# The policy this push's gate passed ($policy: "<commit> <ref>", the record in $policy.json) becomes the last readable
# one when this committed transaction moved that ref to that commit (builtins but for the mv; only such a push).
remember_policy() {
  want=
  read -r want 2>/dev/null <"$policy" || return 0
  while read -r _ new ref; do
    [ "$new $ref" = "$want" ] || continue
    mv -f "$policy.json" "$state/last-policy.json" ||
      echo "countersign (reference-transaction): cannot write $state/last-policy.json" >&2
    return 0
  done <<EOF
$tx
EOF
}

record="$state/judged/$host.$PPID"
together="$state/together/$host.$PPID"
reads="$state/reads/$host.$PPID"
policy="$state/policy/$host.$PPID"
case "${1:-}" in
  countersign-begin)
    # From the pre-receive gate ($2: its parent process): the generation its judgement starts from, and the push's
    # receive-pack, which the gate names in countersign-judged and whose pid this hook, its child, sees as $PPID.
    # No receive-pack above the gate (a hook run by another service): no record could be found, so the gate refuses.
    if ! receive_pack_above "${2:-}"; then
      echo countersign-no-receive-pack
      exit 0
    fi
    # Records of pushes whose receive-pack is gone are dropped here, and any under this push's receive-pack's pid
    # (a reused pid); all in one rm, and none when there is nothing to drop.
    set --
    for r in "$state/judged/$host".* "$state/together/$host".* "$state/reads/$host".* "$state/policy/$host".*; do
      [ -f "$r" ] || continue
      pid=${r%.json}
      pid=${pid##*.}
      case $pid in *[!0-9]*) continue ;; esac
      if [ "$pid" = "$found" ] || ! alive "$pid"; then set -- "$@" "$r"; fi
    done
    [ $# -eq 0 ] || rm -f "$@"
    generation
    echo "countersign-generation $num $found"
    exit 0
    ;;
  countersign-judged)
    # From the pre-receive gate, once it passed the push ($2: its receive-pack, $3: the generation it started from,
    # $4: a file naming the refs that must land together, one a line; empty when there are none; $5: what its
    # verdicts read, verdictReads.ts — none from a v1 pre-receive: every ref counts as read; $6: the policy it leaves
    # on the policy branch, "<commit> <ref>", with the record to remember in $6.json; none when it leaves it as it was).
    if [ -s "${6:-}" ] && [ -s "$6.json" ]; then
      line=
      read -r line 2>/dev/null <"$6" || :
      ensure_dir "$state/policy" && mv -f "$6.json" "$state/policy/$host.$2.json" && put_own "$state/policy/$host.$2" "$line" || exit 1
    fi
    if [ -s "${5:-}" ]; then
      text=
      while IFS= read -r l; do text="$text$l
"; done <"$5"
      ensure_dir "$state/reads" && put_own "$state/reads/$host.$2" "${text%
}" || exit 1
    fi
    if [ -s "${4:-}" ]; then
      refs=
      while IFS= read -r r; do refs="$refs $r"; done <"$4"
      ensure_dir "$state/together" && put_own "$state/together/$host.$2" "$refs" || exit 1
      ensure_dir "$state/judged" && put_own "$state/judged/$host.$2" "$3" && echo countersign-recorded-together
      exit
    fi
    ensure_dir "$state/judged" && put_own "$state/judged/$host.$2" "$3" && echo countersign-recorded
    exit
    ;;
esac

# The updates' names, read here at "prepared" and "committed" (builtins: this runs per ref): logged by bump, and
# checked against the refs that must land together.
# packed_half (attack20 02): every update of the transaction is zero to zero. That is the packed-refs half of
# deleting packed refs: git (2.39) prepares it as a transaction of its own inside the files transaction, before
# the outer one's "prepared", which lists the same deletions with their old values and is checked in its turn
# (refusing it aborts both). A deletion the push itself sends always has its old value here: pushCommands.ts
# refuses a push whose old value is not the ref's value on the server, zero for an existing ref included.
tx=
tx_refs=
must=
packed_half=
case "${1:-}" in
  prepared | committed)
    [ "$1" = prepared ] && [ -f "$together" ] && { read -r must 2>/dev/null <"$together" || :; }
    packed_half=1
    while IFS= read -r line; do
      tx="$tx$line
"
      tx_refs="$tx_refs ${line##* }"
      case ${line% *} in *[!0\ ]*) packed_half= ;; esac
    done
    tx_refs="$tx_refs "
    ;;
esac
if [ -x "$here/reference-transaction.countersign-chained" ]; then
  case "${1:-}" in
    prepared | committed) printf '%s' "$tx" | "$here/reference-transaction.countersign-chained" "$@" ;;
    *) "$here/reference-transaction.countersign-chained" "$@" ;;
  esac || {
    code=$?
    [ "${1:-}" = prepared ] && exit $code
  }
else
  case "${1:-}" in
    prepared | committed) ;;
    *) while read -r _; do :; done ;; # the updates on stdin, unused here: read by a builtin, not cat
  esac
fi

case "${1:-}" in
  prepared)
    # A push (this hook's parent is receive-pack) whose gate recorded no verdict while a pre-receive hook is in
    # place: that hook did not run the gate, or ran it where the record cannot be found. Without a pre-receive
    # hook (an administrator's push with the gate moved aside) git's own rules apply.
    if [ ! -f "$record" ] && [ -x "$here/pre-receive" ] && is_receive_pack "$PPID"; then
      echo "countersign (reference-transaction): no verdict of the pre-receive gate is recorded for this push (git receive-pack $PPID): $here/pre-receive did not run Countersign's gate, or ran it outside this push's processes; refs not updated. An administrator runs \`countersign doctor\` in this repository (docs/server-hook.md)." >&2
      exit 1
    fi
    if ! acquire; then
      echo "countersign (reference-transaction): another push is being written to this repository (lock $lock held by $(readlink "$lock" 2>/dev/null || echo '?')); refs not updated. Retry the push; if this persists and no push is running, an administrator deletes that lock." >&2
      exit 1
    fi
    judged_at=
    if [ -f "$record" ]; then
      num_of "$record" x
      judged_at=$num
      generation
    fi
    changed=
    if [ -n "$judged_at" ] && [ "$judged_at" != "$num" ]; then
      case $judged_at in *[!0-9]*) changed='(unknown: the record of its judgement is unreadable)' ;; *) changed_since "$judged_at" "$num" ;; esac
    fi
    if [ -n "$changed" ]; then
      release
      echo "countersign (reference-transaction): another push changed this repository's refs while this push was being judged ($changed), and this push's verdict read it, so the verdict may rest on refs that are gone (the policy branch, the approvals, the names that exist); refs not updated. Retry the push: it is judged again." >&2
      exit 1
    fi
    # Some but not all of the refs that must land together. Not the packed-refs half (above): its outer
    # transaction, nested in the lock it took, is the one that holds all of them or not.
    if [ -n "$must" ] && [ -z "$packed_half" ]; then
      held=0 apart=
      for r in $must; do
        case $tx_refs in *" $r "*) held=$((held + 1)) ;; *) apart=1 ;; esac
      done
      if [ "$held" -gt 0 ] && [ -n "$apart" ]; then
        release
        shown=
        for r in $must; do shown="${shown:+$shown, }$r"; done
        echo "countersign (reference-transaction): the verdicts on $shown rely on each other, so those refs land together or not at all, and a push without --atomic has git update them one at a time; refs not updated. Push them again with \`git push --atomic <remote> <the same refspecs>\`." >&2
        exit 1
      fi
    fi
    if ! bump; then
      release
      echo "countersign (reference-transaction): cannot write $gen_file; refs not updated" >&2
      exit 1
    fi
    ;;
  committed)
    bump || echo "countersign (reference-transaction): cannot write $gen_file" >&2
    # Under the lock, so remembered in the order the policy branch moved; once: the record is moved away.
    if [ -f "$policy.json" ]; then remember_policy; fi
    release
    ;;
  aborted)
    release
    ;;
esac
exit 0
