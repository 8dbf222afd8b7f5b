/**
 * npm run lab -- <command> [options] [--json]: the lab's headless front door. It runs the same
 * src/lib/ml code as the pages, on the WASM (default) or CPU backend. See scripts/cli/main.ts.
 */
import { runLab } from './cli/main';

/** Resolves once everything written to the stream so far has left the process. */
const flushed = (stream: NodeJS.WriteStream) =>
	new Promise<void>((resolve) => stream.write('', () => resolve()));

void runLab(process.argv.slice(2), {
	out: (text) => void process.stdout.write(`${text}\n`),
	err: (text) => void process.stderr.write(`${text}\n`)
}).then(async (code) => {
	// Writes to a pipe are asynchronous: exiting at once would cut a long --json answer short.
	await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
	process.exit(code);
});
