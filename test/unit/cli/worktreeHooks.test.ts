import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { TempRepo } from '../helpers/tempRepo';
import { tempDir } from '../helpers/tempDirs';

/**
 * newuser20 F12: agents.json lives in the common git dir, `.claude/settings.local.json` in each work tree. In a new
 * linked worktree (real `git worktree add`) Claude's hooks were never connected: every command said they "were
 * removed" and each commit's note recorded "removed", which `explain` then read as Claude running without hooks.
 */
describe('agents connected with --local, seen from a new linked worktree (newuser20 F12)', function () {
  this.timeout(120_000);

  it('says "not connected in this worktree" with the fix, records notInWorktree (not removed), and connect there mends it', () => {
    const repo = TempRepo.create();
    fs.mkdirSync(path.join(repo.env.HOME!, '.claude'), { recursive: true });
    repo.git('commit', '-q', '--allow-empty', '-m', 'root');
    assert.strictEqual(repo.cli(['install']).status, 0);
    const connect = repo.cli(['agents', 'connect', 'claude', '--local']);
    assert.strictEqual(connect.status, 0, connect.stderr);
    assert.match(
      connect.stdout,
      /personal settings are per worktree: run `countersign agents connect --local` in each/,
    );
    assert.match(repo.cli(['doctor']).stdout, /Claude Code: hooks connected/);

    const wtDir = path.join(tempDir('cs-wt-'), 'wt');
    repo.git('worktree', 'add', '-q', '-b', 'wt', wtDir);
    const wt = TempRepo.at(wtDir, repo.env);

    const doctor = wt.cli(['doctor']);
    assert.strictEqual(doctor.status, 1, doctor.stdout);
    assert.doesNotMatch(doctor.stdout, /were removed/);
    assert.match(doctor.stdout, /Claude Code's Countersign hooks are not connected in this worktree/);
    assert.match(doctor.stdout, /run `countersign agents connect --local claude` in this worktree/);
    const status = wt.cli(['status']);
    assert.strictEqual(status.status, 0, status.stderr);
    assert.doesNotMatch(status.stdout, /were removed/);
    assert.match(
      status.stdout,
      /warning: .*not connected in this worktree.*`countersign agents connect --local claude` here/,
    );

    // Claude's lines recorded another way (a checkpoint by hand): the note says where the hooks were, neutrally.
    assert.strictEqual(wt.cli(['checkpoint', '--phase', 'before', '--agent', 'claude', 'a.py']).status, 0);
    wt.write('a.py', 'x = 1\ny = 2\n');
    assert.strictEqual(wt.cli(['checkpoint', '--phase', 'after', '--agent', 'claude', 'a.py']).status, 0);
    wt.git('add', 'a.py');
    wt.commit('a');
    const note = wt.git('notes', '--ref=ai', 'show', 'HEAD');
    assert.match(note, /"agent_hooks": \{\s*"claude-code": "notInWorktree"\s*\}/);
    const explain = wt.cli(['explain', 'HEAD']);
    assert.strictEqual(explain.status, 0, explain.stderr);
    assert.doesNotMatch(explain.stdout, /had been removed|running without/);
    assert.match(explain.stdout, /Claude Code: hooks not connected in the worktree this commit was made in/);

    // Connecting in the worktree mends it there, and the main work tree stays connected.
    assert.strictEqual(wt.cli(['agents', 'connect', 'claude', '--local']).status, 0);
    assert.match(wt.cli(['doctor']).stdout, /Claude Code: hooks connected/);
    assert.match(repo.cli(['doctor']).stdout, /Claude Code: hooks connected/);

    // A removal in the worktree where it was connected is still a removal.
    fs.rmSync(path.join(wtDir, '.claude', 'settings.local.json'));
    assert.match(wt.cli(['status']).stdout, /Claude Code's Countersign hooks were removed/);
  });
});
