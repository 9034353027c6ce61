import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as path from 'path';
import { APP_AFTER, APP_BEFORE, fixture } from '../helpers/agentFixtures';
import { TempRepo } from '../helpers/tempRepo';

type Settings = { hooks?: Record<string, Array<{ hooks: Array<{ command: string }> }>> };

function commands(text: string, event: string): string[] {
  return ((JSON.parse(text) as Settings).hooks?.[event] ?? []).flatMap((g) => g.hooks.map((h) => h.command));
}

/**
 * Agents' hook files name one clone's paths (the CLI copy and `--repo`, issue 16 class 4). A team shares
 * some of those files through git: two clones of one repository, Ada's and Bo's, show what each sees.
 */
describe("agents' hooks in a repository two clones share", function () {
  this.timeout(180_000);
  let remote: TempRepo;
  let ada: TempRepo;
  let bo: TempRepo;

  before(() => {
    remote = TempRepo.create({ bare: true });
    ada = TempRepo.create();
    ada.write('src/app.ts', APP_BEFORE);
    // A team settings file that is committed anyway (Gemini CLI has no personal project file).
    ada.write('.gemini/settings.json', '{"theme": "dark"}\n');
    // Claude Code hooks an older Countersign wrote into the shared file, pinned to Ada's clone.
    ada.git('add', '.');
    ada.commit('app');
    ada.git('remote', 'add', 'origin', remote.dir);
    assert.strictEqual(ada.cli(['install']).status, 0);
    assert.strictEqual(ada.cli(['agents', 'connect', 'claude']).status, 0, 'the old, project placement');
    const local = ada.cli(['agents', 'connect', '--local']);
    assert.strictEqual(local.status, 0, local.stderr);
    assert.match(local.stdout, /removed +\.claude\/settings\.json/);
    assert.match(local.stdout, /created +\.claude\/settings\.local\.json .*kept out of commits/);
    assert.match(local.stderr, /\.gemini\/settings\.json is committed, and now names this clone's paths/);
    ada.git('add', '-A');
    ada.commit('Connect agents');
    ada.git('push', '-q', 'origin', 'main');
    const committed = ada.git('ls-files');
    assert.doesNotMatch(
      committed,
      /settings\.local\.json|\.github\/hooks\/countersign\.json|\.kiro\/hooks|\.codex\/hooks\.json|\.cursor\/hooks\.json/,
      "files naming Ada's paths stay out of commits",
    );
    assert.match(committed, /\.claude\/settings\.json/, "the shared Claude file, without Countersign's entries");
    assert.doesNotMatch(ada.read('.claude/settings.json'), /countersign/);
    assert.match(
      ada.git('show', 'HEAD:.gemini/settings.json'),
      /checkpoint --from gemini/,
      "the committed Gemini file names Ada's clone",
    );

    bo = TempRepo.create();
    bo.git('remote', 'add', 'origin', remote.dir);
    bo.git('fetch', '-q', 'origin');
    bo.git('checkout', '-q', '-B', 'main', 'origin/main');
    assert.strictEqual(bo.cli(['install']).status, 0);
  });

  it('Ada\'s own clone reads as connected; Bo\'s says "pinned to another clone", not "changed", and names the fix', () => {
    assert.doesNotMatch(ada.cli(['status']).stdout, /warning/);
    const status = bo.cli(['status']);
    assert.match(
      status.stdout,
      new RegExp(
        `warning: Gemini CLI's Countersign hooks are pinned to another clone or machine: \\.gemini/settings\\.json names the CLI copy and work tree of another clone or machine \\(${ada.dir.replace(/[.]/g, '\\.')}\\)\\. Its edits here are recorded as untracked until you run \`countersign agents connect gemini\``,
      ),
    );
    assert.doesNotMatch(
      status.stdout,
      /hooks were changed|Claude Code/,
      "Claude Code was never connected in Bo's clone: nothing of Ada's reached it",
    );
    const doctor = JSON.parse(bo.cli(['doctor', '--json']).stdout) as {
      checks: Array<{ check: string; status: string; message: string; fix?: string }>;
    };
    const gemini = doctor.checks.find((c) => c.check === 'agents' && /Gemini/.test(c.message));
    assert.strictEqual(gemini?.status, 'fix');
    assert.strictEqual(gemini?.fix, 'run `countersign agents connect gemini`');
  });

  it("a shared Claude file still pinned to Ada is moved to Bo's settings.local.json by connect --local, and Bo's hooks record in Bo's clone", () => {
    // Ada's clone as an older Countersign left it: hooks in the committed .claude/settings.json.
    const legacy = TempRepo.create();
    legacy.write('.claude/settings.json', ada.read('.claude/settings.json'));
    legacy.git('add', '.');
    legacy.commit('settings');
    assert.strictEqual(legacy.cli(['agents', 'connect', 'claude']).status, 0);
    bo.write('.claude/settings.json', legacy.read('.claude/settings.json'));
    const before = bo.cli(['status']);
    assert.match(
      before.stdout,
      /Claude Code's Countersign hooks are pinned to another clone or machine: \.claude\/settings\.json names .*`countersign agents connect --local claude`.*settings\.local\.json, which is not committed/,
    );

    const r = bo.cli(['agents', 'connect', '--local', 'claude']);
    assert.strictEqual(r.status, 0, r.stderr);
    assert.doesNotMatch(
      bo.read('.claude/settings.json'),
      /countersign/,
      "the other clone's entries are gone from the shared file",
    );
    assert.strictEqual(
      bo.gitResult(['check-ignore', '-q', '.claude/settings.local.json']).status,
      0,
      'ignored through .git/info/exclude',
    );
    assert.doesNotMatch(bo.cli(['status']).stdout, /warning: Claude/);

    const local = bo.read('.claude/settings.local.json');
    const env = { ...bo.env, PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin` };
    const run = (cmd: string, payload: string) =>
      spawnSync('sh', ['-c', cmd], { cwd: bo.dir, input: payload, encoding: 'utf8', env });
    assert.strictEqual(run(commands(local, 'PreToolUse')[0], fixture('claude-edit-pre', bo.dir)).status, 0);
    bo.write('src/app.ts', APP_AFTER);
    assert.strictEqual(run(commands(local, 'PostToolUse')[0], fixture('claude-edit-post', bo.dir)).status, 0);
    const files = (JSON.parse(bo.cli(['status', '--json']).stdout) as { files: Record<string, { agents: string[] }> })
      .files;
    assert.deepStrictEqual(files['src/app.ts'].agents, ['claude-code']);
  });
});
