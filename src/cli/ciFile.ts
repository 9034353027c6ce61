import * as fs from 'fs';
import * as path from 'path';
import { writeFileAtomic } from '../git/atomicFile';
import { refuseSymlinkedPath } from '../git/symlinkGuard';
import { ciTemplate, type Forge } from './ciTemplates';

/** `init`'s CI step: the forge's template written at its place in the repository, or why not. */
export interface CiFileOutcome {
  status: 'written' | 'kept';
  file: string;
  reason?: string;
}

export function writeCi(root: string, forge: Forge, force: boolean): CiFileOutcome {
  let file = forge === 'github' ? '.github/workflows/countersign.yml' : '.gitlab-ci.yml';
  let reason: string | undefined;
  if (forge === 'gitlab' && fs.existsSync(path.join(root, file))) {
    file = '.gitlab/countersign.yml';
    reason = 'add `include: { local: .gitlab/countersign.yml }` to your .gitlab-ci.yml';
  }
  const abs = path.join(root, file);
  // A clone chooses what is there: a committed link (to /dev/zero, or out of the repository) is neither read
  // nor written through.
  const existing = lstatOrUndefined(abs);
  if (existing && !existing.isFile())
    return { status: 'kept', file, reason: 'it is not a regular file (a symlink?), so it was left alone' };
  if (existing && !force) return { status: 'kept', file, reason: 'pass --force to replace it' };
  refuseSymlinkedPath(root, abs, 'write the CI template');
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  writeFileAtomic(abs, ciTemplate(forge));
  return { status: 'written', file, ...(reason ? { reason } : {}) };
}

function lstatOrUndefined(abs: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(abs);
  } catch {
    return undefined;
  }
}
