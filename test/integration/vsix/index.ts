import { runMochaPayload } from '../mochaPayload';

/** extensionTestsPath of the packaging check: Countersign installed from the .vsix, not from the sources. */
export function run(): Promise<void> {
  return runMochaPayload(__dirname);
}
