import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

/**
 * Countersign's schemas use zod's tree-shakable form, `zod/mini` (full zod's method-chaining classes cannot be
 * tree-shaken: ~440 KB of every bundle). zod/mini carries no messages of its own; this gives it the English
 * ones full zod has, which policy, statement and ledger errors show to people. Every module that declares a
 * schema imports this (for its side effect) beside `import * as z from 'zod/mini'` — a namespace import, so
 * esbuild keeps only the parts of zod that are used.
 */
config(en());
