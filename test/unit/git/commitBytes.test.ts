import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fc from 'fast-check';
import { decodePath, headerProblem, parseCommitObject } from '../../../src/core/commitObject';
import { LogTokenParser, readCommitRange } from '../../../src/git/commitLog';
import { streamHistory } from '../../../src/git/historyStream';
import { TempRepo } from '../helpers/tempRepo';

/**
 * Property: whatever bytes a commit carries — in its message, its author's and committer's names and emails,
 * its paths — the gate's reader (src/git/commitLog.ts) sees exactly the commits git has, each with exactly
 * its own files and its own message. Commits are written as raw objects (`git hash-object --literally`,
 * `git mktree -z`), so nothing in between cleans the bytes up.
 */

/** The inverse of decodePath: lone surrogates U+DC80..U+DCFF are the raw bytes they stand for. */
function encodePath(s: string): Buffer {
  const out: Buffer[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xdc80 && c <= 0xdcff) out.push(Buffer.from([c - 0xdc00]));
    else {
      const cp = s.codePointAt(i) as number;
      out.push(Buffer.from(String.fromCodePoint(cp), 'utf8'));
      if (cp > 0xffff) i++;
    }
  }
  return Buffer.concat(out);
}

function git(repo: TempRepo, args: string[], input?: Buffer | string): string {
  const r = spawnSync('git', args, { cwd: repo.dir, env: repo.env, input });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr.toString()}`);
  return r.stdout.toString('utf8').trim();
}

/** Bytes that frame an ident line in a commit object; everything else may be in a name or an email. */
const IDENT_FRAMING = new Set([0x00, 0x0a, 0x3c, 0x3e]);
const identBytes = fc
  .uint8Array({ minLength: 1, maxLength: 12 })
  .map((a) => Buffer.from(a.filter((b) => !IDENT_FRAMING.has(b))))
  .filter((b) => b.length > 0);
/** A tree entry name: any bytes but NUL and '/', and not a name git gives a meaning (., .., .git). */
const pathBytes = fc
  .uint8Array({ minLength: 1, maxLength: 10 })
  .map((a) => Buffer.from(a.filter((b) => b !== 0 && b !== 0x2f)))
  .filter(
    (b) => b.length > 0 && !['.', '..'].includes(b.toString('latin1')) && b.toString('latin1').toLowerCase() !== '.git',
  );
const interesting = fc.constantFrom(
  ...[0x00, 0x01, 0x0a, 0x0d, 0x1e, 0x1f, 0x3a, 0x09, 0xff, 0xc3].map((b) => Buffer.from([b])),
);
const messageBytes = fc
  .array(
    fc.oneof(
      fc.uint8Array({ maxLength: 16 }).map((a) => Buffer.from(a)),
      interesting,
    ),
    { maxLength: 8 },
  )
  .map((parts) => Buffer.concat(parts));

const commitSpec = fc.record({
  message: messageBytes,
  authorName: identBytes,
  authorEmail: identBytes,
  committerName: identBytes,
  committerEmail: identBytes,
  add: fc.uniqueArray(pathBytes, { maxLength: 4, selector: (b) => b.toString('latin1') }),
  deleteCount: fc.nat({ max: 3 }),
});

describe("commit bytes cannot change the gate's view (property, real git objects)", function () {
  this.timeout(120_000);
  let repo: TempRepo;
  let blob: string;
  before(() => {
    repo = TempRepo.create({ bare: true });
    blob = git(repo, ['hash-object', '-w', '--stdin'], 'content\nline two\n');
  });

  it('every commit, its files and its message survive any bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(commitSpec, { minLength: 1, maxLength: 3 }), async (specs) => {
        const files = new Map<string, Buffer>(); // latin1 key → bytes
        let parent: string | undefined;
        const expected: Array<{ sha: string; files: Map<string, string>; spec: (typeof specs)[number] }> = [];
        for (const spec of specs) {
          const changed = new Map<string, string>();
          for (const k of [...files.keys()].slice(0, spec.deleteCount)) {
            changed.set(k, 'D');
            files.delete(k);
          }
          for (const p of spec.add) {
            const k = p.toString('latin1');
            if (changed.has(k) || files.has(k)) continue;
            changed.set(k, 'A');
            files.set(k, p);
          }
          const entries = [...files.values()].map((p) =>
            Buffer.concat([Buffer.from(`100644 blob ${blob}\t`), p, Buffer.from([0])]),
          );
          const tree = git(repo, ['mktree', '-z'], Buffer.concat(entries));
          const ident = (n: Buffer, e: Buffer) =>
            Buffer.concat([n, Buffer.from(' <'), e, Buffer.from('> 1700000000 +0000')]);
          const object = Buffer.concat([
            Buffer.from(`tree ${tree}\n${parent ? `parent ${parent}\n` : ''}author `),
            ident(spec.authorName, spec.authorEmail),
            Buffer.from('\ncommitter '),
            ident(spec.committerName, spec.committerEmail),
            Buffer.from('\n\n'),
            spec.message,
          ]);
          const sha = git(repo, ['hash-object', '-t', 'commit', '-w', '--stdin', '--literally'], object);
          expected.push({ sha, files: changed, spec });
          parent = sha;
        }
        const tip = parent as string;
        const got = await readCommitRange(repo.dir, [tip]);
        assert.deepStrictEqual(
          got.map((c) => c.sha),
          expected.map((e) => e.sha),
          'the same commits, no more, no fewer',
        );
        got.forEach((c, i) => {
          const e = expected[i];
          const seen = new Map(c.files.map((f) => [encodePath(f.path).toString('latin1'), f.status]));
          assert.deepStrictEqual(seen, e.files, `files of commit ${i}`);
          assert.strictEqual(c.message, e.spec.message.toString('utf8'), `message of commit ${i}`);
          assert.strictEqual(c.author.email, e.spec.authorEmail.toString('utf8'));
          assert.strictEqual(c.committer.email, e.spec.committerEmail.toString('utf8'));
          assert.strictEqual(c.author.name, e.spec.authorName.toString('utf8').trim());
          assert.deepStrictEqual(c.parents, i === 0 ? [] : [expected[i - 1].sha]);
        });
        // The report's and explain's stream: the same commits, each with its own files.
        const streamed: Array<{ sha: string; paths: string[] }> = [];
        await streamHistory(repo.dir, { revs: [tip], numstat: true, extra: ['--reverse', '--topo-order'] }, (h) => {
          streamed.push({
            sha: h.sha,
            paths: (h.files ?? []).map((f) => encodePath(f.path).toString('latin1')).sort(),
          });
        });
        assert.deepStrictEqual(
          streamed.map((s) => s.sha),
          expected.map((e) => e.sha),
        );
        streamed.forEach((s, i) =>
          assert.deepStrictEqual(s.paths, [...expected[i].files.keys()].sort(), `history paths of commit ${i}`),
        );
      }),
      { numRuns: 40 },
    );
  });

  // attack19 01–03: extra header lines of every shape, anywhere in the header. Where git converts nothing (no
  // encoding but UTF-8), the gate's author and committer are git log's; and a shape two readers could take
  // differently is always a headerProblem, a harmless one never.
  it("header lines of any shape: git's idents, or a header problem", async () => {
    const shape = fc.constantFrom(
      { line: 'author', bad: true },
      { line: 'committer', bad: true },
      { line: 'encoding', bad: true },
      { line: 'author Other <o@x> 1 +0000', bad: true },
      { line: 'committer Other <p@x> 1 +0000', bad: true },
      { line: 'author nobody', bad: true },
      { line: 'encoding IBM037', bad: true, converts: true },
      { line: 'encoding ISO-8859-1', bad: true, converts: true },
      { line: 'encoding UTF-8', bad: false, encoding: true },
      { line: 'encoding utf8', bad: false, encoding: true },
      { line: 'authorX <m@x> 1 +0000', bad: false },
      { line: 'x-tool value', bad: false },
    );
    const spec = fc.record({
      shapes: fc.array(fc.record({ shape, before: fc.boolean() }), { maxLength: 3 }),
      author: identBytes,
      committer: identBytes,
    });
    await fc.assert(
      fc.asyncProperty(spec, async ({ shapes, author, committer }) => {
        const ident = (key: string, n: Buffer) =>
          Buffer.concat([Buffer.from(`${key} `), n, Buffer.from(` <${key[0]}@x> 1700000000 +0000\n`)]);
        const line = (l: string) => Buffer.from(`${l}\n`);
        const object = Buffer.concat([
          Buffer.from('tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n'),
          ...shapes.filter((x) => x.before).map((x) => line(x.shape.line)),
          ident('author', author),
          ident('committer', committer),
          ...shapes.filter((x) => !x.before).map((x) => line(x.shape.line)),
          Buffer.from('\nmsg\n'),
        ]);
        const sha = git(repo, ['hash-object', '-t', 'commit', '-w', '--stdin', '--literally'], object);
        const o = parseCommitObject(object);
        const encodings = shapes.filter((x) => x.shape.line.startsWith('encoding')).length;
        const bad = shapes.some((x) => x.shape.bad) || encodings > 1;
        assert.strictEqual(o.headerProblem !== undefined, bad, `${object.toString('latin1')}: ${o.headerProblem}`);
        if (shapes.some((x) => x.shape.converts)) return;
        // NUL-separated: an empty email is a field, not whitespace the helper trims away.
        const [ae, ce] = git(repo, ['log', '-1', '--encoding=UTF-8', '--format=%ae%x00%ce', sha]).split('\0');
        assert.deepStrictEqual([o.author.email, o.committer.email], [ae ?? '', ce ?? ''], object.toString('latin1'));
      }),
      { numRuns: 60 },
    );
  });
});

describe('commit object and path decoding (pure)', () => {
  it('decodePath keeps paths distinct that UTF-8 decoding would merge, and round-trips every byte string', () => {
    const a = decodePath(Buffer.from([0x78, 0xf0]));
    const b = decodePath(Buffer.from([0x78, 0xf1]));
    assert.notStrictEqual(a, b);
    assert.strictEqual(decodePath(Buffer.from('tést/ü.txt')), 'tést/ü.txt');
    // A byte-order mark is part of the name, in valid UTF-8 and beside an invalid byte alike.
    const bom = [0xef, 0xbb, 0xbf];
    assert.strictEqual(decodePath(Buffer.from([...bom, 0x61])), '\ufeffa');
    assert.notStrictEqual(decodePath(Buffer.from([...bom, 0x78, 0xf0])), decodePath(Buffer.from([0x78, 0xf0])));
    assert.deepStrictEqual(
      encodePath(decodePath(Buffer.from([...bom, 0x78, 0xf0]))),
      Buffer.from([...bom, 0x78, 0xf0]),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 24 }), (bytes) => {
        assert.deepStrictEqual(encodePath(decodePath(bytes)), Buffer.from(bytes));
      }),
      { numRuns: 2000 },
    );
    // Read in place from a Buffer (the report's records: an ASCII path is read as latin1), the same string.
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 8 }),
        fc.oneof(fc.uint8Array({ maxLength: 24 }), fc.uint8Array({ maxLength: 24, max: 0x7f })),
        fc.uint8Array({ maxLength: 8 }),
        (before, bytes, after) => {
          const whole = Buffer.concat([before, bytes, after]);
          const path = decodePath(whole, before.length, before.length + bytes.length);
          assert.strictEqual(path, decodePath(bytes));
          assert.deepStrictEqual(encodePath(path), Buffer.from(bytes));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('reads the message whole, NUL and record separators included; a second author line is a header problem', () => {
    const raw = Buffer.from(
      'tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor A B <a@x> 1 +0000\ncommitter C <c@x> 1 +0000\n' +
        'gpgsig -----BEGIN-----\n author Mallory <m@x> 1 +0000\n -----END-----\nauthor Second <s@x> 1 +0000\n\nsubject\x1efake\0more\n\nbody\n',
    );
    const o = parseCommitObject(raw);
    // git log shows the last author line (pretty.c); git's other readers take the first: neither is believed.
    assert.deepStrictEqual(o.author, { name: 'Second', email: 's@x' });
    assert.match(o.headerProblem ?? '', /has 2 "author" header lines/);
    assert.deepStrictEqual(o.committer, { name: 'C', email: 'c@x' });
    assert.strictEqual(o.message, 'subject\x1efake\0more\n\nbody\n');
  });

  // attack19 01–03: header lines git reads otherwise than a split at the first space does.
  it('reads headers as git does, and names every shape two readers could take differently', () => {
    const T = 'tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n';
    const A = 'author A <a@x> 1 +0000\n';
    const C = 'committer C <c@x> 1 +0000\n';
    const read = (header: string) => parseCommitObject(Buffer.from(`${T}${header}\nmsg\n`));
    const plain = read(`${A}${C}encoding UTF-8\n`);
    assert.strictEqual(plain.headerProblem, undefined);
    assert.deepStrictEqual([plain.author.email, plain.committer.email], ['a@x', 'c@x']);
    assert.strictEqual(read(`${A}${C}encoding utf8\n`).headerProblem, undefined);
    assert.strictEqual(read(`${A}${C}x-tool authorX <m@x>\n gpgsig-like continuation\n`).headerProblem, undefined);
    const bare = read(`author\n${A}committer\n${C}`);
    assert.deepStrictEqual([bare.author.email, bare.committer.email], ['a@x', 'c@x'], 'the bare lines are skipped');
    assert.match(bare.headerProblem ?? '', /the header line "author" with no value/);
    assert.match(read(`${A}${C}encoding IBM037\n`).headerProblem ?? '', /encoding header "IBM037"/);
    assert.match(read(`${A}${C}encoding UTF-8 \n`).headerProblem ?? '', /encoding header "UTF-8 "/);
    assert.match(read(`${A}${C}encoding\n`).headerProblem ?? '', /"encoding" with no value/);
    assert.match(read(`${A}${C}encoding UTF-8\nencoding UTF-8\n`).headerProblem ?? '', /2 "encoding" header lines/);
    assert.match(read(`${A}${C}committer D <d@x> 1 +0000\n`).headerProblem ?? '', /2 "committer" header lines/);
    const noEmail = read(`author foo\n${C}`);
    assert.deepStrictEqual(noEmail.author, { name: '', email: '' }, 'git shows no name and no email');
    assert.match(noEmail.headerProblem ?? '', /the author "foo", not "Name <email>"/);
    assert.match(read(A).headerProblem ?? '', /no "committer" header/);
    assert.match(read(`${A}${C}`.replace('+0000', '+00\0')).headerProblem ?? '', /NUL byte/);
    assert.throws(() => read(`author\n${C}`), /no author header\); run git fsck/);
  });

  // headerProblem answers "nothing to say" from the bytes without decoding (report reads every header); it must
  // say exactly what parseCommitObject, which always decodes and splits, says of any header.
  it('headerProblem says what parseCommitObject says of any header (its byte-level shortcut included)', () => {
    const piece = fc.constantFrom(
      'author A <a@x> 1 +0000',
      'author Ü <ü@x> 1 +0000',
      'committer C <c@x> 1 +0000',
      'author',
      'author ',
      'author a>b<c',
      'author <',
      'committer x <y',
      'committerX <z@x>',
      'encoding UTF-8',
      'encoding utf8',
      'encoding Utf-8',
      'encoding utf-8 ',
      'encoding latin1',
      ' continuation <x>',
      ' ',
      'tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904',
      'x-tool value',
      'bogus',
      '',
      '\0',
      '\xff\xfe',
      '\r',
      '<',
      '>',
      ' ',
    );
    fc.assert(
      fc.property(fc.array(fc.array(piece, { maxLength: 3 }), { maxLength: 6 }), fc.nat(9), (random, idents) => {
        // Mostly with a plain author and committer among them, so the shortcut's own cases are reached.
        const lines: string[][] = [...random];
        if (idents > 1) lines.splice(idents % (lines.length + 1), 0, ['author A <a@x> 1 +0000']);
        if (idents > 2) lines.splice((idents * 3) % (lines.length + 1), 0, ['committer C <c@x> 1 +0000']);
        if (idents === 8) lines.push(['author B <b@x> 1 +0000']);
        if (idents === 9) lines.unshift(['committer D <d@x> 1 +0000']);
        const header = Buffer.from(lines.map((l) => l.join('')).join('\n'), 'latin1');
        // A header runs to the first blank line: it has none, and does not end in a newline.
        if (header.includes('\n\n') || header.at(-1) === 0x0a) return;
        let expected: string | undefined;
        try {
          expected = parseCommitObject(Buffer.concat([header, Buffer.from('\n\nmsg\n')])).headerProblem;
        } catch {
          expected = 'has no "author" header git can read';
        }
        assert.strictEqual(headerProblem(header), expected, JSON.stringify(header.toString('latin1')));
      }),
      { numRuns: 5000 },
    );
    // Shapes a random mix reaches rarely: each one line away from a plain header.
    const C = 'committer C <c@x> 1 +0000';
    for (const author of ['a>b<c', 'a <b', 'a >b', '<>', 'a <b\0>', 'a <b> 1\r', 'Ü <ü@x> 1 +0000', ''])
      for (const header of [`author ${author}\n${C}`, `${C}\nauthor ${author}`]) {
        const raw = Buffer.from(`${header}\n\nmsg\n`, 'latin1');
        assert.strictEqual(headerProblem(raw.subarray(0, header.length)), parseCommitObject(raw).headerProblem, header);
      }
  });

  it('a log token that fits no position is an error, not a guess', () => {
    const p = new LogTokenParser();
    assert.throws(() => p.push(Buffer.from('1\t2\tpath')), /unexpected git log output/);
    const q = new LogTokenParser();
    q.push(Buffer.from(`${'a'.repeat(40)} ${'b'.repeat(40)} `));
    assert.throws(() => q.push(Buffer.from('not a token')), /unexpected git log output/);
  });
});
