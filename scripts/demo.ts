/**
 * `npm run demo` — the main job: a sandbox repository in a temporary folder, walked through the whole
 * Countersign flow with the real git binary and the built CLI, printing what a person would see.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

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
  if (out.trim()) console.log(out.replace(/\n$/, '').split('\n').map((l) => `  ${l}`).join('\n'));
}

class Sandbox {
  constructor(readonly dir: string, readonly env: NodeJS.ProcessEnv) {}

  git(args: string[], opts: { show?: boolean } = {}): string {
    const out = execFileSync('git', args, { cwd: this.dir, env: this.env, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
    if (opts.show) show(`git ${args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}`, out);
    return out;
  }

  countersign(args: string[], opts: { input?: string; expect?: number[]; env?: NodeJS.ProcessEnv } = {}): { status: number; out: string } {
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd: this.dir, env: { ...this.env, ...opts.env }, encoding: 'utf8', input: opts.input ?? '' });
    const out = (r.stdout ?? '') + (r.stderr ?? '');
    show(`countersign ${args.join(' ')}`, out);
    const expect = opts.expect ?? [0];
    if (!expect.includes(r.status ?? -1)) throw new Error(`countersign ${args[0]} exited ${r.status}, expected ${expect.join(' or ')}`);
    return { status: r.status ?? -1, out };
  }

  write(file: string, content: string): void {
    fs.mkdirSync(path.dirname(path.join(this.dir, file)), { recursive: true });
    fs.writeFileSync(path.join(this.dir, file), content);
  }
}

function main(): void {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'countersign-demo-')));
  const home = path.join(root, 'home');
  fs.mkdirSync(home);
  const env: NodeJS.ProcessEnv = {
    ...process.env, HOME: home, GIT_CONFIG_NOSYSTEM: '1', XDG_CONFIG_HOME: path.join(home, '.config'),
    GIT_AUTHOR_NAME: 'Dana Developer', GIT_AUTHOR_EMAIL: 'dana@example.com',
    GIT_COMMITTER_NAME: 'Dana Developer', GIT_COMMITTER_EMAIL: 'dana@example.com',
  };
  const dev = new Sandbox(path.join(root, 'dana'), env);
  fs.mkdirSync(dev.dir);
  console.log(bold('Countersign demo') + ` — sandbox in ${root}`);

  step('A developer\'s repository gets the Countersign hooks');
  dev.git(['init', '-q', '-b', 'main']);
  dev.git(['config', 'user.name', 'Dana Developer']);
  dev.git(['config', 'user.email', 'dana@example.com']);
  dev.countersign(['install']);

  step('A human-written commit carries an AI-Provenance trailer');
  dev.write('README.md', '# Payments service\n\nHandles refunds.\n');
  dev.git(['add', 'README.md']);
  dev.git(['commit', '-q', '-m', 'Add README']);
  dev.git(['log', '-1', '--format=%B'], { show: true });
  dev.git(['log', '-1', '--format=%(trailers:key=AI-Provenance,valueonly)'], { show: true });

  step('An agent writes code; the commit carries Assisted-by, AI-Provenance and a git-ai note');
  const agent = ['--agent', 'claude-code', '--model', 'claude-sonnet-4-5', '--session', 'demo-conversation', 'src/refund.ts'];
  dev.countersign(['checkpoint', '--phase', 'before', ...agent]);
  dev.write('src/refund.ts', 'export function refund(cents: number): number {\n  if (cents <= 0) throw new Error("nothing to refund");\n  return cents;\n}\n');
  dev.countersign(['checkpoint', '--phase', 'after', ...agent]);
  dev.git(['add', 'src/refund.ts']);
  dev.git(['commit', '-q', '-m', 'Add refund helper']);
  dev.git(['log', '-1', '--format=%B'], { show: true });
  dev.git(['notes', '--ref=refs/notes/ai', 'show', 'HEAD'], { show: true });

  console.log(`\n${bold('Done.')} The sandbox stays in ${root} for you to explore.`);
}

try {
  main();
} catch (e) {
  console.error(`demo failed: ${(e as Error).message}`);
  process.exitCode = 1;
}
