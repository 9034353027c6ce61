/**
 * The files a Codex `apply_patch` body touches. Codex hands hooks the raw patch as `tool_input.command`:
 *
 *   *** Begin Patch
 *   *** Update File: src/app.ts
 *   *** Move to: src/main.ts
 *   @@ ...
 *   *** Add File: docs/new.md
 *   *** Delete File: old.txt
 *   *** End Patch
 *
 * Only the headers matter here; the hook reads the files themselves before and after the call.
 */
const HEADER = /^\*\*\* (?:Add File|Update File|Delete File|Move to): (.+?)\s*$/;

export function applyPatchFiles(patch: string): string[] {
  const files: string[] = [];
  for (const line of patch.split(/\r?\n/)) {
    const m = HEADER.exec(line);
    if (m && !files.includes(m[1])) files.push(m[1]);
  }
  return files;
}
