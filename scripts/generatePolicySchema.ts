import * as fs from 'fs';
import * as path from 'path';
import { policyJsonSchema } from '../src/core/policyJsonSchema';

/**
 * Writes media/countersign.schema.json from the zod policy schema. Run after changing src/core/policySchema.ts:
 *   node esbuild.js && node dist/scripts/generatePolicySchema.js
 * (test/unit/core/policy.test.ts fails while the committed file differs.)
 */
const out = path.resolve(process.argv[2] ?? path.join('media', 'countersign.schema.json'));
fs.writeFileSync(out, JSON.stringify(policyJsonSchema(), null, 2) + '\n');
process.stdout.write(`wrote ${out}\n`);
