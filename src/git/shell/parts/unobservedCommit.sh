# Part of clientHook.sh (inlined where it sources it: shellTemplate.ts inlineShellParts). A commit nothing was
# observed for (src/git/unobservedCommit.ts, where every value below comes from): in a clone whose working ledger
# never recorded anything and where no agent's hooks were ever connected, every line a plain `git commit` adds is
# untracked, so prepare-commit-msg's answer is the staged diff's added-line count and needs no Node (issue 11).
# Anything this part cannot be sure of goes to Node, which answers every commit.
unobserved_diff='@@UNOBSERVED_DIFF@@'
unobserved_trailer_args='@@UNOBSERVED_TRAILER_ARGS@@'
unobserved_trailer='@@UNOBSERVED_TRAILER@@'
unobserved_note='@@UNOBSERVED_NOTE@@'
count_slot='@@UNOBSERVED_COUNT_SLOT@@'
base_slot='@@UNOBSERVED_BASE_SLOT@@'
unobserved_agent_files='@@UNOBSERVED_AGENT_FILES@@'
policy_file='@@UNOBSERVED_POLICY_FILE@@'

# Reads the message (msg) and the `-U0` patch on stdin, ending in a line `@@exit CODE` (git's exit code); prints
# the added lines (the sum of the hunks' new sides, as Node's parseAddedLines reads them) and whether the message
# ends in a line break, or exits 1 when Node must decide: an empty message, one whose first line may be a comment
# (it starts with a character git's core.commentChar=auto may pick) or a sign-off (git ignores those when it decides
# a message is empty: Node asks git's clean-up rules, core/emptyCommitMessage.ts), a cherry-pick's line, a file git calls binary or one over the diff bound
# (Node reads them as text or counts their newlines), the policy file (Node checks it), or a file deleted beside a
# file added (Node looks for a rename whose lines keep their notes). Content lines of a -U0 patch all start with
# + - or \, so no line of a file can pass for one of the header lines matched here.
# shellcheck disable=SC2016 # an awk program: its $ are awk's
unobserved_count_awk='
BEGIN {
  RS = "\001"; m = ""
  while ((getline r < msg) > 0) m = m r
  close(msg); RS = "\n"
  if (index(m, "(cherry picked from commit ")) bad = 1
  k = split(m, L, "\n"); first = ""
  for (i = 1; i <= k; i++) if (L[i] ~ /[^ \t\r]/) { first = L[i]; break }
  if (first ~ /^[#;@!$%^&|:]/ || index(first, "Signed-off-by: ") == 1) bad = 1
  nl = substr(m, length(m)) == "\n" ? 1 : 0
  n = 0; code = ""
}
/^@@ / {
  if (match($0, /\+[0-9]+(,[0-9]+)? @@/)) {
    h = substr($0, RSTART, RLENGTH - 3); c = index(h, ",")
    n += c ? substr(h, c + 1) + 0 : 1
  } else bad = 1
  next
}
/^@@exit / { code = substr($0, 8); next }
/^Binary files / { bad = 1 }
/^new file mode / { added = 1 }
/^deleted file mode / { deleted = 1 }
/^diff --git / { if ($0 == "diff --git a/" policy " b/" policy) bad = 1 }
END { if (bad || code != "0" || (added && deleted)) exit 1; print n, nl }
'

# Whether no working ledger of this repository (any worktree's) ever recorded anything: nothing but its empty
# files/ and queue/ folders (no state, queued entry, journal, set-aside entry, removals marker). Globs, no fork.
ledger_unused() {
  for f in "$cs_dir"/ledger/* "$cs_dir"/worktrees/*/ledger/*; do
    [ -e "$f" ] || continue
    case "$f" in
      */files | */queue) for g in "$f"/*; do [ -e "$g" ] && return 1; done ;;
      *) return 1 ;;
    esac
  done
  return 0
}

# Whether git runs this hook for its own `git commit` with nothing that could make it an amend: the command line
# of the hook's parent, read by the shell, which drops the NULs between arguments. So it must begin with git
# (`git`, or an absolute path to it) directly followed by `commit` and then nothing or an option; any `--am`
# anywhere (an amend, or a message mentioning one), a global option or an alias leaves the commit to Node, which
# reads the arguments one by one (commitContext.ts).
plain_commit() {
  [ -r "/proc/$PPID/cmdline" ] || return 1
  c=
  while IFS= read -r l || [ -n "$l" ]; do c="$c$l"; done < "/proc/$PPID/cmdline"
  case "$c" in *--am*) return 1 ;; esac
  at=${c%%gitcommit*}
  [ "$at" != "$c" ] || return 1
  case "$at" in '') ;; *git*) return 1 ;; /*/) ;; *) return 1 ;; esac
  case "${c#"$at"gitcommit}" in '' | -*) return 0 ;; esac
  return 1
}

# prepare-commit-msg for such a commit: the trailers go in as Node's would (finish_prepare), and post-commit
# attaches the note (attach_note). Returns 1, having written nothing, when Node must answer.
unobserved_prepare() {
  [ "${COUNTERSIGN_NODE_HOOK:-}" != 1 ] && [ "${2:-}" = message ] || return 1
  for f in MERGE_HEAD CHERRY_PICK_HEAD REVERT_HEAD SQUASH_MSG rebase-merge rebase-apply sequencer; do
    [ -e "$gd/$f" ] && return 1
  done
  [ -e "$cs_dir/agents.json" ] && return 1
  for f in $unobserved_agent_files; do [ -e "$f" ] && return 1; done
  ledger_unused && plain_commit || return 1
  # The first commit in a worktree after install (set_pending refused a linked folder already).
  [ -d "$p" ] || mkdir -p "$p" 2>/dev/null || return 1
  # shellcheck disable=SC2086 # word lists, split on purpose
  counted=$(
    (
      for kv in $prelude_git_env; do export "${kv?}"; done
      git $unobserved_diff 2>/dev/null
      printf '\n@@exit %s\n' "$?"
    ) | awk -v msg="$1" -v policy="$policy_file" "$unobserved_count_awk"
  ) || return 1
  n=${counted% *}
  case "$n" in '' | *[!0-9]*) return 1 ;; esac
  [ "${counted#* }" = 1 ] || echo >> "$1"
  printf '%s\n' "${unobserved_trailer_args%%"$count_slot"*}$n${unobserved_trailer_args#*"$count_slot"}" > "$p/trailer-args"
  # post-commit attaches the note only for the git process that ran this hook.
  printf '%s\n' "$PPID" > "$p/unobserved"
  # Written last, as Node writes it: commit-msg and post-commit take it as "prepare-commit-msg finished".
  printf '%s\n' "${unobserved_trailer%%"$count_slot"*}$n${unobserved_trailer#*"$count_slot"}" > "$p/trailers"
  finish_prepare
  return 0
}

# The note of such a commit, with the commit's first parent ($1) as its base, into the pending note file.
unobserved_note_file() {
  printf '%s' "${unobserved_note%%"$base_slot"*}$1${unobserved_note#*"$base_slot"}" > "$p/note-file"
}
