import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { cloneAs, recordDecision } from './approvals';
import { verifyThenPush, withoutGate } from './gateAgreement';
import { tempDir } from './tempDirs';
import { TempRepo } from './tempRepo';
import { makeKey, type TestKey } from './reviewerKeys';

/** A real bare server with `countersign install --server` and a clone pushing to it, for the gate's end-to-end tests. */
export interface Setup {
  server: TempRepo;
  ada: TempRepo;
  bob: TestKey;
  carol: TestKey;
  mallory: TestKey;
}

export function policyJson(bob: TestKey, carol: TestKey, extra: Record<string, unknown> = {}): string {
  return (
    JSON.stringify(
      {
        protectedBranches: ['main', 'release/*'],
        reviewers: [
          { name: 'Bob Reviewer', email: 'bob@example.com', key: bob.publicKey },
          { name: 'Carol Ops', email: 'carol@example.com', key: carol.publicKey, role: 'sre' },
        ],
        ...extra,
      },
      null,
      2,
    ) + '\n'
  );
}

/**
 * A server with the hook, and Ada's clone whose main (with the policy) is already on the server. Each call gets
 * its own copies: the first call for a policy text builds the pair for real (`install --server`, then the
 * bootstrap push through the installed hook), later calls copy those folders (an installed server names its
 * hook's CLI relative to itself, so a copy is the same server) and point the clone at its copy. That skips a
 * CLI run and a gated push per test (the unit suite calls this about 90 times).
 */
export function setup(policy?: string): Setup {
  const bob = makeKey('bob');
  const carol = makeKey('carol');
  const mallory = makeKey('mallory');
  const text = policy ?? policyJson(bob, carol);
  let pristine = pristines.get(text);
  if (!pristine) {
    pristine = bootstrap(text);
    pristines.set(text, pristine);
  }
  return { ...copyPair(pristine), bob, carol, mallory };
}

/**
 * Folders of a freshly set-up server and clone per policy text, copied by setup(); never handed to a test.
 * Kept per process on globalThis, not per module: the unit suite is bundled one test file at a time, so a
 * module-level map made every test file of a mocha worker bootstrap its own server (a CLI run, a gated push and
 * the reviewers' ssh-keygen runs: about 0.35 s of CPU each, some 60 times a run). The folders live in the
 * worker's temp root, which outlives every file it runs; the CLI they were installed with is the run's.
 */
type Pristine = { server: string; ada: string };
const shared = globalThis as { __countersignGatePristines?: Map<string, Pristine> };
const pristines = (shared.__countersignGatePristines ??= new Map<string, Pristine>());

/**
 * A setup() taken further by `build` (pushes, approvals, landed history), built once per `key` and process and
 * copied per call, as setup() copies its server: for tests of one file that start with the same costly steps and
 * then part ways. The first call runs `build` and hands the test its own result; each later call gets copies of
 * the server's and Ada's folders in that state (the same commits, notes and statements: the ids `build` returned
 * hold in every copy) with what `build` returned besides the Setup. Only the server and Ada's clone are copied:
 * a build that makes other clones must not hand them back. Keys are shared by every test file a process runs:
 * begin them with the file's name.
 */
export function snapshotSetup<T extends object>(key: string, build: () => Setup & T): Setup & T {
  const have = snapshots.get(key) as Snapshot<T> | undefined;
  if (!have) {
    const built = build();
    const keep = tempDir('cs-snap-');
    fs.cpSync(built.server.dir, path.join(keep, 'server.git'), { recursive: true });
    fs.cpSync(built.ada.dir, path.join(keep, 'ada'), { recursive: true });
    const { server: _server, ada: _ada, bob: _bob, carol: _carol, mallory: _mallory, ...rest } = built;
    snapshots.set(key, { server: path.join(keep, 'server.git'), ada: path.join(keep, 'ada'), rest });
    return built;
  }
  const keys = { bob: makeKey('bob'), carol: makeKey('carol'), mallory: makeKey('mallory') };
  return { ...copyPair(have), ...keys, ...have.rest } as Setup & T;
}

