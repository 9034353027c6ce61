import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { stablePatchId, stablePatchIds } from '../../../src/git/patchId';
import { cloneAs } from '../helpers/approvals';
import { verifyThenPush, withoutGate } from '../helpers/gateAgreement';
import { commitFile, setup, type Setup } from '../helpers/gateServer';
import { tempDir } from '../helpers/tempDirs';
import type { TempRepo } from '../helpers/tempRepo';

/**
 * attack28 F7: the stable patch-id (git/patchId.ts) was computed in the reader's repository, so `git diff-tree -p`
 * read the clone's checked-out .gitattributes: with `auth.js -diff` (or `*.pbxproj binary`) the hunk became a GIT
 * binary patch and the clone's patch-id differed from the bare server's. Bob approved Mallory's change in his clone;
 * an unrelated commit landed; Mallory rebased, as the README recommends: her `verify` passed, the server refused.
 * Only content may decide a patch-id, identically in a clone, a bare server and CI. Real server, the reviewer's own
 * `countersign approve`, the author's `verify` and push.
 */
describe('attack28 F7: patch-ids follow content only, not attributes or the reader’s configuration', function () {
  this.timeout(240_000);

  const AI = (n: number) => `AI-Provenance: v1 ai=${n} human=0 untracked=0`;
  const HUMAN = (n: number) => `AI-Provenance: v1 ai=0 human=${n} untracked=0`;
  const auth = (check: string) => `function handler(req) {\n  ${check};\n  return serve(req);\n}\n`;
  const project = (n: string) => `// !$*UTF8*$!\n{\n  objectVersion = ${n};\n  rootObject = 1;\n}\n`;

  let s: Setup;
  let bobs: TempRepo;
  before(() => {
    s = setup();
    const { ada } = s;
    ada.write('.gitattributes', 'auth.js -diff\n*.pbxproj binary\n');
    ada.write('auth.js', auth('checkAccess(req)'));
    ada.write('app.pbxproj', project('46'));
    fs.writeFileSync(path.join(ada.dir, 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 0, 9]));
    ada.git('add', '.');
    ada.commit('attributes, auth, project, logo', '-m', HUMAN(9));
    // .gitattributes is in the default infrastructure tier: the administrator lands it past the gate.
    withoutGate(s.server, () => assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'main']).status, 0));
    bobs = cloneAs(s.server.dir, 'Bob Reviewer', 'bob@example.com', s.bob.privateKeyFile);
  });
  after(() => fs.rmSync(path.dirname(s.server.dir), { recursive: true, force: true }));

  /**
   * Mallory's one-commit change on `branch` from main (AI, so it needs review), approved by Bob in his clone (which
   * has the attributes checked out); then an unrelated commit lands on main and Mallory rebases onto it.
   */
  function approvedThenRebased(branch: string, change: (m: TempRepo) => void): TempRepo {
    const m = cloneAs(s.server.dir, 'Mallory', 'mallory@example.com');
    m.git('checkout', '-q', '-b', branch);
    change(m);
    m.git('add', '-A');
    m.commit(`${branch} (T)`, '-m', AI(1));
    assert.strictEqual(m.gitResult(['push', '-q', '--no-verify', 'origin', branch]).status, 0);
    bobs.git('fetch', '-q', 'origin');
    const a = bobs.cli(['approve', `origin/${branch}`, '--base', 'origin/main', '-q']);
    assert.strictEqual(a.status, 0, a.stderr);
    s.ada.git('pull', '-q', '--rebase', 'origin', 'main');
    commitFile(s.ada, `${branch}-unrelated.txt`, 'more\n', `unrelated\n\n${HUMAN(1)}`);
    assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'main']).status, 0);
    m.git('fetch', '-q', 'origin');
    m.git('rebase', '-q', 'origin/main');
    return m;
  }

  for (const [what, branch, change] of [
    ['`auth.js -diff`', 'strict-auth', (m: TempRepo) => m.write('auth.js', auth('checkAccess(req, "strict")'))],
    ['`*.pbxproj binary`', 'project-bump', (m: TempRepo) => m.write('app.pbxproj', project('50'))],
  ] as const)
    it(`attack: ${what} committed: the rebased approved change lands, and the author's verify agrees`, () => {
      const m = approvedThenRebased(branch, change);
      const before = s.server.git('rev-parse', 'main');
      const r = verifyThenPush(m, 'main', ['origin', 'HEAD:main']);
      assert.strictEqual(r.status, 0, `${r.stderr}\n${r.verify.stdout}`);
      assert.notStrictEqual(s.server.git('rev-parse', 'main'), before);
    });

  it("a real binary file: the rebased approved change lands; other bytes in its place do not carry Bob's approval", () => {
    const png = (last: number) => Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 0, last]);
    const m = approvedThenRebased('new-logo', (r) => fs.writeFileSync(path.join(r.dir, 'logo.png'), png(10)));
    // Mallory swaps the approved bytes for others in the rebased commit: a different change, refused by both.
    fs.writeFileSync(path.join(m.dir, 'logo.png'), png(11));
    m.git('commit', '-q', '-a', '--amend', '--no-edit');
    const swapped = verifyThenPush(m, 'main', ['origin', 'HEAD:main']);
    assert.notStrictEqual(swapped.status, 0, swapped.verify.stdout);
    m.git('reset', '-q', '--hard', 'HEAD@{1}');
    const honest = verifyThenPush(m, 'main', ['origin', 'HEAD:main']);
    assert.strictEqual(honest.status, 0, `${honest.stderr}\n${honest.verify.stdout}`);
  });

  describe('the patch-id of one change in a clone and on the bare server', () => {
    let clone: TempRepo;
    let base: string;
    let tip: string;
    before(() => {
      clone = cloneAs(s.server.dir, 'Ada', 'ada@example.com');
      base = clone.git('rev-parse', 'HEAD');
      clone.write('auth.js', auth('checkAccess(req, "audited")'));
      clone.write('app.pbxproj', project('60'));
      clone.write('règles/ü.txt', 'non-ASCII path\n');
      fs.writeFileSync(path.join(clone.dir, 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 7]));
      clone.git('add', '-A');
      tip = clone.commit('touch every kind of file');
      assert.strictEqual(clone.gitResult(['push', '-q', '--no-verify', 'origin', 'HEAD:refs/heads/kinds']).status, 0);
    });

    /** stablePatchId and stablePatchIds in `repo`, with git's environment from `env` (a clone's HOME). */
    async function ids(repo: string, env: NodeJS.ProcessEnv = {}): Promise<string[]> {
      const prev = process.env;
      process.env = { ...prev, ...env };
      try {
        return [await stablePatchId(repo, base, tip), (await stablePatchIds(repo, base, [tip])).get(tip) as string];
      } finally {
        process.env = prev;
      }
    }

    /** git's text patch-id of the change, as a bare repository without attributes (every server before) has it. */
    function contentOnly(): string {
      const bare = path.join(tempDir('cs-pid-'), 'plain.git');
      execFileSync('git', ['clone', '-q', '--bare', s.server.dir, bare], {
        env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' },
      });
      fs.rmSync(path.join(bare, 'hooks'), { recursive: true, force: true });
      const diff = execFileSync(
        'git',
        ['diff-tree', '-p', '--binary', '--full-index', '--no-renames', '-U3', base, tip, '--'],
        { cwd: bare, env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_ATTR_NOSYSTEM: '1', HOME: bare } },
      );
      assert.match(diff.toString('latin1'), /GIT binary patch/, 'the PNG is a binary patch by its content');
      return execFileSync('git', ['patch-id', '--verbatim'], { cwd: bare, input: diff }).toString().split(' ')[0];
    }

    it('the same in the clone (attributes checked out) as on the server and as git’s content-only patch-id', async () => {
      const expected = contentOnly();
      assert.deepStrictEqual(await ids(clone.dir, clone.env), [expected, expected]);
      assert.deepStrictEqual(await ids(s.server.dir), [expected, expected]);
    });

    it('in a blobless partial clone (the throwaway repository fetches nothing: the clone fetches what git would)', async () => {
      const expected = contentOnly();
      s.server.git('config', 'uploadpack.allowFilter', 'true');
      const partial = path.join(tempDir('cs-partial-'), 'p');
      execFileSync('git', ['clone', '-q', '--filter=blob:none', '--no-checkout', `file://${s.server.dir}`, partial], {
        env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' },
      });
      execFileSync('git', ['fetch', '-q', 'origin', 'kinds'], { cwd: partial });
      // The blobs of the change that the partial clone lacks.
      const blobs = s.server
        .git('diff-tree', '-r', '--no-abbrev', base, tip)
        .split('\n')
        .flatMap((l) => l.split(' ').slice(2, 4))
        .filter((o) => !/^0+$/.test(o));
      const missing = () => {
        const out = execFileSync('git', ['rev-list', '--objects', '--missing=print', base, tip], {
          cwd: partial,
          encoding: 'utf8',
        });
        return blobs.filter((o) => out.includes(`?${o}`));
      };
      assert.ok(missing().length > 0);
      assert.strictEqual(await stablePatchId(partial, base, tip), expected);
      assert.deepStrictEqual(missing(), []);
    });

    it('whatever attributes or configuration the reader or the server has', async () => {
      const expected = contentOnly();
      const everything = path.join(tempDir('cs-attrs-'), 'attributes');
      fs.writeFileSync(everything, '* -diff\n* binary\n');
      clone.write('.git/info/attributes', '* -diff\n');
      clone.git('config', 'core.attributesFile', everything);
      clone.git('config', 'core.quotePath', 'false');
      clone.git('config', 'diff.suppressBlankEmpty', 'true');
      clone.git('config', 'diff.auth.textconv', 'tr a-z A-Z');
      clone.write('.gitattributes', '* diff=auth\n');
      assert.deepStrictEqual(await ids(clone.dir, clone.env), [expected, expected]);
      // A server whose administrator (or forge: GitLab copies the default branch's .gitattributes there) wrote
      // info/attributes, with git's own `-c` on the hook.
      fs.writeFileSync(path.join(s.server.dir, 'info', 'attributes'), '* -diff\n');
      try {
        assert.deepStrictEqual(
          await ids(s.server.dir, {
            GIT_CONFIG_PARAMETERS: "'core.quotepath=false' 'core.attributesfile=" + everything + "'",
          }),
          [expected, expected],
        );
      } finally {
        fs.rmSync(path.join(s.server.dir, 'info', 'attributes'));
      }
    });
  });
});
