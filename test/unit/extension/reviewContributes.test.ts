import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as pkg from '../../../package.json';
import { Commands, ContextKeys, Views } from '../../../src/extension/ids';

/**
 * The review panel's contributions agree with the code: view ids, the Set-up view's welcome states, the
 * walkthrough's media and command links, the colours the diff decorations use.
 */
interface Contributes {
  viewsContainers: { activitybar: Array<{ id: string; icon: string }> };
  views: Record<string, Array<{ id: string; type?: string; when?: string }>>;
  viewsWelcome: Array<{ view: string; contents: string; when: string }>;
  walkthroughs: Array<{
    id: string;
    steps: Array<{ id: string; description: string; media: { markdown?: string }; completionEvents?: string[] }>;
  }>;
  colors: Array<{ id: string }>;
  menus: Record<string, Array<{ command: string; when?: string }>>;
}
const c = pkg.contributes as unknown as Contributes;
// Unit tests run from the repository root (npm test, scripts/dev-test.sh).
const repoRoot = process.cwd();
const ours = new Set<string>(Object.values(Commands));
/** Built-in commands the welcome content links to. */
const BUILT_IN = new Set([
  'workbench.action.files.openFolder',
  'workbench.trust.manage',
  'workbench.action.openWalkthrough',
]);

function commandLinks(markdown: string): string[] {
  return [...markdown.matchAll(/\(command:([\w.-]+)/g)].map((m) => m[1]);
}

describe('review panel contributions (package.json)', () => {
  it('the activity-bar container holds the review webview and the Set-up view, with an icon that exists', () => {
    const container = c.viewsContainers.activitybar.find((v) => v.id === Views.container);
    assert.ok(container, 'no Countersign activity-bar container');
    assert.ok(fs.existsSync(path.join(repoRoot, container.icon)), `${container.icon} is missing`);
    const views = c.views[Views.container];
    assert.deepStrictEqual(
      views.map((v) => v.id),
      [Views.review, Views.setup],
    );
    assert.strictEqual(views[0].type, 'webview');
    assert.match(views[1].when ?? '', new RegExp(ContextKeys.setupState.replace(/\./g, '\\.')));
  });

  it('view ids do not start with "countersign.": VS Code derives commands from them (<view>.focus…), which would look like ours', () => {
    for (const v of c.views[Views.container]) assert.ok(!v.id.startsWith('countersign.'), v.id);
  });

  it('every welcome state of the Set-up view links only to real commands', () => {
    const states = c.viewsWelcome.filter((w) => w.view === Views.setup).map((w) => /== (\w+)/.exec(w.when)?.[1]);
    assert.deepStrictEqual(states.sort(), ['noFolder', 'noPolicy', 'noRemote', 'notGit', 'untrusted']);
    for (const w of c.viewsWelcome) {
      for (const id of commandLinks(w.contents))
        assert.ok(ours.has(id) || BUILT_IN.has(id), `${w.when}: unknown command ${id}`);
    }
  });

  it('the walkthrough covers install hooks, connect agents, create the policy, add a reviewer key — each with a command and markdown that exists', () => {
    const [w] = c.walkthroughs;
    assert.deepStrictEqual(w.steps.map((s) => s.id).slice(0, 4), [
      'installHooks',
      'connectAgents',
      'createPolicy',
      'addReviewer',
    ]);
    for (const s of w.steps) {
      const links = commandLinks(s.description);
      assert.ok(links.length > 0, `${s.id} has no command button`);
      for (const id of links) assert.ok(ours.has(id), `${s.id}: ${id} is not a Countersign command`);
      assert.ok(
        s.media.markdown && fs.existsSync(path.join(repoRoot, s.media.markdown)),
        `${s.id}: ${s.media.markdown} is missing`,
      );
      for (const e of s.completionEvents ?? []) {
        const cmd = /^onCommand:(.+)$/.exec(e)?.[1];
        if (cmd) assert.ok(ours.has(cmd), `${s.id}: completion event on unknown command ${cmd}`);
      }
    }
  });

  it('the review diff colours and the view title actions are contributed', () => {
    const colors = new Set(c.colors.map((x) => x.id));
    for (const id of ['countersign.review.aiLineBackground', 'countersign.review.aiLineRuler'])
      assert.ok(colors.has(id), id);
    const title = c.menus['view/title'].filter((m) => m.when === `view == ${Views.review}`).map((m) => m.command);
    assert.ok(title.includes(Commands.refreshReview));
  });
});
