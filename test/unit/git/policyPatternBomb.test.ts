import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { cloneAs } from '../helpers/approvals';
import { policyJson, setup } from '../helpers/gateServer';
import { withoutGate } from '../helpers/gateAgreement';
import { MAX_POLICY_PATTERN_CHARS } from '../../../src/core/glob';
import { DEFAULT_TIERS } from '../../../src/core/defaultTiers';
import { checkPolicy, parsePolicy } from '../../../src/core/policy';
import { policyMatchers, type PathMatcher } from '../../../src/core/policyPaths';
import { makeKey } from '../helpers/reviewerKeys';

/**
 * attack29 F2: a valid policy under 1 MiB whose tier lists 30,000 patterns `**\/a` + 20×`?` + N (each far under
 * MAX_GLOB_LENGTH) cost `new PatternSet` 31 s and 2.2 GB: report, explain and verify in a hostile clone died. A
 * policy's patterns are now bounded in total (MAX_POLICY_PATTERN_CHARS), refused by the policy's validation like
 * an over-long pattern, so every reader fails closed with the policy's problem before compiling any pattern.
 */
const bomb = (count: number) => Array.from({ length: count }, (_, i) => `**/a${'?'.repeat(20)}${i}`);
const PROBLEM =
  /its \d+ patterns \(protectedBranches, protectedTags, review\.paths and the tiers' paths\) have \d+ characters in all; a policy may have at most 32768/;

describe('policy: the total of its patterns is bounded (attack29 F2)', () => {
  const base = JSON.parse(policyJson(makeKey('bob'), makeKey('carol'))) as Record<string, unknown>;
  const withTier = (paths: string[]) =>
    JSON.stringify({ ...base, tiers: [...DEFAULT_TIERS, { name: 'generated', paths, approvals: 1 }] });

  it('a policy over the bound is refused, naming the total and the fix; one at it passes', () => {
    const over = checkPolicy(withTier(bomb(2000)), '.countersign.json');
    assert.strictEqual(over.policy, undefined);
    const text = JSON.stringify(over.problems);
    assert.match(text, PROBLEM);
    assert.match(text, /list folders rather than the files in them/);
    const chars = (ps: readonly string[]) => ps.reduce((n, p) => n + p.length, 0);
    const used = DEFAULT_TIERS.reduce((n, t) => n + chars(t.paths ?? []), 0) + chars(['main', 'release/*']);
    const fill = MAX_POLICY_PATTERN_CHARS - used;
    const upTo = [...Array.from({ length: Math.floor(fill / 1000) }, () => 'y'.repeat(1000)), 'z'.repeat(fill % 1000)];
    const at = checkPolicy(withTier(upTo), '.countersign.json');
    assert.deepStrictEqual(at.problems, []);
    const past = checkPolicy(withTier([...upTo, 'w']), '.countersign.json');
    assert.match(JSON.stringify(past.problems), PROBLEM);
  });
});

describe('hostile clone: a policy pattern bomb fails closed at once (attack29 F2, real clone)', function () {
  this.timeout(240_000);

  it('verify, explain and report name the policy problem in seconds instead of dying', () => {
    const { ada, server } = setup();
    const text = JSON.parse(fs.readFileSync(path.join(ada.dir, '.countersign.json'), 'utf8')) as { tiers?: unknown[] };
    const policy = { ...text, tiers: [...(text.tiers ?? DEFAULT_TIERS), { name: 'generated', paths: bomb(30_000) }] };
    fs.writeFileSync(path.join(ada.dir, '.countersign.json'), JSON.stringify(policy));
    ada.git('commit', '-qam', 'policy bomb');
    fs.writeFileSync(path.join(ada.dir, 'readme.txt'), 'v1\n');
    ada.git('add', 'readme.txt');
    ada.git('commit', '-qm', 'readme\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
    withoutGate(server, () => ada.git('push', '-q', '--no-verify', 'origin', 'main'));
    const victim = cloneAs(server.dir, 'Vic Tim', 'victim@example.com');
    for (const args of [
      ['verify', '--branch', 'main', '--base', 'HEAD~1', '--head', 'HEAD'],
      ['explain', 'HEAD'],
      ['report'],
    ]) {
      const started = Date.now();
      const r = victim.cli(args);
      const took = Date.now() - started;
      const said = (r.stdout + r.stderr).replace(/\s+/g, ' ');
      assert.match(said, PROBLEM, `${args.join(' ')} (exit ${r.status}): ${said.slice(0, 2000)}`);
      // Before: 31-45 s and 2 GB, then V8 died. Parsing and refusing the 1 MB policy takes well under a second.
      assert.ok(took < 30_000, `${args.join(' ')} took ${took} ms`);
    }
  });
});

describe('policyMatchers: equal lists of distinct policy blobs share one matcher (attack29 F2, report over history)', () => {
  it('two policies differing in a tier description share every list; a changed list gets its own', () => {
    const base = JSON.parse(policyJson(makeKey('bob'), makeKey('carol'))) as Record<string, unknown>;
    const tiers = (description: string, extra: string[] = []) =>
      DEFAULT_TIERS.map((t, i) => (i === 0 ? { ...t, description, paths: [...(t.paths ?? []), ...extra] } : t));
    const a = parsePolicy(JSON.stringify({ ...base, tiers: tiers('rev 1') }), 'a');
    const b = parsePolicy(JSON.stringify({ ...base, tiers: tiers('rev 2') }), 'b');
    const c = parsePolicy(JSON.stringify({ ...base, tiers: tiers('rev 3', ['more/']) }), 'c');
    const shared = new Map<string, PathMatcher>();
    const [ma, mb, mc] = [a, b, c].map((p) => policyMatchers(p, shared));
    assert.ok(ma.tiers.every((m, i) => m === mb.tiers[i]) && ma.reviewPaths === mb.reviewPaths);
    assert.notStrictEqual(mc.tiers[0], ma.tiers[0]);
    assert.strictEqual(mc.tiers[0]('more/x.txt'), 'more/');
    assert.strictEqual(ma.tiers[0]('more/x.txt'), undefined);
    assert.notStrictEqual(ma.names, mb.names); // each policy's judgement keeps its own budget of names
  });
});
