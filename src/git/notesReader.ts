import { CountersignError } from '../core/errors';
import { MAX_AI_NOTE_BYTES, MAX_NOTE_BYTES, unreadNoteStandIn } from '../core/noteBounds';
import { readObjects } from './catFileBatch';
import { runGit } from './gitRunner';
import { noteBlobsOf } from './notesLookup';
import { isPartialClone, missingObjects } from './missingObjects';
import { AI_NOTES_REF, REVIEW_NOTES_REF } from './notesConfig';

/** The notes refs Countersign reads (docs/design.md, "What a commit carries" and "Approvals"), named once in notesConfig. */
export { AI_NOTES_REF };
export const APPROVALS_NOTES_REF = REVIEW_NOTES_REF;

/**
 * The commit a notes ref (or a tracking ref of fetched notes) points at; undefined when there is none. Any
 * other failure of git (exit 128, e.g. not a repository) throws instead of reading as "no notes".
 */
export async function notesTip(cwd: string, ref: string): Promise<string | undefined> {
  const r = await runGit(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd, okCodes: [1] });
  return r.code === 0 ? r.stdout.trim() : undefined;
}

/**
 * `git cat-file -t`: commit, tree, blob or tag; undefined when the object is missing. A notes ref must name a
 * commit (git's plumbing would peel a tag or take a tree), which the server guard, the fetch merge and
 * `approve` each check with this.
 */
export async function objectType(cwd: string, object: string): Promise<string | undefined> {
  const r = await runGit(['cat-file', '-t', object], { cwd, okCodes: [128] });
  return r.code === 0 ? r.stdout.trim() : undefined;
}

/**
 * Throws a clear error when `ref` exists but names no commit (a tag or tree copied from a broken server,
 * outside tester session 9, I1): `git notes add` would die with "Failed to find/parse commit". Absent is fine.
 */
export async function assertNotesRefIsCommit(cwd: string, ref: string): Promise<void> {
  const type = await objectType(cwd, ref);
  if (type === undefined || type === 'commit') return;
  throw new CountersignError(
    'git',
    `${ref} is a ${type}, not a notes commit, so no note can be added to it (a server that took a broken value passed it on). Repair this clone with \`git update-ref ${ref} ${ref}^{commit}\` (for a tree: \`git update-ref -d ${ref}\`, then \`git fetch origin +${ref}:${ref}\` once the server is repaired), then try again.`,
  );
}

/**
 * Annotated object → note blob for every note under `ref`, from one `git notes list` (which understands the
 * fan-out layouts notes trees take as they grow). A missing ref is an empty map, not an error.
 */
export async function listNotes(cwd: string, ref: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if ((await notesTip(cwd, ref)) === undefined) return out;
  const r = await runGit(['notes', `--ref=${ref}`, 'list'], { cwd });
  for (const line of r.stdout.split('\n')) {
    const sp = line.indexOf(' ');
    if (sp > 0) out.set(line.slice(sp + 1).trim(), line.slice(0, sp));
  }
  return out;
}

/**
 * The text of the notes on `objects` (all notes under `ref` when omitted), read through one
 * `git cat-file --batch`. Objects without a note are absent from the result. A note whose blob this clone
 * lacks (a partial clone, a snapshot) is not fetched: it is absent too, and `onMissing` hears of its object.
 * Given `objects`, only the notes tree's paths to them are read (notesLookup.ts), whatever the ref holds.
 */
export async function readNotes(
  cwd: string,
  ref: string,
  objects?: Iterable<string>,
  onMissing?: (object: string) => void,
): Promise<Map<string, string>> {
  const partial = await isPartialClone(cwd);
  if (objects && !partial) {
    // The note blobs are read by the walk's own process, each once however many objects share it.
    const contents = new Map<string, Buffer | undefined>();
    const tip = await notesTip(cwd, ref);
    if (tip === undefined) return new Map();
    const oversized = new Map<string, number>();
    const blobs = await noteBlobsOf(cwd, tip, objects, {
      onBlob: (blob, content, size) => (size === undefined ? contents.set(blob, content) : oversized.set(blob, size)),
      maxBlobBytes: noteLimit(ref),
    });
    const texts = new Map<string, string>();
    for (const [obj, blob] of blobs) {
      const content = contents.get(blob);
      const size = oversized.get(blob);
      if (size !== undefined) texts.set(obj, unreadNoteStandIn(size));
      else if (content === undefined) onMissing?.(obj);
      else texts.set(obj, content.toString('utf8'));
    }
    return texts;
  }
  const listed = await listNotes(cwd, ref);
  const wanted: Array<[string, string]> = [];
  if (objects) {
    for (const o of objects) {
      const blob = listed.get(o);
      if (blob) wanted.push([o, blob]);
    }
  } else {
    wanted.push(...listed);
  }
  const absent = partial ? await absentNoteBlobs(cwd, ref) : new Set<string>();
  return notesText(cwd, new Map(wanted), onMissing, absent, noteLimit(ref));
}

/**
 * The largest note of `ref` a reader reads: what the server takes. A larger one (a crafted clone's, a few KB on
 * the wire) is not read; its stand-in reads as an unreadable note (core/noteBounds.ts `unreadNoteStandIn`).
 */
function noteLimit(ref: string): number {
  return ref === AI_NOTES_REF ? MAX_AI_NOTE_BYTES : MAX_NOTE_BYTES;
}

/** The text of each object's note blob, each blob read once; blobs in `absent` (or missing) go to `onMissing`. */
async function notesText(
  cwd: string,
  noteOf: Map<string, string>,
  onMissing?: (object: string) => void,
  absent: Set<string> = new Set(),
  maxBytes?: number,
): Promise<Map<string, string>> {
  const byBlob = objectsByBlob(noteOf);
  for (const blob of absent) {
    for (const obj of byBlob.get(blob) ?? []) onMissing?.(obj);
    byBlob.delete(blob);
  }
  const texts = new Map<string, string>();
  await readObjects(
    cwd,
    [...byBlob.keys()],
    (blob, content, _type, oversized) => {
      if (content === undefined && oversized === undefined) {
        for (const obj of byBlob.get(blob) ?? []) onMissing?.(obj);
        return;
      }
      const text = content ? content.toString('utf8') : unreadNoteStandIn(oversized as number);
      for (const obj of byBlob.get(blob) ?? []) texts.set(obj, text);
    },
    { maxBytes },
  );
  return texts;
}

/**
 * Note blobs under `ref` this clone lacks: empty unless it is a partial clone. Git 2.39's cat-file --batch
 * dies on the first blob a partial clone lacks (the fetch it tries is refused), so readers leave these out.
 */
export async function absentNoteBlobs(cwd: string, ref: string): Promise<Set<string>> {
  if (!(await isPartialClone(cwd)) || (await notesTip(cwd, ref)) === undefined) return new Set();
  return missingObjects(cwd, ['--no-walk', ref]);
}

/**
 * The annotated objects of a `listNotes` map grouped by note blob (identical notes share one blob, which
 * `git cat-file --batch` then reads once), keeping only the objects `only` accepts when it is given.
 */
export function objectsByBlob(listed: Map<string, string>, only?: (object: string) => boolean): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [obj, blob] of listed) {
    if (only && !only(obj)) continue;
    const list = out.get(blob) ?? [];
    list.push(obj);
    out.set(blob, list);
  }
  return out;
}
