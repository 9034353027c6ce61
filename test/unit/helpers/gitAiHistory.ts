import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fastImportEnv } from './fastImportEnv';

/**
 * A generated history of the shape of git-ai's own repository (issue 12): thousands of commits on `main`
 * with a side branch merged back now and then, about half of them carrying a refs/notes/ai note written the
 * way git-ai's authorship/3.0.0 writer does in the wild — prompt transcripts in the metadata, the same line
 * numbers of the same files written again and again, ranges out of order and overlapping, a line attested
 * by two keys (the later wins), `h_` humans, legacy 16-hex prompt keys resolved through `prompts`, sessions
 * without a record, an empty attestation section, quoted paths with spaces — and trailers of other tools
 * (Claude Code's co-author, Countersign's AI-Provenance) on some commits. Built in one `git fast-import`
 * stream into an existing empty repository at `dir`. Deterministic for a given `seed`.
 *
 * Nothing here computes the expected figures: tests read the notes back from git and count by themselves.
 */
export interface GitAiHistoryOptions {
  commits: number;
  /** Share of commits with a note (git-ai's repository: 2,413 of 5,337 ≈ 0.45). */
  noteShare?: number;
  /** Bytes of prompt transcript per note, on average (real notes carry the conversation). */
  transcriptBytes?: number;
  seed?: number;
  /**
   * How heavy each commit's diff is. `light` (the default, the figures of sessions 4–10): each commit rewrites
   * 1–3 files of 5–64 lines whole, so `git log --numstat` costs about a tenth of what it costs per commit on a
   * real project. `project`: a source tree of a few hundred files of realistic length (median ~250 lines, a
   * long tail past 1,500) that each commit edits in place — a hunk or two per file, 1–4 files most of the
   * time, now and then a wide change or a new file — so the diff machinery reads, inflates and compares
   * whole blobs for a small change, as on a real history (see scripts/bench-report.ts for the calibration).
   */
  diffWeight?: 'light' | 'project';
}

export interface GitAiHistory {
  /** Notes written (a few may sit on side-branch commits never merged, which `main` does not reach). */
  notes: number;
  merges: number;
}

function data(text: string): string {
  return `data ${Buffer.byteLength(text, 'utf8')}\n${text}\n`;
}

function rng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n) | 0;
  };
}

const TOOLS = ['claude', 'cursor', 'github-copilot', 'codex', 'gemini', 'windsurf'];
const MODELS = ['claude-sonnet-4-5', 'gpt-5', 'gemini-2.5-pro', 'unknown'];
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0').slice(-width);

