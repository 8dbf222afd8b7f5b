/**
 * npm run lab -- <command> [options] [--json]: the lab's headless front door. It runs the same
 * src/lib/ml code as the pages, on the WASM (default) or CPU backend. See scripts/cli/main.ts.
 */
import { runLab } from './cli/main';

void runLab(process.argv.slice(2), {
	out: (text) => console.log(text),
	err: (text) => console.error(text)
}).then((code) => process.exit(code));
