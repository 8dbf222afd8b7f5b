// The threat-assessment worksheet of /exercise: its types, the built-in threat and control
// libraries, risk scoring, validation of saved or imported JSON and the Markdown deliverables.
// Framework-free: no Svelte, no DOM, so Vitest runs it in Node.

export const COMPONENTS = ['training-data', 'model', 'api', 'infrastructure'] as const;
export type ComponentId = (typeof COMPONENTS)[number];

export const IR_PHASES = ['detect', 'contain', 'eradicate', 'recover', 'learn'] as const;
export type IrPhase = (typeof IR_PHASES)[number];

export const SCORES = ['likelihood', 'impact', 'detectability'] as const;
export type ScoreField = (typeof SCORES)[number];

export interface Threat {
	id: string;
	name: string;
	source: 'library' | 'custom';
	/** MITRE ATLAS technique id, e.g. AML.T0020. */
	atlas?: string;
	/** 1 = rare, 5 = almost certain. */
	likelihood: number;
	/** 1 = negligible, 5 = severe. */
	impact: number;
	/** Difficulty to detect: 1 = obvious at once, 5 = hardest to detect. */
	detectability: number;
}

export interface Worksheet {
	version: 1;
	components: Record<ComponentId, Threat[]>;
	/** Ids from CONTROLS. */
	controls: string[];
	incidentResponse: Record<IrPhase, string>;
	submitted: boolean;
}

export const COMPONENT_INFO: Record<ComponentId, { label: string; description: string }> = {
	'training-data': {
		label: 'Training data',
		description:
			'Customer transaction history and fraud labels; new data is added every month for retraining.'
	},
	model: {
		label: 'Model',
		description:
			'The fraud classifier that scores each transaction, replaced after each retraining.'
	},
	api: {
		label: 'API',
		description: 'The real-time scoring API the payment systems call to approve or block a payment.'
	},
	infrastructure: {
		label: 'Infrastructure',
		description: 'The cloud hosting, data lake, training pipeline, model registry and CI/CD.'
	}
};

export const IR_INFO: Record<IrPhase, { label: string; hint: string }> = {
	detect: { label: 'Detect', hint: 'Which signals tell you the fraud model is under attack?' },
	contain: {
		label: 'Contain',
		hint: 'How do you stop the damage spreading while you investigate?'
	},
	eradicate: {
		label: 'Eradicate',
		hint: 'How do you remove the cause (poisoned data, stolen keys)?'
	},
	recover: { label: 'Recover', hint: 'How do you return to a trusted model and normal service?' },
	learn: { label: 'Learn', hint: 'What changes afterwards so it does not happen again?' }
};

export const SCORE_INFO: Record<ScoreField, { label: string; levels: string[] }> = {
	likelihood: {
		label: 'Likelihood',
		levels: ['rare', 'unlikely', 'possible', 'likely', 'almost certain']
	},
	impact: { label: 'Impact', levels: ['negligible', 'minor', 'moderate', 'major', 'severe'] },
	detectability: {
		label: 'Difficulty to detect',
		levels: ['obvious', 'easy', 'moderate', 'hard', 'very hard']
	}
};

export interface LibraryThreat {
	id: string;
	component: ComponentId;
	name: string;
	atlas: string;
	description: string;
}

