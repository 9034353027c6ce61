import type * as vscode from 'vscode';
import { AttributionEngine } from '../../core/attribution/engine';
import type { LineLabel } from '../../core/attribution/labels';
import type { Observation } from '../../core/attribution/observations';
import { AttributionSession } from '../../core/editor/attributionSession';
import { SerialQueue } from '../../core/editor/serialQueue';
import { errorMessage } from '../../core/errors';
import { openLedger, type Ledger } from '../../git/ledger';
import { openCallsFor, type OpenToolCall } from '../../git/openToolCalls';
import type { Repository } from '../repository';

/**
 * A repository's attribution (held by its Repository, made on first use: multi-root workspaces get one per
 * working tree): one engine, with a serial queue so observations reach it in the order the editor produced
 * them, and — in a trusted workspace — the repository's working ledger, through which labels reach the CLI's
 * commit hook and agents' hooks reach us.
 */
export class RepoAttribution {
  readonly session: AttributionSession;
  readonly queue: SerialQueue;
  readonly name: string;
  private ledgerPromise: Promise<Ledger | undefined> | undefined;

  readonly root: string;

  constructor(
    readonly repository: Repository,
    private readonly log: vscode.LogOutputChannel,
    private readonly trusted: () => boolean,
  ) {
    this.root = repository.root;
    this.name = repository.name;
    this.session = new AttributionSession(new AttributionEngine({ now: Date.now }));
    this.queue = new SerialQueue((err) =>
      log.error(`[capture] ${this.name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`),
    );
  }

  get engine(): AttributionEngine {
    return this.session.engine;
  }

  /** The working ledger, opened once; undefined in an untrusted workspace (read-only: nothing written, no git). */
  ledger(): Promise<Ledger | undefined> {
    if (!this.trusted()) return Promise.resolve(undefined);
    this.ledgerPromise ??= openLedger(this.root).catch((err: unknown) => {
      this.log.warn(
        `[ledger] ${this.name}: cannot open the working ledger (${errorMessage(err)}); labels stay in this window only`,
      );
      this.ledgerPromise = undefined;
      return undefined;
    });
    return this.ledgerPromise;
  }

  /** What the ledger knows of a file, or undefined (untrusted, not known, unreadable — never throws). */
  async ledgerAttribution(file: string): Promise<{ content: string; labels: LineLabel[] } | undefined> {
    const ledger = await this.ledger();
    if (!ledger) return undefined;
    try {
      return await ledger.fileAttribution(file);
    } catch (err) {
      this.log.warn(`[ledger] ${this.name}: reading ${file}: ${errorMessage(err)}`);
      return undefined;
    }
  }

  /** The newest VS Code agent tool call open now that names `file` (its before hook ran, its after has not). */
  async openToolCall(file: string): Promise<OpenToolCall | undefined> {
    const ledger = await this.ledger();
    if (!ledger) return undefined;
    try {
      return (await openCallsFor(ledger.dir, file))[0];
    } catch (err) {
      this.log.warn(`[ledger] ${this.name}: reading open agent tool calls: ${errorMessage(err)}`);
      return undefined;
    }
  }

  async ledgerRecord(o: Observation): Promise<void> {
    const ledger = await this.ledger();
    if (!ledger) return;
    try {
      await ledger.record(o);
    } catch (err) {
      this.log.warn(`[ledger] ${this.name}: recording ${o.type}: ${errorMessage(err)}`);
    }
  }

  async ledgerStore(file: string): Promise<void> {
    const ledger = await this.ledger();
    const content = this.engine.text(file);
    if (!ledger || content === undefined) return;
    try {
      await ledger.storeFile(file, content, this.engine.labels(file));
    } catch (err) {
      this.log.warn(`[ledger] ${this.name}: storing ${file}: ${errorMessage(err)}`);
    }
  }

  /**
   * The file as committed at HEAD, the baseline for a file first seen when it changes on disk (so an agent that
   * edits one line of an existing file is not credited with all of it). Runs git, so only when trusted.
   */
  async headContent(file: string): Promise<string | undefined> {
    if (!this.trusted()) return undefined;
    try {
      return await this.repository.git.fileAt('HEAD', file);
    } catch {
      return undefined;
    }
  }
}
