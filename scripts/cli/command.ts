import type { NodeBackend } from '../lib/node-tf';
import type { OptionSpec, ParsedOptions } from './args';

export interface CommandContext {
	backend: NodeBackend;
}

/**
 * One `lab` command. run() returns a plain JSON-able result; `--json` prints it as is, otherwise
 * text() renders it for people. A lab issue adds its command as one file in commands/ and one
 * line in registry.ts.
 */
export interface Command<R = unknown> {
	name: string;
	summary: string;
	options: OptionSpec[];
	/** whether the command needs a tfjs backend started before run() */
	needsBackend: boolean;
	run(options: ParsedOptions, ctx: CommandContext): Promise<R>;
	text(result: R): string;
}

export function defineCommand<R>(command: Command<R>): Command<R> {
	return command;
}
