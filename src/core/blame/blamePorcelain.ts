/**
 * Parser for `git blame --porcelain` (pure, tested on raw output). Each line of the file comes as a header
 * `<sha> <orig-line> <final-line> [<group-size>]`, then — the first time a commit appears, or when its path
 * changes — `key value` lines (author, author-mail, summary, filename…), then the content behind a TAB.
 * `filename` is the path in the originating commit, which is where that commit's note attests the line.
 */
export interface BlameCommitInfo {
  sha: string;
  author: string;
  authorEmail: string;
  authorTime: number;
  summary: string;
  boundary: boolean;
}

export interface BlameLine {
  /** Line number in the blamed file (1-based). */
  line: number;
  sha: string;
  /** Line number in the originating commit's version of the file. */
  origLine: number;
  /** Path of the file in the originating commit. */
  origPath: string;
  content: string;
}

export interface BlameResult {
  lines: BlameLine[];
  commits: Map<string, BlameCommitInfo>;
}

const HEADER = /^([0-9a-f]{40}|[0-9a-f]{64}) (\d+) (\d+)(?: (\d+))?$/;

export function parseBlamePorcelain(text: string): BlameResult {
  const commits = new Map<string, BlameCommitInfo>();
  const lastPath = new Map<string, string>();
  const lines: BlameLine[] = [];
  const rows = text.split('\n');
  let current: { sha: string; orig: number; final: number } | undefined;
  for (const row of rows) {
    if (current === undefined) {
      const m = HEADER.exec(row);
      if (!m) continue;
      current = { sha: m[1], orig: Number(m[2]), final: Number(m[3]) };
      if (!commits.has(m[1]))
        commits.set(m[1], { sha: m[1], author: '', authorEmail: '', authorTime: 0, summary: '', boundary: false });
      continue;
    }
    if (row.startsWith('\t')) {
      lines.push({
        line: current.final,
        sha: current.sha,
        origLine: current.orig,
        origPath: lastPath.get(current.sha) ?? '',
        content: row.slice(1).replace(/\r$/, ''),
      });
      current = undefined;
      continue;
    }
    const sp = row.indexOf(' ');
    const key = sp < 0 ? row : row.slice(0, sp);
    const value = sp < 0 ? '' : row.slice(sp + 1);
    const info = commits.get(current.sha)!;
    switch (key) {
      case 'author':
        info.author = value;
        break;
      case 'author-mail':
        info.authorEmail = value.replace(/^<|>$/g, '');
        break;
      case 'author-time':
        info.authorTime = Number(value);
        break;
      case 'summary':
        info.summary = value;
        break;
      case 'boundary':
        info.boundary = true;
        break;
      case 'filename':
        lastPath.set(current.sha, unquote(value));
        break;
    }
  }
  return { lines, commits };
}

/** git quotes paths with unusual bytes C-style ("a\\tb", octal escapes for non-ASCII) unless core.quotePath is off. */
export function unquote(p: string): string {
  if (!(p.startsWith('"') && p.endsWith('"'))) return p;
  const body = p.slice(1, -1);
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const n = body[++i];
    if (/[0-7]/.test(n)) {
      bytes.push(parseInt(body.slice(i, i + 3), 8));
      i += 2;
      continue;
    }
    const map: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, '\\': 92, '"': 34 };
    bytes.push(map[n] ?? n.charCodeAt(0));
  }
  return Buffer.from(bytes).toString('utf8');
}
