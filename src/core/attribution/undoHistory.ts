import { sameText } from './treeHash';
import { type Tree } from './lineTree';

/**
 * Undo and redo for labels. The editor reports an undo as an ordinary text change (with `reason: "undo"`),
 * and it may undo several of our edits at once (VS Code groups typing into one undo stop). So rather than
 * replaying inverse operations, the history keeps the file's earlier states — cheap, because trees are
 * persistent and share all but O(log n) nodes — and an undo adopts the most recent earlier state whose text is
 * exactly the text the undo produced. Its labels are then exactly the labels that text had; redo likewise.
 */
export class UndoHistory {
  private undoStates: Tree[] = [];
  private redoStates: Tree[] = [];

  /** `limit`: the most states kept; after trimming, at least three quarters of that remain. */
  constructor(private readonly limit = 1000) {}

  /** An ordinary change replaced `previous`: it can be undone, and the redo branch is gone (as in the editor). */
  recordChange(previous: Tree): void {
    this.undoStates.push(previous);
    // Forget the oldest states a quarter at a time, so the cost of trimming is O(1) per edit.
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
    return this.move(this.undoStates, this.redoStates, current, candidate);
  }

  redo(current: Tree, candidate: Tree): Tree {
    return this.move(this.redoStates, this.undoStates, current, candidate);
  }

  clear(): void {
    this.undoStates = [];
    this.redoStates = [];
  }

  private move(from: Tree[], to: Tree[], current: Tree, candidate: Tree): Tree {
    for (let i = from.length - 1; i >= 0; i--) {
      if (!sameText(from[i], candidate)) continue;
      to.push(current);
      for (let j = from.length - 1; j > i; j--) to.push(from[j]);
      const state = from[i];
      from.length = i;
      return state;
    }
    to.push(current);
    return candidate;
  }
}
