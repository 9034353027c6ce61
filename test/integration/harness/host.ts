import type { PayloadResults } from './results';
import type { PayloadExit } from './workbench';
import type { WorkbenchSession } from './workbenchSession';

/** One run of a test payload inside a VS Code: what to load, which folder to open, where extensions live. */
export interface PayloadSpec {
  /** Short name used for the run's sub-folders and in messages. */
  name: string;
  workspace: string;
  extensionDevelopmentPath: string;
  /** A built index.js exporting run(). */
  extensionTestsPath: string;
  extensionsDir: string;
  /** Passed to the extension host's environment. */
  env: Record<string, string>;
  timeoutMs: number;
}

export interface PaletteSpec {
  name: string;
  workspace: string;
  extensionsDir: string;
  /** Saved when a step fails. */
  screenshot: string;
  timeoutMs: number;
}

/** A workbench opened on a folder with the extension under development loaded, driven from the harness. */
export interface WorkbenchSpec {
  name: string;
  workspace: string;
  extensionDevelopmentPath: string;
  extensionsDir: string;
  /** Added to the server's (and so the extension host's) environment. */
  env: Record<string, string>;
  timeoutMs: number;
}

/** A VS Code that can run test payloads: code-server in headless Chromium here, desktop VS Code elsewhere. */
export interface TestHost {
  readonly name: string;
  /** Installs or finds the VS Code build (cached outside the repository). */
  prepare(): Promise<void>;
  /** Installs a packaged .vsix into an extensions folder, offline. */
  installVsix(vsix: string, extensionsDir: string): Promise<{ ok: boolean; output: string }>;
  runPayload(spec: PayloadSpec): Promise<PayloadExit>;
  /**
   * Drives the workbench UI without a test payload, as a user would (command palette); only hosts with a
   * scriptable browser workbench (code-server) have it.
   */
  checkPalette?(spec: PaletteSpec): Promise<PayloadResults>;
  /**
   * Opens the workbench for a browser end-to-end test (test/integration/ui): the page to drive, and close()
   * that ends the browser and the server. Only hosts with a scriptable browser workbench (code-server) have it.
   */
  openWorkbench?(spec: WorkbenchSpec): Promise<WorkbenchSession>;
  /** Ends everything the host started; safe to call at any time, more than once. */
  dispose(): Promise<void>;
}
