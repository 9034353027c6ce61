import { ObjectReader } from './catFileBatch';
import { oidHexLength } from './objectFormat';

/**
 * Finds the note blobs of given objects by walking a notes tree only along the paths that can hold them, so
 * the cost follows the objects asked for, not the size of the notes ref. Listing the whole ref per judged
 * update (`git notes list`) let 200,000 junk notes on made-up object ids — which the server takes, because
 * the pre-push hook sends notes before their commits — slow every later protected push (outside tester,
 * session 6, F7).
 *
 * The paths are those of notePath.ts's rule, the one the server judges additions by: lowercase hex, split
 * into two-character fan-out folders at any depth or not at all, as many digits as the repository's object ids
 * (a name of any other length is no note, for git or here). Git also reads uppercase hex names as
 * notes; the server refuses such entries (notesRefGuard.ts), and this walk never sees them. When one object
 * has notes at two depths (git would concatenate them) the shallowest wins; the server refuses a push that gives
 * an object a second entry (notesRefGuard.ts, attack13 M1/M9), so that only matters for a tree from before that rule.
 */
export interface NotesWalkStats {
  /** Tree objects read. */
  trees: number;
  /** Entries of those trees looked at. */
  entries: number;
}

/** One question to the walk's `git cat-file --batch`: a folder and what is looked for below it, or a note blob. */
type Step = { objects: string[]; depth: number } | { blob: string };

/**
 * Object → note blob for each of `objects` with a note under `notes` (a notes ref or commit; none when it
 * does not resolve). One `git cat-file --batch`, asked for each folder on the way as its parent is read:
 * breadth first, as answers come in the order asked. With `onBlob`, each distinct note blob found is read
 * by the same process and handed over (content undefined when this repository lacks it).
 */
export async function noteBlobsOf(
  cwd: string,
  notes: string,
  objects: Iterable<string>,
  opts: {
    stats?: NotesWalkStats;
    onBlob?: (blob: string, content: Buffer | undefined, oversized?: number) => void;
    /** Note blobs larger than this are not read: onBlob hears their size (catFileBatch's `maxBytes`). */
    maxBlobBytes?: number;
    /** Every entry of each object, the deeper ones too (depth: hex digits in folders): second entries. */
    onEntry?: (object: string, depth: number, blob: string) => void;
  } = {},
): Promise<Map<string, string>> {
  const { stats, onBlob, onEntry } = opts;
  // Without onEntry, an object found is looked for no deeper.
  const settled = (o: string) => onEntry === undefined && found.has(o);
  const found = new Map<string, string>();
  const all = [...new Set(objects)];
  // Tree entries carry object ids raw, as long as the repository's own (objectFormat.ts): never the length of an
  // id at hand, which a 64-digit name in a SHA-1 repository once set for the whole walk (attack14 N7).
  const hexLength = await oidHexLength(cwd);
  const wanted = all.filter((o) => o.length === hexLength && /^[0-9a-f]+$/.test(o));
  if (wanted.length === 0) return found;
  // What each name asked was for, in the order asked.
  const asked: Step[] = [];
  const blobsAsked = new Set<string>();
  let answered = 0;
  let walked!: () => void;
  const done = new Promise<void>((resolve) => (walked = resolve));
  const reader = new ObjectReader(cwd, (_name, content, type, oversized) => {
    const step = asked[answered++];
    if ('blob' in step) onBlob?.(step.blob, content, oversized);
    else if (content !== undefined && type === 'tree') visit(content, step);
    if (answered === asked.length) walked();
  });
  const ask = (name: string, step: Step) => {
    asked.push(step);
    reader.read(name, 'blob' in step ? opts.maxBlobBytes : undefined);
  };
  const noteFound = (o: string, blob: string, depth: number) => {
    onEntry?.(o, depth, blob);
    if (found.has(o)) return;
    found.set(o, blob);
    if (onBlob && !blobsAsked.has(blob)) {
      blobsAsked.add(blob);
      ask(blob, { blob });
    }
  };
  const visit = (tree: Buffer, at: { objects: string[]; depth: number }) => {
    if (stats) stats.trees++;
    // What each entry name would be: the rest of an object's hex (a note) or its next two digits (a folder).
    const notesHere = new Map<string, string[]>();
    const folders = new Map<string, string[]>();
    for (const o of at.objects) {
      if (settled(o)) continue;
      push(notesHere, o.slice(at.depth), o);
      if (o.length - at.depth > 2) push(folders, o.slice(at.depth, at.depth + 2), o);
    }
    const below: Array<[string, string[]]> = [];
    forEachEntry(tree, hexLength / 2, (mode, name, oid) => {
      if (stats) stats.entries++;
      // By type, as git reads a notes tree: a regular file is a note, a folder may hold notes.
      const type = parseInt(mode, 8) & 0o170000;
      if (type === 0o100000) {
        for (const o of notesHere.get(name) ?? []) if (!settled(o)) noteFound(o, oid, at.depth);
      } else if (type === 0o040000 && folders.has(name)) {
        below.push([oid, folders.get(name) as string[]]);
      }
    });
    // A note found at this depth wins over a deeper one for the same object.
    for (const [oid, objs] of below) {
      const still = objs.filter((o) => !settled(o));
      if (still.length > 0) ask(oid, { objects: still, depth: at.depth + 2 });
    }
  };
  ask(`${notes}^{tree}`, { objects: wanted, depth: 0 });
  // Every folder asked is answered (or git failed, which `exited` reports) before stdin may close.
  await Promise.race([done, reader.exited]);
  await reader.close();
  return found;
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Git's tree format: `<octal mode> <name>\0<raw object id>` per entry, the id `oidBytes` long. */
function forEachEntry(tree: Buffer, oidBytes: number, each: (mode: string, name: string, oid: string) => void): void {
  let i = 0;
  while (i < tree.length) {
    const sp = tree.indexOf(0x20, i);
    const nul = sp < 0 ? -1 : tree.indexOf(0, sp + 1);
    if (nul < 0 || nul + 1 + oidBytes > tree.length) return; // git wrote it: cannot happen short of corruption
    each(
      tree.toString('latin1', i, sp),
      tree.toString('latin1', sp + 1, nul),
      tree.toString('hex', nul + 1, nul + 1 + oidBytes),
    );
    i = nul + 1 + oidBytes;
  }
}
