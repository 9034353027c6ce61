/** Files esbuild bundles as text (esbuild.js: loader '.yml' and '.sh': 'text'). */
declare module '*.yml' {
  const text: string;
  export default text;
}
declare module '*.sh' {
  const text: string;
  export default text;
}
