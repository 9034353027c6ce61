/**
 * The policy's file name, apart from its zod schema (policy.ts) so that code on the commit's hot path
 * (dist/hook.js) can tell a commit that stages it without loading a schema library.
 */
export const POLICY_FILE = '.countersign.json';