type Snapshot<T> = Pristine & { rest: Omit<T, keyof Setup> };
const snapshotShared = globalThis as { __countersignGateSnapshots?: Map<string, Snapshot<object>> };
const snapshots = (snapshotShared.__countersignGateSnapshots ??= new Map<string, Snapshot<object>>());

/** Copies of a kept server and clone in a new folder, the clone's origin pointed at its server's copy. */
function copyPair(from: Pristine): { server: TempRepo; ada: TempRepo } {
  const parent = tempDir('cs-gate-');
  fs.cpSync(from.server, path.join(parent, 'server.git'), { recursive: true });
  fs.cpSync(from.ada, path.join(parent, 'ada'), { recursive: true });
  const server = TempRepo.at(path.join(parent, 'server.git'));
  const ada = TempRepo.at(path.join(parent, 'ada'));
  ada.git('remote', 'set-url', 'origin', server.dir);
  // The copied index holds the original files' inodes and times: refresh it, as a fresh clone's would be.
  ada.git('update-index', '-q', '--refresh');
  return { server, ada };
}

/** An empty bare server with `countersign install --server` (no policy yet: its first push is unjudged), and a new clone, Ada's, whose origin it is. */
export function installedServer(): { server: TempRepo; ada: TempRepo } {
  const server = TempRepo.create({ bare: true });
  const inst = server.cli(['install', '--server']);
  assert.strictEqual(inst.status, 0, inst.stderr);
  const ada = TempRepo.create();
  ada.git('remote', 'add', 'origin', server.dir);
  return { server, ada };
}

function bootstrap(policy: string): { server: string; ada: string } {
  const { server, ada } = installedServer();
  ada.write('.countersign.json', policy);
  ada.write('README.md', 'hello\n');
  ada.git('add', '.');
  ada.commit('Add policy', '-m', 'AI-Provenance: v1 ai=0 human=2 untracked=0');
  const first = ada.gitResult(['push', '-q', 'origin', 'main']);
  assert.strictEqual(first.status, 0, `bootstrapping the policy onto an unprotected server: ${first.stderr}`);
  return { server: server.dir, ada: ada.dir };
}

/**
 * The server without git's own object checks (`receive.fsckObjects`, which install --server turns on: attack26 11),
 * for the tests of what the gate itself refuses in objects fsck also refuses — as it must where no fsck runs (a CI
 * `verify` of a clone). Returns the server.
 */
export function withoutFsck(server: TempRepo): TempRepo {
  server.git('config', 'receive.fsckObjects', 'false');
  return server;
}

/**
 * A `git clone file://…` of the server as `name` would make it. With `install`, Countersign's hooks and notes
 * refspecs (a reader's clone); without, an attacker's, whose commits carry the trailers they choose (`verify`
 * fetches the approvals itself).
 */
export function fileClone(s: Pick<Setup, 'server'>, name: string, email: string, install = true): TempRepo {
  const dir = path.join(tempDir('cs-clone-'), name.toLowerCase());
  execFileSync('git', ['clone', '-q', `file://${s.server.dir}`, dir], {
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' },
    stdio: 'pipe',
  });
  const r = TempRepo.at(dir);
  r.git('config', 'user.name', name);
  r.git('config', 'user.email', email);
  if (install) {
    assert.strictEqual(r.cli(['install']).status, 0);
    r.git('fetch', '-q', 'origin');
  }
  return r;
}

export function commitFile(repo: TempRepo, file: string, content: string, message: string): string {
  repo.write(file, content);
  repo.git('add', '--', file);
  return repo.commit(message);
}

export function pushMain(repo: TempRepo, ...extra: string[]) {
  return repo.gitResult(['push', 'origin', 'main', ...extra]);
}

/**
 * Pre-rollout history on main: an AI file nobody approved (60 lines, pushed with the gate off), then a human
 * commit that removes it (pushed through the gate). Returns the commit before the removal, for the attacks
 * that try to bring the lines back.
 */
