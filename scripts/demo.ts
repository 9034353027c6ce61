/**
 * `npm run demo` — the main job: a sandbox repository in a temporary folder, walked through the whole
 * Countersign flow with the real git binary and the built CLI, printing what a person would see.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { shArg } from '../src/core/shellQuote';
import { claudePayload, writeDemoTranscript } from './demoClaude';
import { DEMO_REVIEWERS, demoPolicyArgs } from './demoPolicy';

const CLI = path.resolve(process.env.COUNTERSIGN_OUT ?? 'dist', 'cli.js');
const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const dim = (s: string) => (process.stdout.isTTY ? `\x1b[2m${s}\x1b[0m` : s);

let stepNo = 0;
function step(title: string): void {
  stepNo++;
  console.log(`\n${bold(`${stepNo}. ${title}`)}`);
}

function show(cmd: string, out: string): void {
  console.log(dim(`$ ${cmd}`));
  if (out.trim())
    console.log(
      out
        .replace(/\n$/, '')
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n'),
    );
}

class Sandbox {
  constructor(
    readonly dir: string,
    readonly env: NodeJS.ProcessEnv,
  ) {}

  git(args: string[], opts: { show?: boolean } = {}): string {
    const out = execFileSync('git', args, {
      cwd: this.dir,
      env: this.env,
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    if (opts.show) show(`git ${args.map(shArg).join(' ')}`, out);
    return out;
  }

  countersign(
    args: string[],
    opts: { input?: string; expect?: number[]; env?: NodeJS.ProcessEnv } = {},
  ): { status: number; out: string } {
    const r = spawnSync(process.execPath, [CLI, ...args], {
      cwd: this.dir,
      env: { ...this.env, ...opts.env },
      encoding: 'utf8',
      input: opts.input ?? '',
    });
    const out = (r.stdout ?? '') + (r.stderr ?? '');
    // Quoted as a shell needs them, so every printed command can be pasted.
    show(`countersign ${args.map(shArg).join(' ')}`, out);
    const expect = opts.expect ?? [0];
    if (!expect.includes(r.status ?? -1))
      throw new Error(`countersign ${args[0]} exited ${r.status}, expected ${expect.join(' or ')}`);
    return { status: r.status ?? -1, out };
  }

  write(file: string, content: string): void {
    fs.mkdirSync(path.dirname(path.join(this.dir, file)), { recursive: true });
    fs.writeFileSync(path.join(this.dir, file), content);
  }
}

function person(root: string, name: string, email: string): NodeJS.ProcessEnv {
  const home = path.join(root, 'home');
  return {
    ...process.env,
    HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    XDG_CONFIG_HOME: path.join(home, '.config'),
    GIT_AUTHOR_NAME: name,
    GIT_AUTHOR_EMAIL: email,
    GIT_COMMITTER_NAME: name,
    GIT_COMMITTER_EMAIL: email,
    COUNTERSIGN_SKIP: '',
  };
}

function clone(root: string, remote: string, who: string, name: string, email: string): Sandbox {
  const box = new Sandbox(path.join(root, who), person(root, name, email));
  execFileSync('git', ['clone', '-q', remote, box.dir], { env: box.env, stdio: 'pipe' });
  box.git(['config', 'user.name', name]);
  box.git(['config', 'user.email', email]);
  return box;
}

function main(): void {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  // Checked before anything is written: the reviewers' keys and signatures are made by OpenSSH's ssh-keygen.
  if (spawnSync('ssh-keygen', ['-V'], { stdio: 'ignore' }).error) {
    throw new Error(
      "the demo signs approvals with ssh-keygen, which is not installed: install OpenSSH's client (Debian/Ubuntu: `sudo apt-get install openssh-client`) and run `npm run demo` again",
    );
  }
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'countersign-demo-')));
  fs.mkdirSync(path.join(root, 'home'));
  console.log(
    bold('Countersign demo') + ` — a sandbox in ${root}: a server, a developer (Dana) and three reviewers (Bo, Cy, Ed)`,
  );

  step("The team's server: a bare repository with the server-side gate (pre-receive)");
  const server = new Sandbox(path.join(root, 'server.git'), person(root, 'Server', 'server@example.com'));
  fs.mkdirSync(server.dir);
  server.git(['init', '-q', '--bare', '-b', 'main']);
  server.countersign(['install', '--server']);

  step("Dana installs Countersign in her clone and connects Claude Code's hooks");
  const dana = clone(root, server.dir, 'dana', 'Dana Developer', 'dana@example.com');
  dana.countersign(['install']);
  // --local: Claude Code's personal settings file, kept out of the commit (each clone pins its own hooks).
  dana.countersign(['agents', 'connect', 'claude', '--local']);

  step('The policy: main is protected; Bo, Cy (SRE) and Ed review');
  const keys = path.join(root, 'keys');
  fs.mkdirSync(keys);
  for (const { who } of DEMO_REVIEWERS) {
    execFileSync('ssh-keygen', [
      '-q',
      '-t',
      'ed25519',
      '-N',
      '',
      '-C',
      `${who}@example.com`,
      '-f',
      path.join(keys, who),
    ]);
  }
  // Three reviewers: the infrastructure tier needs two approvals, and nobody approves their own change.
  dana.countersign(demoPolicyArgs(keys));
  dana.countersign(['policy', 'check']);
  dana.write('src/refund.py', 'def refund(order):\n    return order.total\n');
  dana.git(['add', '.countersign.json', '.claude', 'src/refund.py']);
  dana.git(['commit', '-q', '-m', 'Add the refund service and the Countersign policy']);
  dana.git(['push', '-q', 'origin', 'main']);
  console.log('  (the first policy lands: before it there was nothing to protect)');

  step('Claude Code edits two files; its hooks record before/after checkpoints');
  // Claude Code's hook payload names no model; its session transcript, kept in Claude's own folder, does.
  const transcript = writeDemoTranscript(dana.env.HOME as string, dana.dir, 'claude-sonnet-4-5');
  const edits: Array<[string, string]> = [
    ['src/refund.py', 'def refund(order):\n    if not order.paid:\n        return 0\n    return order.total\n'],
    [
      'infra/database.tf',
      'resource "aws_db_instance" "payments" {\n  identifier = "payments-prod"\n  deletion_protection = true\n}\n',
    ],
  ];
  for (const [file, content] of edits) {
    dana.countersign(['checkpoint', '--from', 'claude'], {
      input: claudePayload(dana.dir, transcript, 'PreToolUse', file, content),
    });
    dana.write(file, content);
    dana.countersign(['checkpoint', '--from', 'claude'], {
      input: claudePayload(dana.dir, transcript, 'PostToolUse', file, content),
    });
  }
  dana.countersign(['status']);

  step('Dana commits as usual: trailers and a line-level note are added');
  dana.git(['add', '-A']);
  dana.git(['commit', '-q', '-m', 'Refund only paid orders; keep the payments database']);
  dana.git(['log', '-1', '--format=%B'], { show: true });
  dana.git(['notes', '--ref=ai', 'show', 'HEAD'], { show: true });

  step('Pushing to main is blocked until two reviewers sign off (infrastructure tier)');
  const blocked = spawnSync('git', ['push', 'origin', 'main'], { cwd: dana.dir, env: dana.env, encoding: 'utf8' });
  show('git push origin main', blocked.stderr);
  if (blocked.status === 0) throw new Error('the push should have been blocked');
  const bypass = spawnSync('git', ['push', '--no-verify', 'origin', 'main'], {
    cwd: dana.dir,
    env: dana.env,
    encoding: 'utf8',
  });
  show(
    'git push --no-verify origin main   # skipping the local hook does not help: the server enforces',
    bypass.stderr,
  );
  if (bypass.status === 0) throw new Error('the server should have refused the push');
  // The review branch the refusal itself suggests (`git push origin main:review/main-<head>`), not a name of ours.
  const review = /git push origin main:(review\/[\w.-]+)/.exec(blocked.stderr)?.[1];
  if (!review) throw new Error(`the refusal should suggest a review branch:\n${blocked.stderr}`);
  dana.git(['push', '-q', 'origin', `main:refs/heads/${review}`]);
  console.log(`  Dana runs the push it suggests (${review}) and asks Bo and Cy to review it.`);

  step('Bo and Cy review in their own clones and sign with their SSH keys');
  for (const [who, name] of [
    ['bo', 'Bo Reviewer'],
    ['cy', 'Cy Oncall'],
  ]) {
    const reviewer = clone(root, server.dir, who, name, `${who}@example.com`);
    reviewer.git(['config', 'user.signingkey', path.join(keys, who)]);
    reviewer.countersign([
      'approve',
      `origin/${review}`,
      '--comment',
      `${name.split(' ')[0]}: refund logic and DB protection look right`,
    ]);
  }

  step('Dana pushes again: the approvals are fetched and the gate passes');
  dana.countersign(['verify', '--branch', 'main'], { expect: [0, 1] });
  const pushed = spawnSync('git', ['push', 'origin', 'main'], { cwd: dana.dir, env: dana.env, encoding: 'utf8' });
  show('git push origin main', pushed.stderr);
  if (pushed.status !== 0) throw new Error('the approved push should have gone through');

  step('Downstream: explain a commit during an incident, and report AI share and review coverage');
  dana.countersign(['explain', 'HEAD']);
  dana.countersign(['report']);

  console.log(`\n${bold('Done.')} The sandbox stays in ${root} for you to explore.`);
}

try {
  main();
} catch (e) {
  console.error(`demo failed: ${(e as Error).message}`);
  process.exitCode = 1;
}
