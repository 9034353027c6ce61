import type { DoctorCheck } from './doctorCheck';
import { agentsConnected, hooksInstalled, hooksStillActive, notesRefspecs, stableCliCurrent } from './installChecks';
import { ledgerReadable } from './ledgerChecks';
import { policyOnPolicyBranch, signingKeyUsable } from './policyChecks';

/** Every check `countersign doctor` runs in a working repository, in the order it prints them (a bare one: serverChecks.ts). */
export const DOCTOR_CHECKS: DoctorCheck[] = [
  hooksInstalled,
  hooksStillActive,
  stableCliCurrent,
  agentsConnected,
  ledgerReadable,
  notesRefspecs,
  policyOnPolicyBranch,
  signingKeyUsable,
];
