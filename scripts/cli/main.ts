/**
 * The `lab` CLI as a function: parses argv, runs the command and reports, without touching the
 * process (no exit, no global output). scripts/lab.ts wraps it for the shell; the tests call it
 * in-process. Exit codes: 0 done, 1 the command failed, 2 a usage error (one line on stderr).
 */
import { describeOptions, parseOptions, UsageError, type OptionSpec } from './args';
import { COMMANDS } from './registry';
import { initNodeBackend, NODE_BACKENDS, type NodeBackend } from '../lib/node-tf';

export interface Io {
	out(text: string): void;
	err(text: string): void;
}

const GLOBAL_OPTIONS: OptionSpec[] = [
	{ name: 'json', kind: 'flag', help: 'print the result as JSON on stdout' },
	{
		name: 'backend',
		kind: 'choice',
		choices: NODE_BACKENDS,
		default: 'wasm',
		help: 'tfjs backend'
	},
	{ name: 'help', kind: 'flag', help: 'show help' }
];

export function usage(): string {
	const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
	return [
		'Usage: npm run lab -- <command> [options]',
		'',
		'Commands:',
		...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
		'',
		'Options for every command:',
		describeOptions(GLOBAL_OPTIONS),
		'',
		"`npm run lab -- <command> --help` lists a command's own options."
	].join('\n');
}

async function run(argv: string[], io: Io): Promise<void> {
	const [name, ...rest] = argv;
	if (!name || name === '--help' || name === '-h' || name === 'help') {
		io.out(usage());
		return;
	}
	const command = COMMANDS.find((c) => c.name === name);
	if (!command) {
		throw new UsageError(
			`lab: unknown command "${name}" (commands: ${COMMANDS.map((c) => c.name).join(', ')})`
		);
	}
	const args = rest.map((a) => (a === '-h' ? '--help' : a));
	const specs = [...command.options, ...GLOBAL_OPTIONS];
	const options = parseOptions(args, specs, `lab ${name}`);
	if (options.help) {
		io.out(
			[
				`Usage: npm run lab -- ${name} [options]`,
				'',
				command.summary,
				'',
				describeOptions(specs)
			].join('\n')
		);
		return;
	}
	const backend = options.backend as NodeBackend;
	if (command.needsBackend) await initNodeBackend(backend);
	const result = await command.run(options, { backend });
	io.out(options.json ? JSON.stringify(result, null, 2) : command.text(result as never));
}

/** Runs `lab <argv>`; resolves to the exit code. Messages already name their command. */
export async function runLab(argv: string[], io: Io): Promise<number> {
	try {
		await run(argv, io);
		return 0;
	} catch (err) {
		const message = (err as Error).message;
		io.err(message.startsWith('lab') ? message : `lab: ${message}`);
		return err instanceof UsageError ? 2 : 1;
	}
}
