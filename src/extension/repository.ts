import * as path from 'path';
import * as vscode from 'vscode';
import type { RepoSnapshot } from '../core/panel/viewModel';
import type { GitDirs } from '../git/gitDirs';
import { GitRepository } from '../git/gitRepository';
import { RepoAttribution } from './attribution/repoAttribution';
import { RepositoryRefs } from './repositoryRefs';

/**
 * One open repository and everything the extension keeps about it, in one object (as vscode's git extension
 * keeps a Repository per working tree in its Model): its working tree, its git dirs, its named git queries,
 * its refs as last read, the attribution of its files' lines, and the review state the panel last gathered. The registry (repositoryRegistry.ts)
 * makes each once and watches it once.
 */
export class Repository {
  readonly name: string;
  readonly git: GitRepository;
  /** HEAD and refs/notes/ai, read once and trusted until the registry's watcher sees a ref move. */
  readonly refs: RepositoryRefs;
  /** What the review panel last gathered here (the actions need the gate input behind the view). */
  reviewSnapshot: RepoSnapshot | undefined;
  private attributionState: RepoAttribution | undefined;

  constructor(
    readonly root: string,
    /** Undefined when the working tree's `.git` could not be read (then nothing is watched). */
    readonly dirs: GitDirs | undefined,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.name = path.basename(root);
    this.git = new GitRepository(root);
    this.refs = new RepositoryRefs(this.git);
  }

  /** Who wrote each line of this working tree's files: the engine, its queue and the working ledger; made on first use. */
  attribution(): RepoAttribution {
    if (!this.attributionState) {
      this.attributionState = new RepoAttribution(this, this.log, () => vscode.workspace.isTrusted);
      this.log.info(
        `[capture] attributing ${this.root}${vscode.workspace.isTrusted ? '' : ' (untrusted workspace: in memory only)'}`,
      );
    }
    return this.attributionState;
  }

  /** The attribution if it has started (nothing observed here yet: undefined). */
  get attributionStarted(): RepoAttribution | undefined {
    return this.attributionState;
  }
}
