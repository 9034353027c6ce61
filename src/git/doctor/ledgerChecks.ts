import { openLedger } from '../ledger';
import { ledgerLosses, lostStateFiles } from '../ledgerLoss';
import { finding, type DoctorCheck } from './doctorCheck';

/** newuser14 S9: a working ledger file that could not be read lost its labels; say which, and what to do. */
export const ledgerReadable: DoctorCheck = {
  name: 'ledger',
  about: 'the working ledger (.git/countersign/ledger) reads: no damaged file has lost AI labels',
  async run({ repo }) {
    if (!repo.root) return [];
    const ledger = await openLedger(repo.root, { repo });
    await ledger.allFiles(); // reads every state file: an unreadable one is set aside now
    const losses = ledgerLosses(repo.root, lostStateFiles(ledger.dir));
    if (losses.length === 0) return [finding(this.name, 'ok', 'the working ledger reads')];
    return losses.map((l) => finding(this.name, 'fix', l.said, l.fix));
  },
};