// Scenario-specific threats; ATLAS ids are checked against the ATLAS 5.6.0 index by a unit test.
export const THREAT_LIBRARY: readonly LibraryThreat[] = [
	{
		id: 'td-poisoning',
		component: 'training-data',
		name: 'Poisoning of the monthly retraining data',
		atlas: 'AML.T0020',
		description:
			'Fraudsters run fraud that goes unreported, so it enters next month’s data labelled legitimate.'
	},
	{
		id: 'td-integrity',
		component: 'training-data',
		name: 'Tampering with stored transaction history or labels',
		atlas: 'AML.T0059',
		description: 'An insider or intruder edits records or flips fraud labels in the data lake.'
	},
	{
		id: 'td-supply-chain',
		component: 'training-data',
		name: 'Compromised third-party data feed',
		atlas: 'AML.T0010.002',
		description: 'A merchant or device-reputation feed used as features is manipulated upstream.'
	},
	{
		id: 'td-exfiltration',
		component: 'training-data',
		name: 'Theft of customer transaction data',
		atlas: 'AML.T0036',
		description: 'Personal financial data is copied out of the training data store.'
	},
	{
		id: 'm-evasion',
		component: 'model',
		name: 'Evasion: fraud crafted to score as legitimate',
		atlas: 'AML.T0015',
		description: 'Amounts, timing and merchants are tuned until the model lets the payment through.'
	},
	{
		id: 'm-backdoor',
		component: 'model',
		name: 'Backdoor planted through poisoned training',
		atlas: 'AML.T0018.000',
		description: 'A trigger pattern (e.g. a specific amount) makes any transaction pass.'
	},
	{
		id: 'm-erosion',
		component: 'model',
		name: 'Gradual erosion of model integrity across retrainings',
		atlas: 'AML.T0031',
		description: 'Slow drift pushed by attackers until fraud looks normal to the retrained model.'
	},
	{
		id: 'm-membership',
		component: 'model',
		name: 'Membership inference on customers',
		atlas: 'AML.T0024.000',
		description: 'Scores reveal whether a given customer’s transactions were in the training set.'
	},
	{
		id: 'm-inversion',
		component: 'model',
		name: 'Model inversion revealing customer attributes',
		atlas: 'AML.T0024.001',
		description: 'Outputs are used to reconstruct sensitive features of the training data.'
	},
	{
		id: 'api-extraction',
		component: 'api',
		name: 'Model extraction through repeated scoring queries',
		atlas: 'AML.T0024.002',
		description: 'A copy of the model is trained from API answers and used to plan evasion offline.'
	},
	{
		id: 'api-probing',
		component: 'api',
		name: 'Black-box probing of decision thresholds',
		atlas: 'AML.T0043.001',
		description: 'Small test payments map where the model flips from approve to block.'
	},
	{
		id: 'api-dos',
		component: 'api',
		name: 'Denial of the real-time scoring service',
		atlas: 'AML.T0029',
		description: 'A flood of requests makes payments time out or fall back to approve-all.'
	},
	{
		id: 'api-chaff',
		component: 'api',
		name: 'Chaff transactions swamping fraud analysts',
		atlas: 'AML.T0046',
		description: 'Many borderline alerts hide the real fraud in the review queue.'
	},
	{
		id: 'api-stolen-keys',
		component: 'api',
		name: 'Abuse of stolen API credentials',
		atlas: 'AML.T0012',
		description: 'A partner’s valid key is used to query or overload the scoring API.'
	},
	{
		id: 'inf-exploit',
		component: 'infrastructure',
		name: 'Exploit of the public-facing API gateway',
		atlas: 'AML.T0049',
		description: 'An unpatched gateway or serving framework gives access to the hosts.'
	},
	{
		id: 'inf-dependency',
		component: 'infrastructure',
		name: 'Compromised ML library or dependency',
		atlas: 'AML.T0010.001',
		description: 'A malicious package in the training or serving image runs attacker code.'
	},
	{
		id: 'inf-model-tamper',
		component: 'infrastructure',
		name: 'Tampered model in the registry during monthly deployment',
		atlas: 'AML.T0018',
		description: 'The artefact promoted to production is swapped or modified.'
	},
	{
		id: 'inf-credentials',
		component: 'infrastructure',
		name: 'Unsecured credentials in the training pipeline',
		atlas: 'AML.T0055',
		description: 'Keys in CI variables or notebooks give access to data and the model registry.'
	},
	{
		id: 'inf-artifact-theft',
		component: 'infrastructure',
		name: 'Theft of model artefacts from storage',
		atlas: 'AML.T0035',
		description: 'Weights and feature pipelines are copied, enabling white-box evasion.'
	}
];

export interface Control {
	id: string;
	name: string;
	kind: 'atlas' | 'classic';
	description: string;
	/** Library threat ids this control reduces. */
	mitigates: string[];
}

