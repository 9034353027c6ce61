import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { CLI, SYNC_TIMEOUT_MS, TempRepo } from '../helpers/tempRepo';
import { matchAnyPath, matchGlob, matchPath, MAX_GLOB_LENGTH } from '../../../src/core/glob';
import { DEFAULT_TIERS } from '../../../src/core/defaultTiers';
import { attach, sign, statementFor } from '../helpers/approvals';
import { commitFile, policyJson, pushMain, setup } from '../helpers/gateServer';
import { makeKey } from '../helpers/reviewerKeys';
import { withoutGate } from '../helpers/gateAgreement';

/**
 * Issue 16: a repository, a fetched note or an agent payload crafted by someone else, then Countersign used
 * normally. Each attack runs against real git (and, where the gate is involved, a real bare server with the
 * installed pre-receive hook); every test failed before its defence landed.
 */

const SESSION = 's_c9883b05a2487d';
function hostileNote(path: string, ranges: string, tool = 'claude'): string {
  return (
    `${path}\n  ${SESSION}::t_aaaaaaaaaaaaaa ${ranges}\n---\n` +
    JSON.stringify({
      schema_version: 'authorship/3.0.0',
      base_commit_sha: '',
      prompts: {},
      sessions: { [SESSION]: { agent_id: { tool, id: 'conv', model: 'm' } } },
    })
  );
}

/** Node's fatal errors, which no try/catch stops: the attack's signature. */
function assertNoFatal(r: { status: number; stdout: string; stderr: string }, what: string): void {
  assert.doesNotMatch(
    r.stderr,
    /heap out of memory|FATAL ERROR|Fatal (JavaScript|error)|Maximum call stack|RangeError/i,
    `${what} died: ${r.stderr.slice(-2000)}`,
  );
  assert.ok(r.status === 0 || r.status === 1 || r.status === 2, `${what} exited ${r.status}: ${r.stderr.slice(-2000)}`);
}

