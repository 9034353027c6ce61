import { openLedger } from '../ledger';
import { ledgerLoss } from '../ledgerLoss';
import { finding, type DoctorCheck } from './doctorCheck';

/** newuser14 S9: a working ledger file that could not be read lost its labels; say whose, and what to do. */
export const ledgerReadable: DoctorCheck = {
  name: 'ledger',
  about: 'the working ledger (.git/countersign/ledger) reads: no damaged file has lost AI labels',
  async run({ repo }) {
    if (!repo.root) return [];
    const ledger = await openLedger(repo.root, { repo });
    await ledger.allFiles(); // reads every state file: an unreadable one is set aside now
    // One finding for however many files (newuser19 F10), each damaged copy named with the file it was for.
    const loss = await ledgerLoss(repo.root, ledger.dir);
    if (!loss) return [finding(this.name, 'ok', 'the working ledger reads')];
    return [finding(this.name, 'fix', [loss.said, ...loss.kept.map((k) => `  ${k}`)].join('\n'), loss.fix)];
  },
};
