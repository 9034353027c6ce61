/**
 * Runs tasks one after another in the order they were queued, even when some are async (reading the
 * clipboard, the ledger): observations must reach the engine in the order the editor saw them. A failing task
 * is reported and does not stop the queue.
 */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();
  private pending = 0;

  constructor(private readonly onError: (err: unknown) => void) {}

  push(task: () => void | Promise<void>): void {
    this.pending++;
    this.tail = this.tail
      .then(task)
      .catch(this.onError)
      .finally(() => {
        this.pending--;
      });
  }

  /** Resolves once every task queued so far (and any queued meanwhile) has run. */
  async idle(): Promise<void> {
    while (this.pending > 0) await this.tail;
  }
}
