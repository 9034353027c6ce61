import { LineReplacement, LineSplice, undoDelta, type EditDelta, type Tree } from './lineTree';
import { sameText } from './treeHash';

/**
 * Undo and redo for labels. The editor reports an undo as an ordinary text change (with `reason: "undo"`),
 * and it may undo several of our edits at once (VS Code groups typing into one undo stop). So rather than
 * replaying inverse operations, the history keeps the file's earlier states and an undo adopts the most recent
 * earlier state whose text is exactly the text the undo produced. Its labels are then exactly the labels that
 * text had; redo likewise.
 *
 * An edit's earlier state is kept as a delta — what the next newer state changed: the one line a keystroke
 * replaced (`LineReplacement`), the lines an edit that split or joined lines removed (`LineSplice`), both left by
 * the tree operation itself (lineTree.ts `editDelta`) — not as the old root: a root keeps its copied path alive,
 * about 1 KB of tree nodes per state, and it shares nodes with the current tree, which then may no longer be
 * changed in place (lineTree.ts). An undo rebuilds the states it passes over from the newest one down (putting
 * the kept lines back gives the very same lines, so the same labels). An edit of several changes, or a whole
 * rewrite, keeps the whole earlier tree. Invariant: an undo entry that is a delta is relative to the entry above
 * it, or to the current tree for the top entry; redo entries are always whole trees.
 */
export class UndoHistory {
  private undoStates: Entry[] = [];
  private redoStates: Tree[] = [];

  /** `limit`: the most states kept; after trimming, at least three quarters of that remain. */
  constructor(private readonly limit = 1000) {}

  /**
   * An ordinary change left the state before it: the whole earlier tree, or what the change replaced (lineTree.ts
   * `editDelta`). It can be undone, and the redo branch is gone.
   */
  recordChange(previous: Tree | EditDelta): void {
    this.undoStates.push(previous);
    // Forget the oldest states a quarter at a time, so the cost of trimming is O(1) per edit. Deltas point
    // only upwards (to newer states), so dropping the oldest never breaks the chain.
    if (this.undoStates.length > this.limit)
      this.undoStates.splice(0, Math.max(1, this.undoStates.length - Math.floor(this.limit * 0.75)));
    if (this.redoStates.length > 0) this.redoStates = [];
  }

  /**
   * The state to adopt after an undo turned `current` into the text of `candidate`: an earlier state with that
   * text (the states passed over become redoable), or `candidate` itself when the history does not know the
   * text (it began after the editor's own history did); then the re-inserted characters keep the provisional
   * writer `candidate` was built with.
   */
  undo(current: Tree, candidate: Tree): Tree {
    const passed: Tree[] = [];
    let state = current;
    for (let i = this.undoStates.length - 1; i >= 0; i--) {
      const entry = this.undoStates[i];
      state = entry instanceof LineReplacement || entry instanceof LineSplice ? undoDelta(state, entry) : entry;
      if (sameText(state, candidate)) return this.adopt(this.undoStates, this.redoStates, i, current, passed, state);
      passed.push(state);
    }
    // Unknown text: `current` leaves, so the top entry can no longer be a delta against it.
    if (passed.length > 0) this.undoStates[this.undoStates.length - 1] = passed[0];
    this.redoStates.push(current);
    return candidate;
  }

  redo(current: Tree, candidate: Tree): Tree {
    const passed: Tree[] = [];
    for (let i = this.redoStates.length - 1; i >= 0; i--) {
      const state = this.redoStates[i];
      if (sameText(state, candidate)) return this.adopt(this.redoStates, this.undoStates, i, current, passed, state);
      passed.push(state);
    }
    this.undoStates.push(current);
    return candidate;
  }

  clear(): void {
    this.undoStates = [];
    this.redoStates = [];
  }

  /** Moves to `from[i]` (whose tree is `state`): `current` and the states passed over go to `to`, as whole trees. */
  private adopt(from: Entry[], to: Entry[], i: number, current: Tree, passed: Tree[], state: Tree): Tree {
    to.push(current);
    for (const p of passed) to.push(p);
    from.length = i;
    return state;
  }
}

/** An undo entry: a whole tree, or the entry above it with one line put back. */
type Entry = Tree | EditDelta;
