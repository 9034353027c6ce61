// The review panel's webview script (browser). Filled in by the editor-experience issue.
export {};
