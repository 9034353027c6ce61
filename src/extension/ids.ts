/** Ids in one typed place: package.json's contributes must match these; a test checks both ways. */
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
  openReviewPanel: 'countersign.openReviewPanel',
  refreshReview: 'countersign.refreshReview',
  approveCommit: 'countersign.approveCommit',
  requestChanges: 'countersign.requestChanges',
  requestReview: 'countersign.requestReview',
  openCommitDiff: 'countersign.openCommitDiff',
  explainCommit: 'countersign.explainCommit',
  openReport: 'countersign.openReport',
  createPolicy: 'countersign.createPolicy',
  editPolicy: 'countersign.editPolicy',
  addReviewer: 'countersign.addReviewer',
  setSigningKey: 'countersign.setSigningKey',
  connectAgents: 'countersign.connectAgents',
  checkSetup: 'countersign.checkSetup',
  installCommandLineTool: 'countersign.installCommandLineTool',
  toggleBlame: 'countersign.toggleBlame',
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
  blameEnabled: 'blame.enabled',
} as const;

/** Theme colours contributed in package.json (contributes.colors) that code refers to by id. */
export const Colors = {
  /** The current line's "AI blame" annotation. */
  blameForeground: 'countersign.blameForeground',
} as const;

/** workspaceState keys. */
export const StateKeys = {
  /** Suffixed with the repository root: the answer to "install the hooks?" for that repository. */
  hookOfferAnswer: 'countersign.hookOffer:',
} as const;

/** The Countersign activity-bar container and its views (package.json contributes.viewsContainers / views). */
export const Views = {
  container: 'countersign',
  review: 'countersignReview',
  setup: 'countersignSetup',
} as const;

/** Context keys set with `setContext` (package.json `when` clauses). */
export const ContextKeys = {
  /** Why the Set-up view shows welcome content: noFolder, notGit, untrusted, loading, noPolicy, noRemote or ready. */
  setupState: 'countersign.setupState',
} as const;

/** URI schemes of read-only documents: committed revisions (review diffs) and `explain` pages. */
export const ReviewScheme = {
  revision: 'countersign-git',
  explain: 'countersign-explain',
} as const;

/** The set-up walkthrough (contributes.walkthroughs), as workbench.action.openWalkthrough names it. */
export const WALKTHROUGH_ID = `${EXTENSION_ID}#countersign.gettingStarted`;
