# Part of referenceTransaction.sh (inlined where it sources it: shellTemplate.ts inlineShellParts). The commit
# lock: the hook's check at "prepared" and the commit that follows it are one step.
depth_file="$state/ref-commit.depth"
# The lock is held for the milliseconds of one ref update, so a wait of more than 10 s means something is wrong,
# and the push is refused (a bounded wait, measured by the clock: a loaded server runs fewer, slower steps).
wait_seconds=10

# The lock is a symbolic link naming its holder: "<host> <receive-pack pid> <hook pid>", created in one step.
# Its holder is the process whose hooks these are (receive-pack for a push), so a push killed mid-update leaves a
# lock whose holder is gone: it is taken over. A holder on another host (a shared file system) cannot be checked
# and is waited for.
steal_if_dead() { # $1: the holder as read
  # shellcheck disable=SC2086 # split the holder into its words
  set -- $1
  [ "$1" = "$host" ] && [ -n "${2:-}" ] && ! alive "$2" || return 1
  # Two waiters may see the same dead holder: the one that claims the take-over removes the lock, and only if it
  # still names that holder (the other waiter's fresh lock stays).
  if ! ln -s "$host $$" "$lock.steal" 2>/dev/null; then
    # shellcheck disable=SC2046 # split the claimant into its words
    set -- $(readlink "$lock.steal" 2>/dev/null)
    [ "${1:-}" = "$host" ] && [ -n "${2:-}" ] && ! alive "$2" && rm -f "$lock.steal"
    return 1
  fi
  [ "$(readlink "$lock" 2>/dev/null)" = "$host $holder_pid $holder_hook" ] && rm -f "$depth_file" "$lock"
  rm -f "$lock.steal"
  return 0
}

acquire() {
  deadline= # set at the first wait: an uncontended lock starts no `date`
  while :; do
    if ln -s "$host $PPID $$" "$lock" 2>/dev/null; then
      # A fresh lock's depth is 1, which a missing depth file reads as (num_of): written only when one was left.
      if [ -e "$depth_file" ]; then put "$depth_file" 1; fi
      return 0
    fi
    owner=$(readlink "$lock" 2>/dev/null) || owner=
    # shellcheck disable=SC2086 # split the holder into its words
    set -- $owner
    holder_pid=${2:-} holder_hook=${3:-}
    if [ "${1:-}" = "$host" ] && [ "$holder_pid" = "$PPID" ]; then
      # This process holds it already: a transaction inside its transaction (git deletes a packed ref so: the
      # packed-refs half is prepared first, then the outer transaction's own "prepared" finds the lock held).
      num_of "$depth_file" 1
      put "$depth_file" $((num + 1))
      return 0
    fi
    if [ -z "$owner" ] || ! steal_if_dead "$owner"; then
      now=$(date +%s)
      [ -n "$deadline" ] || deadline=$((now + wait_seconds))
      [ "$now" -ge "$deadline" ] && return 1
      sleep 0.02 2>/dev/null || sleep 1
    fi
  done
}

release() {
  # shellcheck disable=SC2046 # split the holder into its words
  set -- $(readlink "$lock" 2>/dev/null)
  [ "${1:-}" = "$host" ] && [ "${2:-}" = "$PPID" ] || return 0
  num_of "$depth_file" 1
  d=$((num - 1))
  if [ "$d" -le 0 ]; then
    rm -f "$depth_file" "$lock"
  else
    put "$depth_file" "$d"
  fi
}
