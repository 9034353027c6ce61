import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { commitFile, setup } from '../helpers/gateServer';

/**
 * `explain` on a 10-commit repository started 46 git processes (issue 17, tried as a new user: 6.5 s on a loaded
 * machine): its parts asked the same questions — the repository, the remote's default branch, the policy blob,
 * the partial-clone check — each for itself. Under one read cache they are asked once. The count is git's own
 * (a PATH shim that logs each start, then runs the real git), so it cannot drift with load as a time would.
 */
describe('explain: git processes per run', function () {
  this.timeout(180_000);

  it('explains a commit of a 10-commit repository with at most 32 git processes (46 before), whatever the commit', () => {
    const { ada } = setup();
    for (let i = 1; i <= 9; i++)
      commitFile(ada, `f${i}.txt`, `${i}\n`, `c${i}\n\nAI-Provenance: v1 ai=0 human=1 untracked=0`);
    ada.git('push', '-q', 'origin', 'main');
    ada.git('fetch', '-q', 'origin');
    ada.git('remote', 'set-head', 'origin', 'main');
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-gitcount-'));
    const log = path.join(bin, 'starts.log');
    // The real git, as PATH finds it now (the shim goes in front of it).
    const gitBinary = (process.env.PATH ?? '')
      .split(path.delimiter)
      .map((d) => path.join(d, 'git'))
      .find((f) => fs.existsSync(f)) as string;
    fs.writeFileSync(path.join(bin, 'git'), `#!/bin/sh\necho "$*" >> '${log}'\nexec '${gitBinary}' "$@"\n`, {
      mode: 0o755,
    });
    const counts: Record<string, number> = {};
    for (const rev of ['HEAD', 'HEAD~5', 'HEAD~9']) {
      fs.rmSync(log, { force: true });
      const r = ada.cli(['explain', rev, '--json'], { env: { PATH: `${bin}${path.delimiter}${process.env.PATH}` } });
      assert.strictEqual(r.status, 0, r.stderr);
      assert.ok(
        (JSON.parse(r.stdout) as { gate: { available: boolean } }).gate.available,
        'the whole page, gate included',
      );
      counts[rev] = fs.readFileSync(log, 'utf8').split('\n').filter(Boolean).length;
    }
    console.log(`      git processes per explain: ${JSON.stringify(counts)}`);
    for (const [rev, n] of Object.entries(counts)) assert.ok(n <= 32, `explain ${rev} started ${n} git processes`);
  });
});