// ATLAS mitigations use their ATLAS id as control id; classic controls use 'ctl-…'.
export const CONTROLS: readonly Control[] = [
	{
		id: 'AML.M0007',
		name: 'Sanitize Training Data',
		kind: 'atlas',
		description: 'Screen each monthly batch for outliers, label noise and suspicious clusters.',
		mitigates: ['td-poisoning', 'td-integrity', 'm-backdoor', 'm-erosion']
	},
	{
		id: 'AML.M0025',
		name: 'Maintain AI Dataset Provenance',
		kind: 'atlas',
		description: 'Record where every record and label came from, with hashes per batch.',
		mitigates: ['td-poisoning', 'td-integrity', 'td-supply-chain']
	},
	{
		id: 'AML.M0008',
		name: 'Validate AI Model',
		kind: 'atlas',
		description: 'Test each retrained model on a trusted, frozen holdout and known fraud cases.',
		mitigates: ['m-backdoor', 'm-erosion', 'td-poisoning']
	},
	{
		id: 'AML.M0003',
		name: 'Model Hardening',
		kind: 'atlas',
		description: 'Adversarial training and robust features that are costly for fraudsters to fake.',
		mitigates: ['m-evasion', 'api-probing']
	},
	{
		id: 'AML.M0006',
		name: 'Use Ensemble Methods',
		kind: 'atlas',
		description: 'Combine models and rules so one evasion does not pass every check.',
		mitigates: ['m-evasion', 'm-backdoor']
	},
	{
		id: 'AML.M0015',
		name: 'Adversarial Input Detection',
		kind: 'atlas',
		description: 'Flag query patterns and inputs that look like probing or crafted transactions.',
		mitigates: ['api-probing', 'api-extraction', 'm-evasion']
	},
	{
		id: 'AML.M0004',
		name: 'Restrict Number of AI Model Queries',
		kind: 'atlas',
		description: 'Per-client query budgets on the scoring API.',
		mitigates: ['api-extraction', 'api-probing', 'api-dos', 'm-membership', 'm-inversion']
	},
	{
		id: 'AML.M0002',
		name: 'Passive AI Output Obfuscation',
		kind: 'atlas',
		description: 'Return approve/review/block, not the raw fraud probability.',
		mitigates: ['api-extraction', 'm-membership', 'm-inversion', 'api-probing']
	},
	{
		id: 'AML.M0019',
		name: 'Control Access to AI Models and Data in Production',
		kind: 'atlas',
		description: 'Only authenticated payment systems may call the scoring API.',
		mitigates: ['api-stolen-keys', 'api-extraction']
	},
	{
		id: 'AML.M0005',
		name: 'Control Access to AI Models and Data at Rest',
		kind: 'atlas',
		description: 'Restrict who can read or write training data, features and model files.',
		mitigates: ['td-integrity', 'td-exfiltration', 'inf-artifact-theft', 'inf-model-tamper']
	},
	{
		id: 'AML.M0014',
		name: 'Verify AI Artifacts',
		kind: 'atlas',
		description: 'Check hashes or signatures of models and datasets before use.',
		mitigates: ['inf-model-tamper', 'inf-dependency', 'td-supply-chain']
	},
	{
		id: 'AML.M0013',
		name: 'Code Signing',
		kind: 'atlas',
		description: 'Only signed pipeline code and images may run in training and serving.',
		mitigates: ['inf-dependency', 'inf-model-tamper']
	},
	{
		id: 'AML.M0016',
		name: 'Vulnerability Scanning',
		kind: 'atlas',
		description: 'Scan images, dependencies and model files for known vulnerabilities.',
		mitigates: ['inf-dependency', 'inf-exploit']
	},
	{
		id: 'AML.M0023',
		name: 'AI Bill of Materials',
		kind: 'atlas',
		description: 'List the data, code and libraries that went into each model version.',
		mitigates: ['inf-dependency', 'td-supply-chain']
	},
	{
		id: 'AML.M0024',
		name: 'AI Telemetry Logging',
		kind: 'atlas',
		description: 'Log queries, scores and decisions so attacks can be found and investigated.',
		mitigates: ['api-extraction', 'api-probing', 'api-chaff', 'api-stolen-keys', 'm-evasion']
	},
	{
		id: 'AML.M0012',
		name: 'Encrypt Sensitive Information',
		kind: 'atlas',
		description: 'Encrypt customer data and model files at rest and in transit.',
		mitigates: ['td-exfiltration', 'inf-artifact-theft']
	},
	{
		id: 'ctl-rate-limiting',
		name: 'Rate limiting and request quotas',
		kind: 'classic',
		description: 'Gateway limits per client and per IP, with burst control.',
		mitigates: ['api-dos', 'api-extraction', 'api-chaff']
	},
	{
		id: 'ctl-access-control',
		name: 'Access control with least privilege and MFA',
		kind: 'classic',
		description: 'Role-based access, MFA for staff, short-lived scoped API keys.',
		mitigates: ['api-stolen-keys', 'td-integrity', 'inf-credentials', 'inf-model-tamper']
	},
	{
		id: 'ctl-encryption-at-rest',
		name: 'Encryption at rest and in transit',
		kind: 'classic',
		description: 'Managed keys for the data lake and registry; TLS everywhere.',
		mitigates: ['td-exfiltration', 'inf-artifact-theft']
	},
	{
		id: 'ctl-monitoring',
		name: 'Monitoring and alerting',
		kind: 'classic',
		description: 'Alerts on score distribution shifts, fraud-rate changes and API anomalies.',
		mitigates: ['m-erosion', 'm-evasion', 'api-dos', 'api-chaff', 'api-probing']
	},
	{
		id: 'ctl-data-provenance',
		name: 'Data provenance and versioned snapshots',
		kind: 'classic',
		description: 'Immutable, versioned training snapshots that can be compared and rolled back.',
		mitigates: ['td-poisoning', 'td-integrity', 'm-erosion']
	},
	{
		id: 'ctl-release-gate',
		name: 'Retraining release gate with canary and rollback',
		kind: 'classic',
		description: 'A new model serves a small share next to the old one before promotion.',
		mitigates: ['m-backdoor', 'm-erosion', 'td-poisoning', 'inf-model-tamper']
	},
	{
		id: 'ctl-human-review',
		name: 'Human review of high-value decisions',
		kind: 'classic',
		description: 'Analysts confirm large or unusual payments the model approves.',
		mitigates: ['m-evasion', 'm-backdoor']
	},
	{
		id: 'ctl-secrets-management',
		name: 'Secrets management',
		kind: 'classic',
		description: 'Credentials in a vault with rotation; none in code, CI variables or notebooks.',
		mitigates: ['inf-credentials', 'api-stolen-keys']
	},
	{
		id: 'ctl-patching',
		name: 'Patching, hardening and network segmentation',
		kind: 'classic',
		description: 'Patched gateway and hosts; training and serving networks kept apart.',
		mitigates: ['inf-exploit', 'inf-artifact-theft']
	},
	{
		id: 'ctl-dependency-pinning',
		name: 'Pinned dependencies from a private mirror',
		kind: 'classic',
		description: 'Lock files, reviewed upgrades and an internal package mirror.',
		mitigates: ['inf-dependency']
	},
	{
		id: 'ctl-data-minimisation',
		name: 'Data minimisation and pseudonymisation',
		kind: 'classic',
		description: 'Train on pseudonymous ids and only the features the model needs.',
		mitigates: ['td-exfiltration', 'm-inversion', 'm-membership']
	},
	{
		id: 'ctl-fail-safe',
		name: 'Fail-safe fallback rules',
		kind: 'classic',
		description: 'If scoring is down, fall back to conservative rules, never approve-all.',
		mitigates: ['api-dos']
	}
];

