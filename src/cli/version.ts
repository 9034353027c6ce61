// esbuild inlines only the `version` field, so the bundled CLI needs no package.json beside it.
import { version } from '../../package.json';
export const VERSION: string = version;
