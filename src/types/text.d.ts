/** Files esbuild bundles as text (esbuild.js: loader '.yml': 'text'). */
declare module '*.yml' {
  const text: string;
  export default text;
}
