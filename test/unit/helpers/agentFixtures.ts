import * as fs from 'fs';
import * as path from 'path';
import { TempRepo } from './tempRepo';

/**
 * Real hook payloads of each agent (test/unit/fixtures/agents/*.json, shaped after each vendor's documented
 * hook input). `__REPO__` stands for the repository the hook runs in. esbuild does not bundle fixtures, so
 * they are read from the source tree (tests run from the project root).
 */
export const FIXTURE_DIR = path.resolve('test/unit/fixtures/agents');

export function fixtureNames(): string[] {
  return fs
    .readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
}

/** A recorded payload with __REPO__ and __HOME__ (where agents keep transcripts) filled in. */
export function fixture(name: string, repoDir = '/repo', home = '/home/u'): string {
  const text = fs.readFileSync(path.join(FIXTURE_DIR, `${name}.json`), 'utf8');
  // The placeholders sit inside JSON strings: escape the replacements for JSON.
  return text
    .split('__REPO__')
    .join(JSON.stringify(repoDir).slice(1, -1))
    .split('__HOME__')
    .join(JSON.stringify(home).slice(1, -1));
}

/** The tool-call scenarios the fixtures describe: agent, tool, and whether a before payload exists. */
export interface FixtureScenario {
  agent: 'claude' | 'cursor' | 'codex' | 'gemini' | 'copilot' | 'kiro' | 'vscode';
  tool: string;
  pre: string | undefined;
  post: string;
}

export function fixtureScenarios(): FixtureScenario[] {
  const names = new Set(fixtureNames());
  const out: FixtureScenario[] = [];
  for (const n of names) {
    const m = /^(claude|cursor|codex|gemini|copilot|kiro|vscode)-(.+)-post$/.exec(n);
    if (!m) continue;
    const pre = `${m[1]}-${m[2]}-pre`;
    out.push({ agent: m[1] as FixtureScenario['agent'], tool: m[2], pre: names.has(pre) ? pre : undefined, post: n });
  }
  return out;
}

/** The file every fixture's tool call edits, before and after. */
export const APP_BEFORE = "export function greet(name: string): string {\n  return 'Hello, ' + name;\n}\n";
export const APP_AFTER = 'export function greet(name: string): string {\n  return `Hello, ${name}!`;\n}\n';

/** A fresh repository whose one commit holds src/app.ts as APP_BEFORE: where every fixture's tool call starts. */
export function repoWithApp(): TempRepo {
  const repo = TempRepo.create();
  repo.write('src/app.ts', APP_BEFORE);
  repo.git('add', '.');
  repo.commit('init');
  return repo;
}