export function pushRemovedLegacy(s: Setup): string {
  const { ada, server } = s;
  const lines = Array.from({ length: 60 }, (_, i) => `def legacy(): return eval(input())  # ${i}`).join('\n') + '\n';
  commitFile(ada, 'legacy.py', lines, 'agent code\n\nAI-Provenance: v1 ai=60 human=0 untracked=0');
  commitFile(ada, 'DOCS.md', 'docs\n', 'docs\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
  const old = ada.git('rev-parse', 'HEAD');
  withoutGate(server, () => assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'main']).status, 0));
  ada.git('rm', '-q', 'legacy.py');
  ada.commit('remove unreviewed agent code', '-m', 'AI-Provenance: v1 ai=0 human=0 untracked=0');
  assert.strictEqual(verifyThenPush(ada, 'main', ['origin', 'main']).status, 0);
  return old;
}

/**
 * Bob's approval of a one-commit branch `feature`, pushed to the server with its note, and Mallory's clone of
 * the server: the start of every attack that copies a real statement line (`line`, the note on `tip`).
 */
export function approvedFeature(s: Setup): { mallory: TempRepo; tip: string; line: string } {
  const base = s.ada.git('rev-parse', 'origin/main');
  const tip = commitFile(s.ada, 'x.ts', 'x\n', 'x');
  assert.strictEqual(s.ada.gitResult(['push', '-q', '--no-verify', 'origin', 'HEAD:refs/heads/feature']).status, 0);
  recordDecision(s.ada, s.bob, { email: 'bob@example.com', tip, base });
  assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
  const line = s.ada.git('notes', '--ref=refs/notes/countersign', 'show', tip);
  return { mallory: cloneAs(s.server.dir, 'Mallory', 'mallory@example.com'), tip, line };
}

/** Trailers of a five-line agent commit and of a one-line human commit, as the hooks would stamp them. */
export const AI_FIVE = 'AI-Provenance: v1 ai=5 human=0 untracked=0';
export const HUMAN_ONE = 'AI-Provenance: v1 ai=0 human=1 untracked=0';

/** What `ref` names on the server (empty when it does not exist). */
export function serverRef(s: Setup, ref: string): string {
  return s.server.gitResult(['rev-parse', '-q', '--verify', ref]).stdout.trim();
}

/** A commit adding `file`, five lines written by an agent: it needs a review on a protected branch. */
export function aiCommit(repo: TempRepo, file: string): string {
  const content = Array.from({ length: 5 }, (_, i) => `ai ${i}`).join('\n') + '\n';
  return commitFile(repo, file, content, `ai ${file}\n\n${AI_FIVE}`);
}

/**
 * The start of the attacks on refs that must land together: a policy change on Ada's main that protects
 * release/*, approved by Bob and Carol in good faith (it only tightens), while release/x on the server holds
 * unreviewed AI code; `beforeChange` runs on Ada's clone after release/x is pushed. Main's push is refused.
 */
export function policyChangeOverUnreviewedRelease(beforeChange?: (ada: TempRepo) => void): {
  s: Setup;
  m: string;
  tip: string;
  control: ReturnType<typeof pushMain>;
} {
  const s = setup(policyJson(makeKey('bob'), makeKey('carol'), { protectedBranches: ['main'] }));
  const { ada } = s;
  ada.git('checkout', '-q', '-b', 'release/x');
  aiCommit(ada, 'evil.py');
  assert.strictEqual(ada.gitResult(['push', '-q', '--no-verify', 'origin', 'release/x']).status, 0);
  beforeChange?.(ada);
  ada.git('checkout', '-q', 'main');
  const m = serverRef(s, 'refs/heads/main');
  const policy = JSON.parse(ada.read('.countersign.json')) as { protectedBranches: string[] };
  policy.protectedBranches.push('release/*');
  const tip = commitFile(ada, '.countersign.json', JSON.stringify(policy, null, 2) + '\n', `protect\n\n${HUMAN_ONE}`);
  recordDecision(ada, s.bob, { email: 'bob@example.com', tip, base: m });
  recordDecision(ada, s.carol, { email: 'carol@example.com', tip, base: m });
  assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
  const control = pushMain(ada, '--no-verify');
  assert.notStrictEqual(control.status, 0, 'control: release/x holds unreviewed AI code');
  return { s, m, tip, control };
}
