// Every `lab` command, in the order --help lists them. A lab adds its command here.
import type { Command } from './command';
import { epsilon } from './commands/epsilon';
import { info } from './commands/info';
import { robustness } from './commands/robustness';

export const COMMANDS: Command<never>[] = [
	info as Command<never>,
	robustness as Command<never>,
	epsilon as Command<never>
];
