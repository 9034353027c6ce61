import * as assert from 'assert';
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

/** A server with the hook, and Ada's clone whose main (with the policy) is already on the server. */
export function setup(policy?: string): Setup {
  const bob = makeKey('bob');
  const carol = makeKey('carol');
  const mallory = makeKey('mallory');
  const server = TempRepo.create({ bare: true });
  const inst = server.cli(['install', '--server']);
  assert.strictEqual(inst.status, 0, inst.stderr);
  const ada = TempRepo.create();
  ada.git('remote', 'add', 'origin', server.dir);
  ada.write('.countersign.json', policy ?? policyJson(bob, carol));
  ada.write('README.md', 'hello\n');
  ada.git('add', '.');
  ada.commit('Add policy', '-m', 'AI-Provenance: v1 ai=0 human=2 untracked=0');
  const first = ada.gitResult(['push', '-q', 'origin', 'main']);
  assert.strictEqual(first.status, 0, `bootstrapping the policy onto an unprotected server: ${first.stderr}`);
  return { server, ada, bob, carol, mallory };
}

export function commitFile(repo: TempRepo, file: string, content: string, message: string): string {
  repo.write(file, content);
  repo.git('add', '--', file);
  return repo.commit(message);
}

export function pushMain(repo: TempRepo, ...extra: string[]) {
  return repo.gitResult(['push', 'origin', 'main', ...extra]);
}
