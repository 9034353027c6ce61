import { runMochaPayload } from '../mochaPayload';

/** extensionTestsPath of the main suite: the extension under development in the opened workspace repository. */
export function run(): Promise<void> {
  return runMochaPayload(__dirname);
}