describe('hostile repository (issue 16)', function () {
  this.timeout(120_000);

  describe('class 1: a fetched note claiming 1-999999999', () => {
    it('verify, pre-push and the server pre-receive judge it (fail closed) instead of running out of memory', () => {
      const { ada, server: bare } = setup();
      ada.cli(['install']);
      const base = ada.git('rev-parse', 'HEAD');
      const tip = commitFile(
        ada,
        'three.txt',
        'a\nb\nc\n',
        'three lines\n\nAI-Provenance: v1 ai=0 human=3 untracked=0',
      );
      ada.git('notes', '--ref=refs/notes/ai', 'add', '-f', '-m', hostileNote('three.txt', '1-999999999'), tip);

      const v = ada.cli(['verify', '--base', base, '--head', tip, '--branch', 'main', '--format', 'json']);
      assertNoFatal(v, 'verify');
      const json = JSON.parse(v.stdout) as {
        ok: boolean;
        commits: Array<{ sha: string; needsReview: boolean; reasons: string[] }>;
      };
      assert.strictEqual(json.ok, false);
      const c = json.commits.find((x) => x.sha === tip);
      assert.ok(c?.needsReview, 'the commit with the hostile note needs review');
      assert.match(c!.reasons.join('\n'), /refs\/notes\/ai.*unreadable.*999999999.*beyond/s);

      const prePush = pushMain(ada);
      assertNoFatal(prePush, 'pre-push');
      assert.notStrictEqual(prePush.status, 0, 'the push is blocked');
      assert.match(prePush.stderr, /unreadable/);

      // The server takes no unreadable provenance note (aiNotesAdditions.ts)...
      const notes = ada.gitResult(['push', '--no-verify', 'origin', 'refs/notes/ai']);
      assertNoFatal(notes, 'pre-receive (notes)');
      assert.notStrictEqual(notes.status, 0, `the hostile note is refused: ${notes.stderr}`);
      assert.match(notes.stderr, /unreadable.*999999999/s);
      // ...and reads one it already has (from before that rule): the note first, then the commit it annotates.
      withoutGate(bare, () => ada.git('push', '-q', '--no-verify', 'origin', 'refs/notes/ai'));
      const server = ada.gitResult(['push', '--no-verify', 'origin', 'main']);
      assert.notStrictEqual(server.status, 0, `pre-receive refuses it: ${server.stderr}`);
      assert.doesNotMatch(server.stderr, /heap out of memory|FATAL ERROR|Fatal (JavaScript|error)/i);
      assert.match(server.stderr, /unreadable/);
    });

    it('report reads a note claiming lines beyond the cap as unreadable (falls back to the trailers) instead of dying', () => {
      const repo = TempRepo.create();
      const tip = commitFile(repo, 'three.txt', 'a\nb\nc\n', 'three lines');
      repo.git('notes', '--ref=refs/notes/ai', 'add', '-f', '-m', hostileNote('three.txt', '1-999999999'), tip);
      const beyond = repo.cli(['report', '--format', 'json']);
      assertNoFatal(beyond, 'report');
      assert.strictEqual((JSON.parse(beyond.stdout) as { aiLines: number }).aiLines, 0);
    });

    it('report and explain never count more AI lines than a file has, also for claims under the cap', () => {
      const repo = TempRepo.create();
      const first = commitFile(repo, 'three.txt', 'a\nb\nc\n', 'three lines');
      // A legitimate note on the next commit: its 2 added lines, under a claim that is not cut.
      const second = commitFile(repo, 'three.txt', 'a\nb\nc\nd\ne', 'two more');
      repo.git('notes', '--ref=refs/notes/ai', 'add', '-f', '-m', hostileNote('three.txt', '4-5'), second);
      // 1-5000 of a 3-line file, and 1-40 of a file the commit does not have.
      repo.git('notes', '--ref=refs/notes/ai', 'add', '-f', '-m', hostileNote('three.txt', '1-5000') + '', first);
      const r = repo.cli(['report', '--format', 'json', '--by', 'path']);
      assertNoFatal(r, 'report');
      const rep = JSON.parse(r.stdout) as { aiLines: number; rows?: Array<{ key: string; aiLines: number }> };
      assert.strictEqual(rep.aiLines, 3 + 2, r.stdout);
      const e = JSON.parse(repo.cli(['explain', first, '--json']).stdout) as {
        provenance: { aiLines: number; note: { files: Array<{ ai: Array<{ ranges: string }> }> } };
      };
      assert.strictEqual(e.provenance.aiLines, 3);
      assert.strictEqual(e.provenance.note.files[0].ai[0].ranges, '1-3');

      const ghost = `ghost.txt\n  ${SESSION}::t_aaaaaaaaaaaaaa 1-40\n` + hostileNote('three.txt', '2');
      repo.git('notes', '--ref=refs/notes/ai', 'add', '-f', '-m', ghost, first);
      const again = JSON.parse(repo.cli(['report', '--format', 'json']).stdout) as { aiLines: number };
      assert.strictEqual(again.aiLines, 1 + 2, 'a file the commit does not have has no lines to claim');
    });

    it('blame and explain read it without dying', () => {
      const repo = TempRepo.create();
      const tip = commitFile(repo, 'three.txt', 'a\nb\nc\n', 'three lines');
      repo.git('notes', '--ref=refs/notes/ai', 'add', '-f', '-m', hostileNote('three.txt', '1-9999999'), tip);
      const blame = repo.cli(['blame', 'three.txt', '--json']);
      assertNoFatal(blame, 'blame');
      const explain = repo.cli(['explain', tip, '--json']);
      assertNoFatal(explain, 'explain');
      repo.git('notes', '--ref=refs/notes/ai', 'add', '-f', '-m', hostileNote('three.txt', '1-999999999'), tip);
      assertNoFatal(repo.cli(['blame', 'three.txt']), 'blame');
      assertNoFatal(repo.cli(['explain', tip]), 'explain');
    });

    it('the notes merge on fetch survives a hostile note on a commit both clones annotated', () => {
      const bare = TempRepo.create({ bare: true });
      const a = TempRepo.create();
      a.git('remote', 'add', 'origin', bare.dir);
      a.cli(['install']);
      const c = commitFile(a, 'f.txt', 'one\ntwo\n', 'shared');
      a.git('push', '-q', 'origin', 'main');
      const b = TempRepo.create();
      b.git('remote', 'add', 'origin', bare.dir);
      b.cli(['install']);
      b.git('fetch', '-q', 'origin');
      b.git('reset', '-q', '--hard', 'origin/main');
      b.git('notes', '--ref=refs/notes/ai', 'add', '-f', '-m', hostileNote('f.txt', '2'), c);
      a.git('notes', '--ref=refs/notes/ai', 'add', '-f', '-m', hostileNote('f.txt', '1-9999999'), c);
      assert.strictEqual(
        a.gitResult(['push', '-q', 'origin', 'main']).status,
        0,
        'up to date: pre-push still sends the notes',
      );
      const f = b.gitResult(['fetch', 'origin']);
      assertNoFatal(f, 'fetch');
      assert.strictEqual(f.status, 0, `${f.stdout}\n${f.stderr}`);
      a.git('notes', '--ref=refs/notes/ai', 'add', '-f', '-m', hostileNote('f.txt', '1-999999999'), c);
      assert.strictEqual(a.gitResult(['push', '-q', 'origin', 'main']).status, 0);
      const f2 = b.gitResult(['fetch', 'origin']);
      assertNoFatal(f2, 'fetch');
      assert.strictEqual(f2.status, 0, `${f2.stdout}\n${f2.stderr}`);
      // The merged note stays readable; b's own line survives.
      assert.match(b.git('notes', '--ref=refs/notes/ai', 'show', c), /f\.txt\n/);
    });
  });

  describe('class 2: writing through symlinks', () => {
    const home = (repo: TempRepo) => repo.env.HOME!;
    const snapshot = (dir: string) => {
      const out: Record<string, string> = {};
      const walk = (d: string) => {
        for (const e of fs.readdirSync(d, { withFileTypes: true })) {
          const p = path.join(d, e.name);
          if (e.isDirectory()) walk(p);
          else if (e.isFile()) out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
        }
      };
      walk(dir);
      return out;
    };

    for (const [agent, link, target] of [
      ['claude', '.claude', '.claude'],
      ['gemini', '.gemini', '.gemini'],
      ['cursor', '.cursor', '.cursor'],
      ['codex', '.codex', '.codex'],
      ['kiro', '.kiro', '.kiro'],
      ['copilot', '.github', 'dotgithub'],
    ] as const) {
      it(`agents connect ${agent} refuses a committed ${link} symlink instead of rewriting ${target} in HOME`, () => {
        const repo = TempRepo.create();
        const outside = path.join(home(repo), target);
        fs.mkdirSync(path.join(outside, 'hooks'), { recursive: true });
        fs.writeFileSync(path.join(outside, 'settings.json'), '{"theme":"mine"}\n');
        fs.writeFileSync(path.join(outside, 'hooks.json'), '{"version":1,"hooks":{}}\n');
        fs.symlinkSync(outside, path.join(repo.dir, link));
        repo.git('add', link);
        repo.commit('a clone that links into HOME');
        const before = snapshot(home(repo));
        const r = repo.cli(['agents', 'connect', agent]);
        assert.strictEqual(r.status, 2, r.stdout + r.stderr);
        assert.match(r.stderr, new RegExp(`${link.replace('.', '\\.')} is a symbolic link`));
        assert.deepStrictEqual(snapshot(home(repo)), before, 'nothing in HOME changed');
      });
    }

    it('agents connect refuses a symlink deeper down (.github/hooks)', () => {
      const repo = TempRepo.create();
      const outside = path.join(home(repo), 'elsewhere');
      fs.mkdirSync(outside, { recursive: true });
      fs.mkdirSync(path.join(repo.dir, '.github'));
      fs.symlinkSync(outside, path.join(repo.dir, '.github', 'hooks'));
      const r = repo.cli(['agents', 'connect', 'copilot']);
      assert.strictEqual(r.status, 2, r.stderr);
      assert.match(r.stderr, /\.github\/hooks is a symbolic link/);
      assert.deepStrictEqual(fs.readdirSync(outside), []);
    });

    it('install --hook-manager husky refuses a cloned .husky/_ symlink instead of writing its shim outside the clone (J5)', () => {
      // The hostile repository commits `.husky/_` as a relative link out of the clone; husky's own `npm install`
      // writes its `h` there and points core.hooksPath at it (done by hand here: the state it leaves).
      const hostile = TempRepo.create();
      fs.mkdirSync(path.join(hostile.dir, '.husky'));
      fs.symlinkSync('../../outside', path.join(hostile.dir, '.husky', '_'));
      hostile.write('.husky/pre-push', 'countersign hook pre-push "$@"\n');
      hostile.git('add', '-A');
      hostile.commit('husky set-up');
      const parent = path.join(home(hostile), 'victim');
      hostile.git('clone', '-q', hostile.dir, path.join(parent, 'clone'));
      const clone = TempRepo.at(path.join(parent, 'clone'));
      const outside = path.join(parent, 'outside');
      fs.mkdirSync(outside);
      fs.writeFileSync(path.join(outside, 'h'), '# husky h\n');
      assert.ok(fs.lstatSync(path.join(clone.dir, '.husky', '_')).isSymbolicLink(), 'the clone carries the link');
      clone.git('config', 'core.hooksPath', '.husky/_');
      const r = clone.cli(['install', '--hook-manager', 'husky']);
      assert.strictEqual(r.status, 2, r.stdout + r.stderr);
      assert.match(r.stderr, /husky's reference-transaction shim.*\.husky\/_ is a symbolic link/);
      assert.deepStrictEqual(fs.readdirSync(outside), ['h'], 'nothing was written outside the clone');
      assert.ok(!fs.existsSync(path.join(clone.dir, '.git', 'countersign', 'install.json')), 'nothing installed');

      // A real .husky/_ folder is what the shim is for.
      fs.unlinkSync(path.join(clone.dir, '.husky', '_'));
      fs.mkdirSync(path.join(clone.dir, '.husky', '_'));
      fs.writeFileSync(path.join(clone.dir, '.husky', '_', 'h'), '# husky h\n');
      const ok = clone.cli(['install', '--hook-manager', 'husky']);
      assert.strictEqual(ok.status, 0, ok.stdout + ok.stderr);
      assert.match(ok.stdout, /added \.husky\/_\/reference-transaction/);
      assert.strictEqual(fs.statSync(path.join(clone.dir, '.husky', '_', 'reference-transaction')).mode & 0o111, 0o111);
    });

    it('install and uninstall refuse to write or delete through a symlink under .git/countersign', () => {
      const repo = TempRepo.create();
      const outside = path.join(home(repo), 'precious');
      fs.mkdirSync(outside, { recursive: true });
      fs.writeFileSync(path.join(outside, 'keep.txt'), 'mine\n');
      const cs = path.join(repo.dir, '.git', 'countersign');
      fs.mkdirSync(cs, { recursive: true });
      fs.symlinkSync(outside, path.join(cs, 'bin'));
      const i = repo.cli(['install']);
      assert.strictEqual(i.status, 2, i.stdout + i.stderr);
      assert.match(i.stderr, /countersign\/bin is a symbolic link/);
      assert.deepStrictEqual(fs.readdirSync(outside), ['keep.txt']);

      fs.unlinkSync(path.join(cs, 'bin'));
      assert.strictEqual(repo.cli(['install']).status, 0);
      fs.rmSync(path.join(cs, 'hooks'), { recursive: true });
      fs.symlinkSync(outside, path.join(cs, 'hooks'));
      const u = repo.cli(['uninstall']);
      assert.strictEqual(u.status, 2, u.stdout + u.stderr);
      assert.match(u.stderr, /countersign\/hooks is a symbolic link/);
      assert.deepStrictEqual(fs.readdirSync(outside), ['keep.txt']);
      assert.strictEqual(fs.readFileSync(path.join(outside, 'keep.txt'), 'utf8'), 'mine\n');

      // The whole .git/countersign as a link.
      fs.rmSync(cs, { recursive: true });
      fs.symlinkSync(outside, cs);
      const again = repo.cli(['install']);
      assert.strictEqual(again.status, 2);
      assert.match(again.stderr, /countersign is a symbolic link/);
      assert.deepStrictEqual(fs.readdirSync(outside), ['keep.txt']);
    });
  });

  describe("class 4: running the attacker's code", () => {
    /** The Claude hook command `agents connect` wrote, run as Claude Code runs it: sh -c, payload on stdin. */
    function runClaudeHook(repo: TempRepo, cwd: string, payload: object) {
      const settings = JSON.parse(repo.read('.claude/settings.json')) as {
        hooks: Record<string, Array<{ hooks: Array<{ command: string }> }>>;
      };
      const command = settings.hooks.PreToolUse[0].hooks[0].command;
      return spawnSync('sh', ['-c', command], {
        cwd,
        input: JSON.stringify(payload),
        encoding: 'utf8',
        env: repo.env,
        timeout: SYNC_TIMEOUT_MS,
      });
    }

    it('checkpoint does not run core.fsmonitor of a fake repository committed in the clone', () => {
      const repo = TempRepo.create();
      const pwned = path.join(repo.env.HOME!, 'pwned');
      // A bare repository layout, committed as ordinary files, whose config names a program.
      repo.write('fake/HEAD', 'ref: refs/heads/main\n');
      repo.write('fake/objects/.keep', '');
      repo.write('fake/refs/heads/.keep', '');
      repo.write(
        'fake/config',
        `[core]\n\trepositoryformatversion = 0\n\tbare = false\n\tworktree = .\n\tfsmonitor = "touch '${pwned}'; false"\n`,
      );
      repo.write('a.txt', 'x\n');
      repo.git('add', '-A');
      repo.commit('a clone with a fake repository inside');
      assert.strictEqual(repo.cli(['agents', 'connect', 'claude']).status, 0);
      const r = runClaudeHook(repo, repo.dir, {
        hook_event_name: 'PreToolUse',
        tool_name: 'Bash',
        tool_input: { command: 'ls' },
        session_id: 's1',
        cwd: path.join(repo.dir, 'fake'),
      });
      assert.strictEqual(r.status, 0, r.stderr);
      assert.ok(!fs.existsSync(pwned), "the fake repository's fsmonitor ran");
      // The same for a payload naming a file there.
      const w = runClaudeHook(repo, path.join(repo.dir, 'fake'), {
        hook_event_name: 'PreToolUse',
        tool_name: 'Write',
        tool_input: { file_path: 'x.txt', content: 'y' },
        session_id: 's1',
        cwd: path.join(repo.dir, 'fake'),
      });
      assert.strictEqual(w.status, 0, w.stderr);
      assert.ok(!fs.existsSync(pwned), "the fake repository's fsmonitor ran");
    });

    it('the hook runs the CLI copy of the repository it was connected in, not one an embedded repository supplies', () => {
      const repo = TempRepo.create();
      repo.write('a.txt', 'x\n');
      repo.git('add', '-A');
      repo.commit('init');
      assert.strictEqual(repo.cli(['agents', 'connect', 'claude']).status, 0);
      const pwned = path.join(repo.env.HOME!, 'pwned-cli');
      // An embedded repository (an agent's `git init`, an unpacked archive) with its own "CLI copy".
      const sub = path.join(repo.dir, 'vendor', 'lib');
      fs.mkdirSync(sub, { recursive: true });
      spawnSync('git', ['init', '-q', sub], { env: repo.env });
      fs.mkdirSync(path.join(sub, '.git', 'countersign', 'bin'), { recursive: true });
      fs.writeFileSync(
        path.join(sub, '.git', 'countersign', 'bin', 'countersign.js'),
        `require('fs').writeFileSync(${JSON.stringify(pwned)}, 'x');\n`,
      );
      const r = runClaudeHook(repo, sub, {
        hook_event_name: 'PreToolUse',
        tool_name: 'Write',
        tool_input: { file_path: path.join(repo.dir, 'a.txt'), content: 'y' },
        session_id: 's1',
        cwd: sub,
      });
      assert.strictEqual(r.status, 0, r.stderr);
      assert.ok(!fs.existsSync(pwned), "the embedded repository's countersign.js ran");
      const settings = repo.read('.claude/settings.json');
      assert.ok(
        settings.includes(path.join(repo.dir, '.git', 'countersign', 'bin', 'countersign.js')),
        'the CLI copy is named by absolute path',
      );
      // And the checkpoint landed in the connected repository's ledger.
      assert.ok(
        fs.readdirSync(path.join(repo.dir, '.git', 'countersign')).some((n) => n.startsWith('ledger')),
        'recorded in the connected repository',
      );
    });
  });

  describe('class 3: pathological policy patterns', () => {
    const evil = `**/${'*a'.repeat(24)}*b`;

    it('matching is linear: 24 stars against a 5,000-character name answers at once', () => {
      assert.strictEqual(matchGlob(evil, 'x/' + 'a'.repeat(5000)), false);
      assert.strictEqual(matchGlob(evil, 'x/' + 'a'.repeat(5000) + 'b'), true);
      assert.strictEqual(
        matchPath(`{${'{a,'.repeat(30)}b${'}'.repeat(30)}}*${'*a'.repeat(20)}*b`, 'a'.repeat(3000)),
        false,
      );
    });

    it('verify judges a push under a policy with such a pattern instead of hanging', () => {
      const { ada } = setup(
        policyJson(makeKey('bob'), makeKey('carol'), { tiers: [{ name: 'evil', paths: [evil], approvals: 2 }] }),
      );
      const base = ada.git('rev-parse', 'HEAD');
      const tip = commitFile(
        ada,
        `src/${'a'.repeat(200)}`,
        'x\n',
        'long name\n\nAI-Provenance: v1 ai=0 human=1 untracked=0',
      );
      const v = ada.cli(['verify', '--base', base, '--head', tip, '--branch', 'main']);
      assert.strictEqual(v.status, 0, v.stdout + v.stderr);
      const server = pushMain(ada);
      assert.strictEqual(server.status, 0, server.stderr);
    });

    it('policy check refuses a pattern longer than MAX_GLOB_LENGTH', () => {
      const repo = TempRepo.create();
      repo.write(
        '.countersign.json',
        policyJson(makeKey('bob'), makeKey('carol'), {
          tiers: [{ name: 'long', paths: ['*'.repeat(MAX_GLOB_LENGTH + 1)], approvals: 2 }],
        }),
      );
      const r = repo.cli(['policy', 'check']);
      assert.strictEqual(r.status, 1, r.stdout + r.stderr);
      assert.match(r.stdout + r.stderr, /at most 1024/);
    });
  });

  describe('issue 10, class 9: the default infrastructure tier', () => {
    it('a lower-case dockerfile with one approval is refused by the real server (the tier needs two)', () => {
      const { ada, bob } = setup();
      const base = ada.git('rev-parse', 'origin/main');
      const tip = commitFile(
        ada,
        'svc/dockerfile',
        'FROM scratch\n',
        'Container\n\nAI-Provenance: v1 ai=0 human=1 untracked=0',
      );
      attach(ada.dir, sign(bob, statementFor(ada.dir, { email: 'bob@example.com', tip, base })), tip, ada.env);
      const r = ada.gitResult(['push', '--atomic', 'origin', 'main', 'refs/notes/countersign']);
      assert.notStrictEqual(r.status, 0, r.stderr);
      assert.match(r.stderr, /tier 'infrastructure': touches svc\/dockerfile — needs 2 approval/);
    });

    it('the default tier covers OpenTofu, Podman, Helmfile, Nomad, Pulumi and Ansible files, in any case', () => {
      const tier = DEFAULT_TIERS.find((t) => t.name === 'infrastructure')!;
      const infra = (name: string) => matchAnyPath(tier.paths, name, { ignoreCase: tier.ignoreCase });
      for (const name of [
        'DOCKERFILE',
        'build/Containerfile',
        'build/containerfile.dev',
        'x/api.Dockerfile',
        'infra/main.tofu',
        'deploy/helmfile.yaml.gotmpl',
        'deploy/Helmfile.yaml',
        'helmfile.d/10-base.yaml',
        'jobs/api.nomad',
        'jobs/api.nomad.hcl',
        'Pulumi.prod.yaml',
        'pulumi.yaml',
        'inventory/hosts.ini',
        'inventories/prod/hosts.yml',
        'site.yml',
        'group_vars/all.yml',
        'ops/playbook-web.yml',
        'INFRA/MAIN.TF',
        'quadlet/web.container',
        '.GitHub/Workflows/ci.yml',
      ]) {
        assert.ok(infra(name), `${name} is infrastructure`);
      }
      for (const name of ['src/dockerfileParser.ts', 'README.md', 'src/roles.ts', 'docs/pulumi.md'])
        assert.strictEqual(infra(name), undefined, name);
    });
  });
  describe('class 6: injection into what Countersign writes or shows', () => {
    const EVIL_TOOL = 'claude\nSigned-off-by: Victim <victim@example.com>';
    const EVIL_MODEL =
      'm\n\n[run](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22rm%22%7D) ![x](https://evil.example/t.png)';
    const ESC = '\u001b]0;pwned\u0007\u001b[2J\u009b31m';
    const injectedNote = (file: string, ranges: string) =>
      `${file}\n  ${SESSION}::t_aaaaaaaaaaaaaa ${ranges}\n---\n` +
      JSON.stringify({
        schema_version: 'authorship/3.0.0',
        base_commit_sha: '',
        prompts: {},
        sessions: { [SESSION]: { agent_id: { tool: EVIL_TOOL, id: `c${ESC}`, model: EVIL_MODEL } } },
      });

    it("a line break in a note's tool name never becomes trailers on a cherry-pick", () => {
      const repo = TempRepo.create();
      repo.cli(['install']);
      commitFile(repo, 'f.txt', 'one\n', 'base');
      repo.git('checkout', '-q', '-b', 'side');
      const picked = commitFile(repo, 'f.txt', 'one\ntwo\nthree\n', 'side work');
      repo.git('notes', '--ref=refs/notes/ai', 'add', '-f', '-m', injectedNote('f.txt', '2-3'), picked);
      repo.git('checkout', '-q', 'main');
      const r = repo.gitResult(['cherry-pick', picked]);
      assert.strictEqual(r.status, 0, r.stderr);
      const message = repo.git('log', '-1', '--format=%B');
      assert.doesNotMatch(message, /Signed-off-by|Victim/, message);
      assert.doesNotMatch(repo.git('log', '-1', '--format=%(trailers:key=Signed-off-by)'), /\S/);
    });

    it('names from a note are validated where it is read: blame, explain and report show no injected text', () => {
      const repo = TempRepo.create();
      const tip = commitFile(repo, 'f.txt', 'a\nb\n', `subject ${ESC}`);
      repo.git('notes', '--ref=refs/notes/ai', 'add', '-f', '-m', injectedNote('f.txt', '1-2'), tip);
      const blame = JSON.parse(repo.cli(['blame', 'f.txt', '--json']).stdout) as {
        lines: Array<{ kind: string; agent: string; tool?: string; model?: string }>;
      };
      assert.deepStrictEqual(
        blame.lines.map((l) => [l.kind, l.agent, l.tool, l.model]),
        [
          ['ai', 'unknown', undefined, undefined],
          ['ai', 'unknown', undefined, undefined],
        ],
      );
      const explain = repo.cli(['explain', tip, '--json']);
      assert.doesNotMatch(explain.stdout, /Victim|evil\.example|command:/);
      const report = repo.cli(['report', '--format', 'markdown']);
      assert.doesNotMatch(report.stdout, /Victim|evil\.example|command:/);
    });

    it('blame, explain, verify and pre-push print no terminal escapes from notes and commit messages', () => {
      const { ada } = setup();
      ada.cli(['install']);
      const base = ada.git('rev-parse', 'HEAD');
      ada.write(`p${ESC}.txt`, `content ${ESC}\n`);
      ada.git('add', '-A');
      const tip = ada.commit(`subject ${ESC}\n\nbody ${ESC}`);
      ada.git('notes', '--ref=refs/notes/ai', 'add', '-f', '-m', injectedNote('f.txt', '1'), tip);
      const outputs = {
        blame: ada.cli(['blame', `p${ESC}.txt`]),
        explain: ada.cli(['explain', tip]),
        verify: ada.cli(['verify', '--base', base, '--head', tip, '--branch', 'main']),
        'pre-push': pushMain(ada),
      };
      for (const [what, r] of Object.entries(outputs)) {
        assertNoFatal(r, what);
        assert.doesNotMatch(
          r.stdout + r.stderr,
          /[\u0007\u001b\u009b]/,
          `${what} printed a raw escape: ${JSON.stringify(r.stdout + r.stderr).slice(0, 400)}`,
        );
      }
      assert.match(outputs.explain.stdout, /subject \\u001b\]0;pwned/, 'shown, not obeyed');
    });
  });
  describe('class 7: reading what it should not', () => {
    it("a payload's transcript_path is read only where the agent keeps transcripts, as a regular file, for a valid model", () => {
      const repo = TempRepo.create();
      commitFile(repo, 'a.txt', 'one\n', 'base');
      const home = repo.env.HOME!;
      const line = (model: string) =>
        `${JSON.stringify({ type: 'assistant', message: { model, role: 'assistant' } })}\n`;
      const secret = path.join(home, '.ssh', 'notes.jsonl');
      fs.mkdirSync(path.dirname(secret), { recursive: true });
      fs.writeFileSync(secret, line('leaked-from-ssh'));
      fs.writeFileSync(path.join(repo.dir, 'in-clone.jsonl'), line('leaked-from-clone'));
      const projects = path.join(home, '.claude', 'projects', '-repo');
      fs.mkdirSync(projects, { recursive: true });
      fs.symlinkSync(secret, path.join(projects, 'link.jsonl'));
      fs.writeFileSync(path.join(projects, 'evil.jsonl'), line('m\nSigned-off-by: x'));
      fs.writeFileSync(path.join(projects, 'good.jsonl'), line('claude-sonnet-4-5'));
      const models: Array<string | undefined> = [];
      // Outside the agent's folder (in the clone), a link from it to elsewhere, an invalid name, a good one.
      for (const transcript of [
        path.join(repo.dir, 'in-clone.jsonl'),
        path.join(projects, 'link.jsonl'),
        path.join(projects, 'evil.jsonl'),
        path.join(projects, 'good.jsonl'),
      ]) {
        const payload = (event: string) =>
          JSON.stringify({
            session_id: 's',
            transcript_path: transcript,
            cwd: repo.dir,
            hook_event_name: event,
            tool_name: 'Write',
            tool_input: { file_path: path.join(repo.dir, 'a.txt'), content: 'x' },
          });
        const pre = repo.cli(['checkpoint', '--from', 'claude'], { input: payload('PreToolUse') });
        assert.strictEqual(pre.status, 0, pre.stderr);
        repo.write('a.txt', `one\n${transcript}\n`);
        assert.strictEqual(repo.cli(['checkpoint', '--from', 'claude'], { input: payload('PostToolUse') }).status, 0);
        const stateDir = path.join(repo.dir, '.git', 'countersign', 'ledger', 'files');
        const state = fs
          .readdirSync(stateDir)
          .map((f) => fs.readFileSync(path.join(stateDir, f), 'utf8'))
          .join('');
        models.push(/"model":"([^"]*)"/.exec(state)?.[1]);
        fs.rmSync(stateDir, { recursive: true, force: true });
      }
      assert.deepStrictEqual(models, [undefined, undefined, undefined, 'claude-sonnet-4-5']);
    });

    it('status does not hang on an untracked symlink to /dev/zero, and reads no file through a symlink', () => {
      const repo = TempRepo.create();
      commitFile(repo, 'a.txt', 'one\n', 'base');
      fs.symlinkSync('/dev/zero', path.join(repo.dir, 'zero'));
      fs.symlinkSync(path.join(repo.env.HOME!, '.gitconfig'), path.join(repo.dir, 'outside'));
      repo.write('b.txt', 'two\nlines\n');
      const r = repo.cli(['status', '--json']); // killed after SYNC_TIMEOUT_MS if it hangs (status -1)
      assert.strictEqual(r.status, 0, `status: ${r.status} ${r.stderr}`);
      const files = (JSON.parse(r.stdout) as { files: Record<string, { untracked: number }> }).files;
      assert.deepStrictEqual(Object.keys(files).sort(), ['b.txt']);
    });

    it('a committed agent settings file linked to /dev/zero slows neither status nor a commit (outside tester G4)', () => {
      const repo = TempRepo.create();
      commitFile(repo, 'a.txt', 'one\n', 'base');
      fs.mkdirSync(path.join(repo.dir, '.claude'));
      fs.symlinkSync('/dev/zero', path.join(repo.dir, '.claude', 'settings.json'));
      fs.mkdirSync(path.join(repo.dir, '.github', 'hooks'), { recursive: true });
      fs.symlinkSync('/dev/zero', path.join(repo.dir, '.github', 'hooks', 'countersign.json'));
      repo.git('add', '.');
      repo.commit('a clone whose agent settings never end');
      assert.strictEqual(repo.cli(['install']).status, 0);
      // Each read of /dev/zero would spin until the hook's timeout (or memory) runs out: bound both runs.
      const bounded = { timeout: 20_000, encoding: 'utf8' as const, env: repo.env, cwd: repo.dir };
      const status = spawnSync(process.execPath, [CLI, 'status', '--json'], bounded);
      assert.strictEqual(status.status, 0, `status: ${status.status} ${status.signal} ${status.stderr}`);
      repo.write('a.txt', 'one\ntwo\n');
      repo.git('add', 'a.txt');
      const commit = spawnSync('git', ['commit', '-q', '-m', 'work'], bounded);
      assert.strictEqual(commit.status, 0, `commit: ${commit.status} ${commit.signal} ${commit.stderr}`);
      assert.match(repo.git('log', '-1', '--format=%B'), /^AI-Provenance: v1 /m, 'the commit is attested');
    });
  });
});