export function buildGitAiHistory(dir: string, opts: GitAiHistoryOptions): GitAiHistory {
  const rnd = rng(opts.seed ?? 12);
  const noteShare = opts.noteShare ?? 0.45;
  const transcript = opts.transcriptBytes ?? 4000;
  const paths: string[] = [];
  for (let d = 0; d < 30; d++) for (let f = 0; f < 10; f++) paths.push(`src/mod${d}/file${f}.rs`);
  paths.push('docs/my notes.md', 'src/ünï cødé.rs', 'tests/a b/c.rs');
  const lengths = new Map<string, number>();
  // The fast-import stream goes to a file as it is made: a project-weight history is more text than one
  // string may hold.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-fast-import-'));
  const input = path.join(scratch, 'stream');
  const fd = fs.openSync(input, 'w');
  const emit = (text: string) => fs.writeSync(fd, text);
  const notes: string[] = [];
  const t0 = 1_700_000_000;
  let mark = 0,
    merges = 0,
    noteCount = 0;
  let sideTip = 0,
    mainTip = 0;

  const fileBlock = (p: string, version: number, n: number) => {
    const body = Array.from({ length: n }, (_, k) => `fn f${k}() -> u32 { ${version} + ${k} }`).join('\n') + '\n';
    const quoted = /[\s"]/.test(p) ? JSON.stringify(p) : p;
    return `M 100644 inline ${quoted}\n${data(body)}`;
  };

  const noteFor = (i: number, files: Array<[string, number, number?]>): string => {
    const session = (k: number) => `s_${hex(k * 7919 + 3, 14)}`;
    const sessions: Record<string, unknown> = {};
    const prompts: Record<string, unknown> = {};
    const humans: Record<string, unknown> = {};
    let att = '';
    const quirk = rnd(20);
    if (quirk === 0)
      return `---\n${JSON.stringify({ schema_version: 'authorship/3.0.0', git_ai_version: '1.0.20', base_commit_sha: hex(i, 40), prompts: {} }, null, 2)}`;
    for (const [p, n, offset = 0] of files) {
      // git-ai writes a path with whitespace inside plain double quotes, no escapes.
      att += (/\s/.test(p) ? `"${p}"` : p) + '\n';
      const entries = 1 + rnd(3);
      for (let e = 0; e < entries; e++) {
        const kind = rnd(10);
        const s = session(rnd(40));
        let key: string;
        if (kind < 6) {
          key = `${s}::t_${hex(rnd(1 << 30), 14)}`;
          // one in eight sessions has no record: still AI, agent unknown
          if (rnd(8) !== 0)
            sessions[s] = {
              agent_id: { tool: TOOLS[rnd(TOOLS.length)], id: `conv-${rnd(500)}`, model: MODELS[rnd(MODELS.length)] },
              human_author: 'Dev <dev@example.com>',
            };
        } else if (kind < 8) {
          key = hex(rnd(1 << 30) * 65536 + rnd(65536), 16);
          prompts[key] = {
            agent_id: { tool: TOOLS[rnd(TOOLS.length)], id: `p-${rnd(500)}`, model: MODELS[rnd(MODELS.length)] },
            human_author: null,
            messages: [{ type: 'user', text: 'x'.repeat(transcript / 2) }],
            total_additions: n,
          };
        } else {
          key = `h_${hex(rnd(5) + 1, 14)}`;
          humans[key] = { author: `Dev ${key.slice(-1)} <dev${key.slice(-1)}@example.com>` };
        }
        // the same low line numbers again and again; ranges out of order and overlapping
        const a = offset + 1 + rnd(Math.min(n, 12)),
          b = Math.min(offset + n, a + rnd(n));
        const ranges =
          rnd(3) === 0 ? `${b},${a}-${b},${offset + 1}` : rnd(2) ? `${a}-${b}` : `${b}-${offset + n},${a}-${b}`;
        att += `  ${key} ${ranges}\n`;
      }
    }
    const meta = {
      schema_version: 'authorship/3.0.0',
      git_ai_version: '1.0.20',
      base_commit_sha: hex(i * 31, 40),
      prompts,
      sessions,
      humans,
      transcript: 'y'.repeat(transcript / 2),
    };
    return `${att}---\n${JSON.stringify(meta, null, 2)}`;
  };

  const project = opts.diffWeight === 'project' ? projectTree(opts.seed ?? 12) : undefined;
  for (let i = 1; i <= opts.commits; i++) {
    const side = i % 40 === 20 || i % 40 === 21;
    const isMerge = i % 40 === 22 && sideTip > 0;
    // [path, lines the note may attest, the line before them]
    const files: Array<[string, number, number?]> = [];
    let blocks = '';
    if (project) {
      for (const [p, added, offset] of project.commit(i, side)) files.push([p, added, offset]);
      blocks = project.blocks(i === 1);
    } else {
      const count = 1 + rnd(3);
      for (let k = 0; k < count; k++) {
        const p = side ? `side/feature${i % 7}.rs` : paths[rnd(paths.length)];
        if (files.some(([q]) => q === p)) continue;
        const n = 5 + rnd(60);
        files.push([p, n]);
        lengths.set(p, n);
      }
      for (const [p, n] of files) blocks += fileBlock(p, i, n);
    }
    const trailer =
      rnd(8) === 0
        ? '\n\nCo-Authored-By: Claude <noreply@anthropic.com>'
        : rnd(6) === 0
          ? `\n\nAI-Provenance: v1 ai=${rnd(20)} human=${rnd(20)} untracked=0`
          : '';
    const who = rnd(30) === 0 ? 'Ada Author (aider) <ada@example.com>' : `Dev ${rnd(7)} <dev${rnd(7)}@example.com>`;
    mark++;
    const t = t0 + i * 900;
    let text = `commit refs/heads/${side ? 'side' : 'main'}\nmark :${mark}\nauthor ${who} ${t} +0000\ncommitter ${who} ${t} +0000\n${data(`change ${i}${trailer}`)}`;
    if (side && i % 40 === 20) text += `from :${mainTip}\n`;
    if (isMerge) {
      text += `merge :${sideTip}\n`;
      merges++;
    }
    text += blocks;
    if (isMerge && project) text += project.sideBlocks();
    else if (isMerge)
      for (let f = 0; f < 7; f++)
        if (lengths.has(`side/feature${f}.rs`))
          text += fileBlock(`side/feature${f}.rs`, i, lengths.get(`side/feature${f}.rs`)!);
    emit(text + '\n');
    if (side) sideTip = mark;
    else mainTip = mark;
    if (!isMerge && rnd(1000) < noteShare * 1000) {
      notes.push(`N inline :${mark}\n${data(noteFor(i, files))}`);
      noteCount++;
    }
  }
  emit(
    `commit refs/notes/ai\ncommitter git-ai <git-ai@example.com> ${t0} +0000\n${data('git-ai notes')}${notes.join('')}\n`,
  );
  // fast-import grows and trims its heap thousands of times on a history like this; on a busy machine each brk
  // can cost a tenth of a millisecond (measured: 42 s instead of 2 s for 1,000 commits), so keep the heap.
  const env = fastImportEnv(process.env);
  fs.closeSync(fd);
  const from = fs.openSync(input, 'r');
  let r: ReturnType<typeof spawnSync>;
  try {
    r = spawnSync('git', ['fast-import', '--quiet'], { cwd: dir, env, stdio: [from, 'pipe', 'pipe'] });
  } finally {
    fs.closeSync(from);
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  if (r.status !== 0) throw new Error(`git fast-import failed: ${String(r.stderr)}`);
  spawnSync('git', ['branch', '-D', 'side'], { cwd: dir });
  return { notes: noteCount, merges };
}

/**
 * The `project` diff weight: a source tree kept in memory and edited in place, commit by commit. Its own
 * random stream, so the notes and trailers drawn by the caller keep theirs.
 */
function projectTree(seed: number): {
  /** Edits this commit's files; returns [path, lines added in its hunk, the line before the hunk]. */
  commit(i: number, side: boolean): Array<[string, number, number]>;
  /** The fast-import blocks of the files the last commit() touched (with `all`, every file: the first commit). */
  blocks(all: boolean): string;
  /** The side branch's files as they stand, for the merge commit that brings them to main. */
  sideBlocks(): string;
} {
  const rnd = rng(seed * 7919 + 17);
  const files = new Map<string, string[]>();
  const mainPaths: string[] = [];
  let touched = new Set<string>();
  let serial = 0;
  // A hunk's lines are unique (each names its serial), so git's diff counts every one of them as added and a
  // note attesting them claims no more than numstat shows, as git-ai's notes do; a file's first content also
  // has the blank lines and closing braces a diff can match.
  const line = (indent: number, unique: boolean) => {
    serial++;
    const pad = '    '.repeat(indent);
    switch (unique ? [0, 1, 2, 5][rnd(4)] : rnd(6)) {
      case 0:
        return `${pad}let value_${serial} = compute_${rnd(300)}(&state, ${rnd(1000)})?;`;
      case 1:
        return `${pad}if config.limit_${rnd(50)} > ${rnd(10000)} { return Err(Error::Limit(${serial})); }`;
      case 2:
        return `${pad}// ${serial}: keep the ${['index', 'cache', 'cursor', 'buffer'][rnd(4)]} in step with the caller`;
      case 3:
        return `${pad}}`;
      case 4:
        return '';
      default:
        return `${pad}out.push(Record { id: ${serial}, name: format!("item-{}", ${rnd(99)}), size: ${rnd(4096)} });`;
    }
  };
  const lines = (n: number, unique = false) => Array.from({ length: n }, () => line(1 + rnd(3), unique));
  // File lengths of a typical project: most files a few hundred lines, a few over a thousand.
  const length = () => (rnd(10) === 0 ? 600 + rnd(1200) : rnd(4) === 0 ? 20 + rnd(80) : 100 + rnd(400));
  const dirs = ['src', 'src/git', 'src/commands', 'src/authorship', 'src/utils', 'src/daemon', 'tests', 'tests/repos'];
  for (let d = 0; d < 40; d++) {
    const dir = `${dirs[d % dirs.length]}/m${d}`;
    for (let f = 0; f < 8; f++) {
      const p = `${dir}/part_${f}.rs`;
      files.set(p, lines(length()));
      mainPaths.push(p);
    }
  }
  const edit = (p: string, grow: boolean): [string, number, number] => {
    let body = files.get(p);
    if (!body) files.set(p, (body = []));
    const at = rnd(body.length + 1);
    // Most hunks add a handful of lines; some a whole function or more. A hunk also removes about half what it
    // adds, as a project that grows slowly does (files stay about their size over the history).
    const added = rnd(10) === 0 ? 30 + rnd(100) : 1 + rnd(20);
    const removed = grow ? 0 : rnd(Math.min(added + 4, body.length - at) + 1);
    body.splice(at, removed, ...lines(added, true));
    touched.add(p);
    return [p, added, at];
  };
  const block = (p: string) => {
    const quoted = /[\s"]/.test(p) ? JSON.stringify(p) : p;
    return `M 100644 inline ${quoted}\n${data(files.get(p)!.join('\n') + '\n')}`;
  };
  return {
    commit(i, side) {
      touched = new Set();
      const out: Array<[string, number, number]> = [];
      if (side) return [edit(`side/feature${i % 7}.rs`, false)];
      // 1–4 files most of the time; one commit in twelve is a wide change (a rename of a function, a refactor).
      const count = rnd(12) === 0 ? 5 + rnd(20) : 1 + rnd(4);
      for (let k = 0; k < count; k++) {
        const p = mainPaths[rnd(mainPaths.length)];
        if (touched.has(p)) continue;
        out.push(edit(p, false));
        // A second hunk in the same file, now and then.
        if (rnd(4) === 0) {
          const [, added] = edit(p, false);
          out[out.length - 1][1] += added;
        }
      }
      if (rnd(30) === 0) {
        const p = `src/new/n${i}.rs`;
        mainPaths.push(p);
        out.push(edit(p, true));
      }
      return out;
    },
    blocks(all) {
      return [...(all ? files.keys() : touched)].map(block).join('');
    },
    sideBlocks() {
      return [...files.keys()]
        .filter((p) => p.startsWith('side/'))
        .map(block)
        .join('');
    },
  };
}
