import { spawnSync } from 'node:child_process';
import { runLab } from '../../scripts/cli/main';
import { ROOT } from '../../scripts/lib/paths';

export interface LabRun {
	code: number;
	stdout: string;
	stderr: string;
}

/** `npm run lab -- <argv>` in this process, through the same runLab the shell entry calls. */
export async function lab(...argv: string[]): Promise<LabRun> {
	const out: string[] = [];
	const err: string[] = [];
	const code = await runLab(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
	return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

/** `npm run lab -- <argv>` as a fresh Node process, for the smoke test of each command. */
export function labProcess(...argv: string[]): LabRun {
	const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/lab.ts', ...argv], {
		cwd: ROOT,
		encoding: 'utf8'
	});
	return { code: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
}
