// Every `lab` command, in the order --help lists them. A lab adds its command here.
import type { Command } from './command';
import { backdoor } from './commands/backdoor';
import { certify } from './commands/certify';
import { costs } from './commands/costs';
import { dpTrain } from './commands/dp-train';
import { epsilon } from './commands/epsilon';
import { extract } from './commands/extract';
import { info } from './commands/info';
import { invert } from './commands/invert';
import { robustness } from './commands/robustness';
import { poison } from './commands/poison';
import { scan } from './commands/scan';

export const COMMANDS: Command<never>[] = [
	info as Command<never>,
	robustness as Command<never>,
	certify as Command<never>,
	epsilon as Command<never>,
	poison as Command<never>,
	backdoor as Command<never>,
	dpTrain as Command<never>,
	extract as Command<never>,
	invert as Command<never>,
	scan as Command<never>,
	costs as Command<never>
];
