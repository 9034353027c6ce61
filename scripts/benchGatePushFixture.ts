/**
 * The fixture of scripts/bench-gate-push.sh: a bare server with the policy on main (installed with the tests' CLI;
 * the bench installs each CLI it compares again), and Ada's clone holding one AI commit and Bob's signed approval
 * of it, not yet pushed. Made with the unit tests' helpers (keys, statements), so run through their loader:
 *   node -r ./test/register.js -r ./test/unit/helpers/tempDirs.ts scripts/benchGatePushFixture.ts OUT
 */
import * as fs from 'fs';
import * as path from 'path';
import { recordDecision } from '../test/unit/helpers/approvals';
import { commitFile, setup } from '../test/unit/helpers/gateServer';

const out = path.resolve(process.argv[2] ?? 'gate-push-fixture');
const { ada, bob, server } = setup();
const base = ada.git('rev-parse', 'origin/main');
const tip = commitFile(ada, 'app.ts', 'export const a = 1;\n', 'app\n\nAI-Provenance: v1 ai=1 human=0 untracked=0');
recordDecision(ada, bob, { email: 'bob@example.com', tip, base });
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
fs.cpSync(server.dir, path.join(out, 'server.git'), { recursive: true });
fs.cpSync(ada.dir, path.join(out, 'ada'), { recursive: true });
console.log(`${out}: server.git, ada (main at ${tip}, approved by Bob)`);