const CONTROL_IDS = new Set(CONTROLS.map((c) => c.id));

export function emptyWorksheet(): Worksheet {
	return {
		version: 1,
		components: { 'training-data': [], model: [], api: [], infrastructure: [] },
		controls: [],
		incidentResponse: { detect: '', contain: '', eradicate: '', recover: '', learn: '' },
		submitted: false
	};
}

/** A library threat as a worksheet entry, scored 3/3/3 until the learner scores it. */
export function threatFromLibrary(entry: LibraryThreat): Threat {
	return {
		id: entry.id,
		name: entry.name,
		source: 'library',
		atlas: entry.atlas,
		likelihood: 3,
		impact: 3,
		detectability: 3
	};
}

/** The next free custom id (custom-1, custom-2, …) across the whole worksheet. */
export function nextCustomId(ws: Worksheet): string {
	let max = 0;
	for (const c of COMPONENTS) {
		for (const t of ws.components[c]) {
			const m = /^custom-(\d+)$/.exec(t.id);
			if (m) max = Math.max(max, Number(m[1]));
		}
	}
	return `custom-${max + 1}`;
}

/**
 * Risk = likelihood × impact (1 to 25): the classic risk-matrix product, so a threat's score is
 * exactly the cell it sits in on the heat map. Difficulty to detect is not multiplied in; it
 * breaks ties in rankThreats, because a threat that goes unseen does damage for longer.
 */
export function riskScore(t: Pick<Threat, 'likelihood' | 'impact'>): number {
	return t.likelihood * t.impact;
}

