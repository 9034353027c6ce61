import * as path from 'path';
import { readBlameRefs, type BlameRefs } from './blameRefs';
import { parseAddedLines } from './commitDiff';
import { emptyTree } from './emptyTree';
import { runGit } from './gitRunner';
import { hooksActive } from './hookManifest';
import { AI_NOTES_REF, readNotes } from './notesReader';
import { provenanceBlame, type BlameContentsOptions } from './provenanceBlame';
import type { ProvenanceBlame } from '../core/blame/lineProvenance';
import { resolveCommitStrictly } from './revision';
import { signingKeyInfo, type SigningKeyInfo } from './signingKeyInfo';
import { remoteDefaultBranch } from './policyBranch';
import { defaultRemote, listRemotes, remoteUrl } from './remotes';

/** The largest file fileAt reads: more than an editor's diff or a line baseline is any use for. */
const FILE_AT_MAX_BYTES = 64 * 1024 * 1024;

/**
 * One working tree's git, as the extension asks it: named queries instead of argv arrays, so the editor's
 * code says what it wants to know and each question's git command (and its quirks: literal pathspecs, exit
 * codes that mean "no") is written once. The extension asks its questions of git through this (each open
 * Repository has one) and src/app; eslint keeps argv arrays (gitRunner) out of src/extension.
 */
export class GitRepository {
  constructor(readonly root: string) {}

  /** The top level of the working tree holding `folder`, or undefined when it is in none. */
  static async topLevelOf(folder: string): Promise<string | undefined> {
    const r = await runGit(['rev-parse', '--show-toplevel'], { cwd: folder, okCodes: [128] }).catch(() => undefined);
    const top = r?.code === 0 ? r.stdout.trim() : '';
    return top ? path.normalize(top) : undefined;
  }

  /**
   * A file's content at a revision; undefined when the revision lacks it or it is over FILE_AT_MAX_BYTES: a
   * committed file of gigabytes (a few MB on the wire) read whole took the extension host down (attack21 01).
   */
  async fileAt(rev: string, file: string): Promise<string | undefined> {
    const r = await runGit(['cat-file', 'blob', `${rev}:${file}`], {
      cwd: this.root,
      okCodes: [128],
      maxStdoutBytes: FILE_AT_MAX_BYTES,
    });
    return r.code === 0 && !r.truncated ? r.stdout : undefined;
  }

  async hasFileAt(rev: string, file: string): Promise<boolean> {
    return (await runGit(['cat-file', '-e', `${rev}:${file}`], { cwd: this.root, okCodes: [1, 128] })).code === 0;
  }

  /** A commit's first parent; undefined for a root commit. */
  async firstParent(sha: string): Promise<string | undefined> {
    const r = await runGit(['rev-parse', '--verify', '--quiet', `${sha}^1`], { cwd: this.root, okCodes: [1, 128] });
    return r.code === 0 ? r.stdout.trim() : undefined;
  }

  /** The files a commit changes against its first parent (A, M, D, T…), renames as delete + add. */
  async filesChangedBy(sha: string): Promise<Array<{ path: string; status: string }>> {
    const r = await runGit(
      [
        'diff-tree',
        '--no-commit-id',
        '-r',
        '-z',
        '--name-status',
        '--no-renames',
        '--root',
        '-m',
        '--first-parent',
        sha,
      ],
      { cwd: this.root },
    );
    const parts = r.stdout.split('\0').filter((p) => p !== '');
    const out: Array<{ path: string; status: string }> = [];
    for (let i = 0; i + 1 < parts.length; i += 2) out.push({ status: parts[i].charAt(0), path: parts[i + 1] });
    return out;
  }

  /** The lines of `file` that `to` adds over `from` (undefined: the empty tree), 1-based in `to`'s file. */
  async addedLines(from: string | undefined, to: string, file: string): Promise<number[]> {
    const patch = await runGit(
      [
        'diff',
        '-U0',
        '--no-renames',
        '--no-ext-diff',
        '--no-textconv',
        from ?? (await emptyTree(this.root)),
        to,
        '--',
        file,
      ],
      {
        cwd: this.root,
        env: { GIT_LITERAL_PATHSPECS: '1' },
      },
    );
    return parseAddedLines(patch.stdout).get(file) ?? [];
  }

  /** HEAD and the tip of refs/notes/ai (what a committed line's provenance depends on besides the file). */
  blameRefs(): Promise<BlameRefs> {
    return readBlameRefs(this.root);
  }

  /** A commit's refs/notes/ai note (who wrote its lines), or undefined when it has none. */
  async aiNote(sha: string): Promise<string | undefined> {
    return (await readNotes(this.root, AI_NOTES_REF, [sha])).get(sha);
  }

  /** Each line of a working-tree file (`contents`: as the editor holds it) with who wrote it and in which commit. */
  provenanceBlame(file: string, opts: BlameContentsOptions = {}): Promise<ProvenanceBlame> {
    return provenanceBlame(this.root, file, undefined, opts);
  }

  /** The commit a revision names, refusing ambiguous names; `what` opens the sentence of the error. */
  resolveCommit(rev: string, what: string): Promise<string> {
    return resolveCommitStrictly(this.root, rev, what);
  }

  /** The SSH key this person signs approvals with here (git's user.signingkey), read and fingerprinted. */
  signingKey(): Promise<SigningKeyInfo> {
    return signingKeyInfo(this.root);
  }

  /** Whether Countersign's hooks are installed here and core.hooksPath still points at them. */
  hooksActive(): Promise<{ installed: boolean; active: boolean; hooksPath: string | null }> {
    return hooksActive(this.root);
  }

  remotes(): Promise<string[]> {
    return listRemotes(this.root);
  }

  /** The default branch of the remote this repository usually pushes to (`R/HEAD`, else main or master). */
  async defaultRemoteBranch(): Promise<string | undefined> {
    const remote = await defaultRemote(this.root);
    return remote ? remoteDefaultBranch(this.root, remote) : undefined;
  }

  /** A remote's URL, or undefined when it has none (or no such remote). */
  remoteUrl(remote: string): Promise<string | undefined> {
    return remoteUrl(this.root, remote);
  }

  /** The remote-tracking branches of `remote` (short names, `origin/feature`) whose history has `commit`. */
  async remoteBranchesContaining(remote: string, commit: string): Promise<string[]> {
    const r = await runGit(
      ['for-each-ref', '--contains', commit, '--format=%(refname:short)', `refs/remotes/${remote}/`],
      { cwd: this.root },
    );
    return r.stdout
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean);
  }

  /** Sets a config value in this repository, or in the user's global config. */
  async setConfig(key: string, value: string, scope: 'local' | 'global'): Promise<void> {
    await runGit(['config', ...(scope === 'global' ? ['--global'] : []), key, value], { cwd: this.root });
  }
}
