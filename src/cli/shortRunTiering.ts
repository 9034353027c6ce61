import { setFlagsFromString } from 'v8';

/**
 * V8's bytecode budget before a function is handed to its optimising compiler (TurboFan): eight times the
 * default of Node 20's V8 (66 KiB). Only the CLI process sets it, and only for one-shot commands that read a
 * long history.
 *
 * Why (issue 11, `report` on 5,000 commits, measured on the 2-core machines): a report runs for a few
 * seconds, and at the default budget V8 compiles some thirty warm functions on background threads — about
 * 0.4 s of CPU, a quarter of the Node process's — that the optimised code does not win back before the
 * process exits. At eight times the budget only code that stays hot (a history of many times the size) is
 * optimised, and the short run keeps its CPU. Results are the same either way: tiering changes speed only.
 * `verify` and the server's pre-receive gate are the same kind of run (10,000 commits judged once: 1.96 s →
 * 1.77 s CPU of the process tree, same-run A/B at load 11).
 */
const SHORT_RUN_INTERRUPT_BUDGET = 8 * 66 * 1024;

export function preferShortRunTiering(): void {
  setFlagsFromString(`--interrupt-budget=${SHORT_RUN_INTERRUPT_BUDGET}`);
}
