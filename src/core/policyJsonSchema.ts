import * as z from 'zod/mini';
import './zodMessages';
import { policySchema } from './policySchema';

/**
 * The JSON Schema of `.countersign.json`, generated from the zod schema (draft-07, which VS Code's JSON
 * language service understands fully). `io: 'input'` so fields with defaults are optional, as people write them.
 * scripts/generatePolicySchema.ts writes it to media/countersign.schema.json; a unit test keeps the committed
 * file equal to this.
 */
export function policyJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(policySchema, { target: 'draft-7', io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return {
    ...schema,
    $id: 'https://countersign.dev/schema/countersign.schema.json',
    title: 'Countersign policy (.countersign.json)',
  };
}