export type RiskLevel = 'low' | 'medium' | 'high' | 'critical';

/** Bands of the 5×5 matrix: 1-4 low, 5-9 medium, 10-16 high, 20-25 critical. */
export function riskLevel(score: number): RiskLevel {
	if (score >= 20) return 'critical';
	if (score >= 10) return 'high';
	if (score >= 5) return 'medium';
	return 'low';
}

export interface RankedThreat extends Threat {
	component: ComponentId;
	risk: number;
	level: RiskLevel;
}

/**
 * All threats, highest risk first. Ties: harder to detect first, then higher impact, then
 * component order and name, so the order is stable.
 */
export function rankThreats(ws: Worksheet): RankedThreat[] {
	const all = COMPONENTS.flatMap((component, ci) =>
		ws.components[component].map((t) => ({ ...t, component, risk: riskScore(t), ci }))
	);
	all.sort(
		(a, b) =>
			b.risk - a.risk ||
			b.detectability - a.detectability ||
			b.impact - a.impact ||
			a.ci - b.ci ||
			a.name.localeCompare(b.name)
	);
	return all.map(({ ci: _ci, ...t }) => ({ ...t, level: riskLevel(t.risk) }));
}

/** counts[impact - 1][likelihood - 1]: how many threats sit in each cell. */
export function riskMatrix(ws: Worksheet): number[][] {
	const counts = Array.from({ length: 5 }, () => [0, 0, 0, 0, 0]);
	for (const c of COMPONENTS) {
		for (const t of ws.components[c]) counts[t.impact - 1][t.likelihood - 1]++;
	}
	return counts;
}

/** Controls chosen, each with the worksheet threats it addresses. */
export function chosenControls(ws: Worksheet): { control: Control; addresses: RankedThreat[] }[] {
	const ranked = rankThreats(ws);
	return ws.controls
		.map((id) => CONTROLS.find((c) => c.id === id))
		.filter((c): c is Control => c !== undefined)
		.map((control) => ({
			control,
			addresses: ranked.filter((t) => control.mitigates.includes(t.id))
		}));
}

// ---- Validation -------------------------------------------------------------------------------

export type ValidationResult = { ok: true; worksheet: Worksheet } | { ok: false; error: string };

const MAX_NAME = 200;
const MAX_TEXT = 10_000;
const ATLAS_ID = /^AML\.T\d{4}(\.\d{3})?$/;

class Invalid extends Error {}

function describe(value: unknown): string {
	if (value === undefined) return 'nothing';
	if (typeof value === 'string')
		return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
	if (Array.isArray(value)) return 'a list';
	if (value === null) return 'null';
	if (typeof value === 'object') return 'an object';
	return String(value);
}

function isRecord(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function record(v: unknown, path: string): Record<string, unknown> {
	if (!isRecord(v)) throw new Invalid(`${path} must be an object, got ${describe(v)}`);
	return v;
}

function text(v: unknown, path: string, max: number, nonEmpty: boolean): string {
	if (typeof v !== 'string') throw new Invalid(`${path} must be text, got ${describe(v)}`);
	if (nonEmpty && v.trim() === '') throw new Invalid(`${path} must not be empty`);
	if (v.length > max)
		throw new Invalid(`${path} is ${v.length} characters long; the limit is ${max}`);
	return v;
}

function score(v: unknown, path: string): number {
	if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 5) {
		throw new Invalid(`${path} must be a whole number 1-5, got ${describe(v)}`);
	}
	return v;
}

function threat(v: unknown, path: string): Threat {
	const o = record(v, path);
	const id = text(o.id, `${path}.id`, MAX_NAME, true);
	const name = text(o.name, `${path}.name`, MAX_NAME, true);
	if (o.source !== 'library' && o.source !== 'custom') {
		throw new Invalid(`${path}.source must be "library" or "custom", got ${describe(o.source)}`);
	}
	const t: Threat = {
		id,
		name,
		source: o.source,
		likelihood: score(o.likelihood, `${path}.likelihood`),
		impact: score(o.impact, `${path}.impact`),
		detectability: score(o.detectability, `${path}.detectability`)
	};
	if (o.atlas !== undefined) {
		if (typeof o.atlas !== 'string' || !ATLAS_ID.test(o.atlas)) {
			throw new Invalid(
				`${path}.atlas must be an ATLAS technique id like AML.T0020, got ${describe(o.atlas)}`
			);
		}
		t.atlas = o.atlas;
	}
	return t;
}

