// Lint is deliberately small: typescript-eslint's recommended rules plus the one architectural rule
// that matters most — only src/extension may import 'vscode' (DESIGN.md, "Architecture").
import tseslint from 'typescript-eslint';

const noVscode = {
  'no-restricted-imports': ['error', {
    paths: [{ name: 'vscode', message: 'Only src/extension may import vscode: core, git and cli must run in plain Node.' }],
  }],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'media/**', '.test-artifacts/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  { files: ['src/core/**', 'src/git/**', 'src/cli/**'], rules: noVscode },
  { files: ['src/core/**'], rules: {
    'no-restricted-imports': ['error', {
      paths: [
        { name: 'vscode', message: 'src/core must not import vscode.' },
        { name: 'child_process', message: 'src/core is pure: no child processes (put them in src/git).' },
        { name: 'node:child_process', message: 'src/core is pure: no child processes (put them in src/git).' },
      ],
    }],
  } },
);
