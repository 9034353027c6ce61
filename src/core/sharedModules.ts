/**
 * Publishes the modules a lazily loaded bundle takes from the bundle loading it (dist/cli-lazy.js from
 * dist/cli.js, dist/extension-lazy.js from dist/extension-services.js), so it holds no second copy of them
 * (issue 11). In those bundles esbuild.js replaces this module with one that does (scripts/bundleSharing.js);
 * call shareModules() just before requiring the lazy bundle. Run from the TypeScript sources every module
 * exists once already: nothing to publish.
 */
export function shareModules(): void {
  // only the bundles publish anything
}