/**
 * Checks a parsed JSON value is a worksheet. The error names the first bad path, e.g.
 * "components.api[2].likelihood must be a whole number 1-5, got 7". Unknown extra keys are dropped.
 */
export function validateWorksheet(json: unknown): ValidationResult {
	try {
		const o = record(json, 'worksheet');
		if (o.version !== 1) {
			throw new Invalid(`version must be 1, got ${describe(o.version)}`);
		}
		const comps = record(o.components, 'components');
		const ws = emptyWorksheet();
		const seen = new Set<string>();
		for (const c of COMPONENTS) {
			const list = comps[c];
			if (!Array.isArray(list)) {
				throw new Invalid(`components.${c} must be a list of threats, got ${describe(list)}`);
			}
			ws.components[c] = list.map((item, i) => {
				const t = threat(item, `components.${c}[${i}]`);
				if (seen.has(t.id)) {
					throw new Invalid(`components.${c}[${i}].id "${t.id}" is used twice in the worksheet`);
				}
				seen.add(t.id);
				return t;
			});
		}
		const extra = Object.keys(comps).find((k) => !(COMPONENTS as readonly string[]).includes(k));
		if (extra !== undefined) {
			throw new Invalid(`components.${extra} is not a component; use ${COMPONENTS.join(', ')}`);
		}
		if (!Array.isArray(o.controls)) {
			throw new Invalid(`controls must be a list of control ids, got ${describe(o.controls)}`);
		}
		ws.controls = o.controls.map((id, i) => {
			if (typeof id !== 'string' || !CONTROL_IDS.has(id)) {
				throw new Invalid(`controls[${i}] is not a known control id, got ${describe(id)}`);
			}
			return id;
		});
		ws.controls = [...new Set(ws.controls)];
		const ir = record(o.incidentResponse, 'incidentResponse');
		for (const p of IR_PHASES) {
			ws.incidentResponse[p] = text(ir[p], `incidentResponse.${p}`, MAX_TEXT, false);
		}
		if (typeof o.submitted !== 'boolean') {
			throw new Invalid(`submitted must be true or false, got ${describe(o.submitted)}`);
		}
		ws.submitted = o.submitted;
		return { ok: true, worksheet: ws };
	} catch (e) {
		if (e instanceof Invalid) return { ok: false, error: e.message };
		throw e;
	}
}

/** JSON text to worksheet, with a readable error for text that is not JSON at all. */
export function parseWorksheet(jsonText: string): ValidationResult {
	let value: unknown;
	try {
		value = JSON.parse(jsonText);
	} catch (e) {
		return { ok: false, error: `not valid JSON (${(e as Error).message})` };
	}
	return validateWorksheet(value);
}

export function toJson(ws: Worksheet): string {
	return JSON.stringify(ws, null, '\t') + '\n';
}

// ---- Markdown deliverables --------------------------------------------------------------------

