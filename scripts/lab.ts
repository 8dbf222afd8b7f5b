/**
 * npm run lab -- <command> [options] [--json]: the lab's headless front door. It runs the same
 * src/lib/ml code as the pages, on the WASM (default) or CPU backend.
 * Exit codes: 0 done, 1 the command failed, 2 a usage error (printed as one line on stderr).
 */
import { describeOptions, parseOptions, UsageError, type OptionSpec } from './cli/args';
import { COMMANDS } from './cli/registry';
import { initNodeBackend, NODE_BACKENDS, type NodeBackend } from './lib/node-tf';

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

function usage(): string {
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

async function main(argv: string[]): Promise<number> {
	const [name, ...rest] = argv;
	if (!name || name === '--help' || name === '-h' || name === 'help') {
		console.log(usage());
		return 0;
	}
	const command = COMMANDS.find((c) => c.name === name);
	if (!command) {
		throw new UsageError(
			`unknown command "${name}" (commands: ${COMMANDS.map((c) => c.name).join(', ')})`
		);
	}
	const args = rest.map((a) => (a === '-h' ? '--help' : a));
	const options = parseOptions(args, [...command.options, ...GLOBAL_OPTIONS], `lab ${name}`);
	if (options.help) {
		console.log(
			[
				`Usage: npm run lab -- ${name} [options]`,
				'',
				command.summary,
				'',
				describeOptions([...command.options, ...GLOBAL_OPTIONS])
			].join('\n')
		);
		return 0;
	}
	const backend = options.backend as NodeBackend;
	if (command.needsBackend) await initNodeBackend(backend);
	const result = await command.run(options, { backend });
	console.log(options.json ? JSON.stringify(result, null, 2) : command.text(result as never));
	return 0;
}

main(process.argv.slice(2)).then(
	(code) => process.exit(code),
	(err: Error) => {
		if (err instanceof UsageError) {
			console.error(`lab: ${err.message}`);
			process.exit(2);
		}
		console.error(`lab: ${err.message}`);
		process.exit(1);
	}
);
