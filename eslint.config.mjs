// Lint is deliberately small: typescript-eslint's recommended rules plus the one architectural rule
// that matters most — only src/extension may import 'vscode' (docs/design.md, "Layers").
import tseslint from 'typescript-eslint';

// Shipped code uses zod's tree-shakable form: the classic API adds ~450 KB to each bundle and to every
// commit hook's start-up (issue 11). Tests and scripts may use either.
// The layers above src/core: neither core nor the webview script may import them.
const aboveCore = [
  '**/git',
  '**/git/**',
  '**/app',
  '**/app/**',
  '**/cli',
  '**/cli/**',
  '**/extension',
  '**/extension/**',
];
const zodMini = ['zod', 'zod/v4', 'zod/v4/classic'].map((name) => ({
  name,
  message: "Import 'zod/mini' in shipped code (bundle size).",
}));

const noVscode = {
  'no-restricted-imports': [
    'error',
    {
      paths: [
        { name: 'vscode', message: 'Only src/extension may import vscode: core, git and cli must run in plain Node.' },
        ...zodMini,
      ],
    },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.test-artifacts/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  // CommonJS files mocha requires before any TypeScript can run (test/register.js, test/perFileTimings.js).
  {
    files: ['test/register.js', 'test/perFileTimings.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // The extension calls the use cases in src/app (as the CLI does), never the CLI's commands: those print
  // text for a terminal and take argv (docs/design.md, "Layers").
  {
    files: ['src/extension/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: zodMini,
          patterns: [
            { group: ['**/cli', '**/cli/**'], message: 'The extension calls src/app (use cases), not the CLI.' },
            {
              group: ['**/git/gitRunner'],
              message:
                'The extension asks git through named queries (src/git/gitRepository.ts, src/app), not argv arrays.',
            },
          ],
        },
      ],
    },
  },
  { files: ['src/cli/**', 'src/app/**'], rules: noVscode },
  // The git adapter answers questions and runs plumbing; the use cases that call it live in src/app.
  {
    files: ['src/git/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: noVscode['no-restricted-imports'][1].paths,
          patterns: [
            {
              group: ['**/app', '**/app/**', '**/cli', '**/cli/**', '**/extension', '**/extension/**'],
              message: 'src/git is the git adapter: use cases go in src/app, which may call it (docs/design.md).',
            },
          ],
        },
      ],
    },
  },
  // The webview script runs in the panel's browser: it shares src/core's protocol with the extension and nothing
  // else (no vscode API, no Node, no git).
  {
    files: ['media/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'The webview talks to the extension by messages only.' }, ...zodMini],
          patterns: [
            {
              group: aboveCore,
              message: 'The webview script imports src/core only (the panel protocol and pure helpers).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'vscode', message: 'src/core must not import vscode.' },
            { name: 'child_process', message: 'src/core is pure: no child processes (put them in src/git).' },
            { name: 'node:child_process', message: 'src/core is pure: no child processes (put them in src/git).' },
            ...zodMini,
          ],
          patterns: [
            {
              group: aboveCore,
              message: 'src/core is the bottom layer: it imports nothing from git, app, cli or extension.',
            },
          ],
        },
      ],
    },
  },
);