function cell(s: string): string {
	return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export const SCENARIO =
	'An AI fraud-detection system for online banking: trained on customer transaction data, served by an API for real-time decisions, retrained monthly on new data.';

export function toMarkdown(ws: Worksheet, title = 'Threat assessment'): string {
	const ranked = rankThreats(ws);
	const out: string[] = [`# ${title}: AI fraud detection for online banking`, '', SCENARIO, ''];

	out.push('## 1. Threat landscape', '');
	for (const c of COMPONENTS) {
		const list = ranked.filter((t) => t.component === c);
		out.push(`### ${COMPONENT_INFO[c].label}`, '');
		if (list.length === 0) out.push('- No threats listed yet.');
		for (const t of list) {
			out.push(`- ${t.name}${t.atlas ? ` (${t.atlas})` : ''}: risk ${t.risk} (${t.level})`);
		}
		out.push('');
	}

	out.push('## 2. Risk assessment matrix', '');
	out.push(
		'| Rank | Threat | Component | ATLAS | Likelihood | Impact | Difficulty to detect | Risk |'
	);
	out.push('| ---: | --- | --- | --- | ---: | ---: | ---: | --- |');
	ranked.forEach((t, i) => {
		out.push(
			`| ${i + 1} | ${cell(t.name)} | ${COMPONENT_INFO[t.component].label} | ${t.atlas ?? '-'} | ${t.likelihood} | ${t.impact} | ${t.detectability} | ${t.risk} (${t.level}) |`
		);
	});
	if (ranked.length === 0) out.push('| - | No threats listed yet | | | | | | |');
	out.push('', 'Threats per cell (rows: impact, columns: likelihood):', '');
	out.push(
		'| Impact \\ Likelihood | 1 | 2 | 3 | 4 | 5 |',
		'| --- | ---: | ---: | ---: | ---: | ---: |'
	);
	const m = riskMatrix(ws);
	for (let i = 5; i >= 1; i--) out.push(`| ${i} | ${m[i - 1].join(' | ')} |`);
	out.push('');

	out.push('## 3. Recommended controls', '');
	const chosen = chosenControls(ws);
	out.push('| Control | Type | Addresses |', '| --- | --- | --- |');
	for (const { control, addresses } of chosen) {
		const type = control.kind === 'atlas' ? `ATLAS mitigation ${control.id}` : 'Classic control';
		const names = addresses.map((t) => cell(t.name)).join('; ') || '-';
		out.push(`| ${cell(control.name)} | ${type} | ${names} |`);
	}
	if (chosen.length === 0) out.push('| No controls chosen yet | | |');
	out.push('');

	out.push('## 4. Incident response outline', '');
	for (const p of IR_PHASES) {
		const body = ws.incidentResponse[p].trim();
		out.push(`### ${IR_INFO[p].label}`, '', body === '' ? '_Not written yet._' : body, '');
	}
	return out.join('\n');
}

// ---- Reference assessment (the teacher's answer) ----------------------------------------------

function ref(id: string, likelihood: number, impact: number, detectability: number): Threat {
	const entry = THREAT_LIBRARY.find((t) => t.id === id);
	if (!entry) throw new Error(`reference assessment names unknown library threat ${id}`);
	return { ...threatFromLibrary(entry), likelihood, impact, detectability };
}

export const REFERENCE_ASSESSMENT: Worksheet = {
	version: 1,
	components: {
		'training-data': [
			ref('td-poisoning', 4, 5, 5),
			ref('td-integrity', 2, 5, 4),
			ref('td-supply-chain', 2, 4, 4),
			ref('td-exfiltration', 3, 5, 3)
		],
		model: [
			ref('m-evasion', 5, 4, 4),
			ref('m-erosion', 3, 4, 5),
			ref('m-backdoor', 2, 5, 5),
			ref('m-membership', 2, 3, 4)
		],
		api: [
			ref('api-probing', 4, 4, 3),
			ref('api-extraction', 3, 4, 3),
			ref('api-dos', 3, 4, 1),
			ref('api-stolen-keys', 3, 4, 3)
		],
		infrastructure: [
			ref('inf-credentials', 3, 5, 3),
			ref('inf-model-tamper', 2, 5, 4),
			ref('inf-dependency', 2, 5, 4),
			ref('inf-exploit', 2, 4, 2)
		]
	},
	controls: [
		'AML.M0007',
		'AML.M0025',
		'AML.M0008',
		'ctl-release-gate',
		'AML.M0003',
		'AML.M0006',
		'ctl-human-review',
		'AML.M0004',
		'AML.M0002',
		'AML.M0024',
		'ctl-monitoring',
		'AML.M0005',
		'AML.M0012',
		'AML.M0014',
		'ctl-secrets-management',
		'ctl-access-control',
		'ctl-fail-safe'
	],
	incidentResponse: {
		detect:
			'Alerts on shifts in the score distribution and approval rate, fraud reported by customers after approval (chargebacks), query bursts from one client, and a new model failing the frozen holdout of known fraud.',
		contain:
			'Roll back to the last trusted model, switch to conservative fallback rules for high-value payments, revoke suspicious API keys and tighten rate limits, and freeze the next monthly retraining.',
		eradicate:
			'Trace poisoned records through data provenance and remove them, rotate all pipeline credentials, patch the exploited component and rebuild images from pinned, verified dependencies.',
		recover:
			'Retrain on the cleaned, verified snapshot; validate on the frozen holdout and a canary before full promotion; re-review payments approved during the incident and refund affected customers.',
		learn:
			'Post-incident review without blame, new detection rules for the attack seen, an updated threat model and risk scores, and notification of the regulator and customers where the law requires it.'
	},
	submitted: true
};
