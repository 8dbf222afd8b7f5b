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

/**
 * `npm run lab -- <argv>` as a fresh Node process, for the smoke test of each command. Its
 * output goes through a shell pipe, as in `npm run lab -- ... --json | jq`: Node writes to such a
 * pipe asynchronously, so an exit before it drains would cut a long answer short (spawnSync's
 * own pipes are sockets, written synchronously, and would hide that).
 */
export function labProcess(...argv: string[]): LabRun {
	const script = 'set -o pipefail; "$0" --import tsx scripts/lab.ts "$@" | cat';
	const run = spawnSync('bash', ['-c', script, process.execPath, ...argv], {
		cwd: ROOT,
		encoding: 'utf8'
	});
	return { code: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
}
