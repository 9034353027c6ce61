/** Ids in one typed place (STYLE.md #9): package.json's contributes must match these; a test checks both ways. */
export const EXTENSION_ID = 'countersign.countersign';

export const Commands = {
  showLog: 'countersign.showLog',
  installHooks: 'countersign.installHooks',
  uninstallHooks: 'countersign.uninstallHooks',
  recordTrace: 'countersign.recordTrace',
  toggleDecorations: 'countersign.toggleDecorations',
  markHuman: 'countersign.markHuman',
  markAi: 'countersign.markAi',
  acceptInlineSuggestion: 'countersign.acceptInlineSuggestion',
  showAiShare: 'countersign.showAiShare',
} as const;
export type CommandId = (typeof Commands)[keyof typeof Commands];

export const LOG_CHANNEL_NAME = 'Countersign';

/** Setting keys (package.json contributes.configuration), relative to the `countersign` section. */
export const Settings = {
  section: 'countersign',
  decorationsEnabled: 'decorations.enabled',
  captureEnabled: 'capture.enabled',
  pasteMinChars: 'capture.pasteMinChars',
  maxFileSize: 'capture.maxFileSize',
  offerHookInstall: 'hooks.offerInstall',
} as const;

/** workspaceState keys. */
export const StateKeys = {
  /** Suffixed with the repository root: the answer to "install the hooks?" for that repository. */
  hookOfferAnswer: 'countersign.hookOffer:',
} as const;
