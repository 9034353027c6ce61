/** Ids in one typed place (STYLE.md #9): package.json's contributes must match these; a test checks both ways. */
export const EXTENSION_ID = 'countersign.countersign';

export const Commands = {
  showLog: 'countersign.showLog',
  installHooks: 'countersign.installHooks',
  uninstallHooks: 'countersign.uninstallHooks',
} as const;
export type CommandId = (typeof Commands)[keyof typeof Commands];

export const LOG_CHANNEL_NAME = 'Countersign';
