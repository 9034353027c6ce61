import * as assert from 'assert';
import { repoWithApp } from '../helpers/agentFixtures';

// Connecting an agent in the other place (shared settings file vs local one) moves Countersign's hooks: the line
// for the file they leave must say where they went (a new user saw "they are in the agent's local settings file
// now" while they had just moved into the shared, committable file).
describe('agents connect: moving hooks between the shared and the local settings file', () => {
  it('says the hooks moved to the shared file when connected without --local after --local', () => {
    const repo = repoWithApp();
    assert.strictEqual(repo.cli(['agents', 'connect', '--local', 'claude']).status, 0);
    const r = repo.cli(['agents', 'connect', 'claude']);
    assert.strictEqual(r.status, 0, r.stderr);
    const removed = r.stdout.split('\n').find((l) => l.startsWith('removed'));
    assert.ok(removed !== undefined && removed.includes('.claude/settings.local.json'), r.stdout);
    assert.match(removed, /shared settings file \(\.claude\/settings\.json\)/);
    assert.doesNotMatch(removed, /local settings file now/);
  });

  it('says the hooks moved to the local file when connected with --local after a shared connect', () => {
    const repo = repoWithApp();
    assert.strictEqual(repo.cli(['agents', 'connect', 'claude']).status, 0);
    const r = repo.cli(['agents', 'connect', '--local', 'claude']);
    assert.strictEqual(r.status, 0, r.stderr);
    const removed = r.stdout.split('\n').find((l) => l.startsWith('removed'));
    assert.ok(removed !== undefined && removed.includes('.claude/settings.json'), r.stdout);
    assert.match(removed, /local settings file \(\.claude\/settings\.local\.json\)/);
  });
});
