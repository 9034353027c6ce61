import { usageError } from '../core/errors';
import { decodePath } from '../core/commitObject';
import { streamNulBuffers } from './nulStream';

/**
 * Streams commits from one `git log` process (docs/design.md: no process per commit). Each commit is printed as
 * NUL-separated fields behind a \x01 marker, followed, with `numstat`, by `added\tdeleted\tpath` tokens
 * (-z, --no-renames: one path per entry). Merges print no diff (git log's default), so their added lines are
 * their parents' and are not counted twice.
 */
export interface NumstatEntry {
  path: string;
  /** undefined for binary files. */
  added: number | undefined;
  deleted: number | undefined;
}

export interface HistoryCommit {
  sha: string;
  parents: string[];
  authorName: string;
  authorEmail: string;
  /** Author date, seconds since the epoch. */
  authorTime: number;
  committerName: string;
  committerEmail: string;
  committerTime: number;
  message: string;
  /** Present when streamed with `numstat: true`. */
  files?: NumstatEntry[];
}

const FIELDS = ['%H', '%P', '%an', '%ae', '%at', '%cn', '%ce', '%ct', '%B'];
const FORMAT = '%x01' + FIELDS.join('%x00');
const NUMSTAT = /^(\d+|-)\t(\d+|-)\t/;

/** Revisions from the command line are passed to git only when they cannot be read as options. */
export function checkRevisionArgs(revs: string[]): void {
  for (const r of revs) {
    if (r.startsWith('-') || r.length === 0)
      throw usageError(`'${r}' is not a revision range (write ranges like main, v1.0..HEAD or A...B)`);
  }
}

export interface LogStreamOptions {
  revs: string[];
  numstat?: boolean;
  /** Extra `git log` options (e.g. `--no-walk`, `-n1`), never user input. */
  extra?: string[];
  /** Fed to git's stdin (with `--stdin` in `extra`): revisions too many for a command line. */
  stdin?: string;
}

export async function streamHistory(
  cwd: string,
  opts: LogStreamOptions,
  onCommit: (c: HistoryCommit) => void,
): Promise<number> {
  checkRevisionArgs(opts.revs);
  const args = [
    '-c',
    'log.showSignature=false',
    'log',
    '-z',
    `--format=${FORMAT}`,
    '--no-color',
    '--encoding=UTF-8',
    ...(opts.numstat ? ['--numstat', '--no-renames', '--diff-merges=off'] : []),
    ...(opts.extra ?? []),
    ...opts.revs,
    '--',
  ];
  let fields: string[] = [];
  let current: HistoryCommit | undefined;
  let count = 0;
  const flush = () => {
    if (current) {
      onCommit(current);
      count++;
    }
    current = undefined;
  };
  await streamNulBuffers(
    args,
    cwd,
    (bytes) => {
      // Fields are text; a numstat path is decoded losslessly (decodePath), so distinct paths stay distinct.
      const token = bytes.toString('utf8');
      if (fields.length === 0) {
        if (token.startsWith('\x01')) {
          flush();
          fields.push(token.slice(1));
          return;
        }
        // git separates the format from its numstat by a newline.
        const raw = bytes[0] === 0x0a ? bytes.subarray(1) : bytes;
        const m = NUMSTAT.exec(raw.subarray(0, 64).toString('latin1'));
        if (m && current) {
          current.files ??= [];
          current.files.push({
            path: decodePath(raw.subarray(m[0].length)),
            added: m[1] === '-' ? undefined : Number(m[1]),
            deleted: m[2] === '-' ? undefined : Number(m[2]),
          });
        }
        return;
      }
      fields.push(token);
      if (fields.length === FIELDS.length) {
        const [sha, parents, an, ae, at, cn, ce, ct, body] = fields;
        current = {
          sha,
          parents: parents ? parents.split(' ') : [],
          authorName: an,
          authorEmail: ae,
          authorTime: Number(at),
          committerName: cn,
          committerEmail: ce,
          committerTime: Number(ct),
          message: body,
          ...(opts.numstat ? { files: [] } : {}),
        };
        fields = [];
      }
    },
    opts.stdin,
  );
  flush();
  return count;
}
