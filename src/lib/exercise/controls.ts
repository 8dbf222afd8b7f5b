// The controls the learner can recommend in step 3: ATLAS mitigations and classic security
// controls, each with the library threats it reduces.

import { rankThreats, type RankedThreat } from './scoring';
import type { Worksheet } from './worksheet';
import type { LabId } from '$lib/course/threats';

export interface Control {
	id: string;
	name: string;
	kind: 'atlas' | 'classic';
	description: string;
	/** Catalogue ids of the library threats this control reduces. */
	mitigates: string[];
	/** The lab where the learner can try the control, if one shows it. */
	lab?: LabId;
}

// ATLAS mitigations use their ATLAS id as control id; classic controls use 'ctl-…'.
export const CONTROLS: readonly Control[] = [
	{
		id: 'AML.M0007',
		name: 'Sanitize Training Data',
		kind: 'atlas',
		description: 'Screen each monthly batch for outliers, label noise and suspicious clusters.',
		mitigates: ['data-injection', 'label-flipping', 'backdoor', 'retraining-feedback-skew']
	},
	{
		id: 'AML.M0025',
		name: 'Maintain AI Dataset Provenance',
		kind: 'atlas',
		description: 'Record where every record and label came from, with hashes per batch.',
		mitigates: ['data-injection', 'label-flipping', 'poisoned-public-artifacts']
	},
	{
		id: 'AML.M0008',
		name: 'Validate AI Model',
		kind: 'atlas',
		description: 'Test each retrained model on a trusted, frozen holdout and known fraud cases.',
		mitigates: ['backdoor', 'retraining-feedback-skew', 'data-injection']
	},
	{
		id: 'AML.M0003',
		name: 'Model Hardening',
		kind: 'atlas',
		description: 'Adversarial training and robust features that are costly for fraudsters to fake.',
		mitigates: ['adversarial-examples', 'black-box-probing']
	},
	{
		id: 'AML.M0006',
		name: 'Use Ensemble Methods',
		kind: 'atlas',
		description: 'Combine models and rules so one evasion does not pass every check.',
		mitigates: ['adversarial-examples', 'backdoor']
	},
	{
		id: 'AML.M0015',
		name: 'Adversarial Input Detection',
		kind: 'atlas',
		description: 'Flag query patterns and inputs that look like probing or crafted transactions.',
		mitigates: ['black-box-probing', 'model-extraction', 'adversarial-examples']
	},
	{
		id: 'AML.M0004',
		name: 'Restrict Number of AI Model Queries',
		kind: 'atlas',
		description: 'Per-client query budgets on the scoring API.',
		mitigates: [
			'model-extraction',
			'black-box-probing',
			'denial-of-ml-service',
			'membership-inference',
			'model-inversion'
		]
	},
	{
		id: 'AML.M0002',
		name: 'Passive AI Output Obfuscation',
		kind: 'atlas',
		description: 'Return approve/review/block, not the raw fraud probability.',
		mitigates: ['model-extraction', 'membership-inference', 'model-inversion', 'black-box-probing']
	},
	{
		id: 'AML.M0019',
		name: 'Control Access to AI Models and Data in Production',
		kind: 'atlas',
		description: 'Only authenticated payment systems may call the scoring API.',
		mitigates: ['api-credential-abuse', 'model-extraction']
	},
	{
		id: 'AML.M0005',
		name: 'Control Access to AI Models and Data at Rest',
		kind: 'atlas',
		description: 'Restrict who can read or write training data, features and model files.',
		mitigates: ['label-flipping', 'training-data-theft', 'weight-exfiltration', 'model-tampering']
	},
	{
		id: 'AML.M0014',
		name: 'Verify AI Artifacts',
		kind: 'atlas',
		description: 'Check hashes or signatures of models and datasets before use.',
		mitigates: ['model-tampering', 'ml-library-compromise', 'poisoned-public-artifacts'],
		lab: 'supply-chain'
	},
	{
		id: 'AML.M0013',
		name: 'Code Signing',
		kind: 'atlas',
		description: 'Only signed pipeline code and images may run in training and serving.',
		mitigates: ['ml-library-compromise', 'model-tampering'],
		lab: 'supply-chain'
	},
	{
		id: 'AML.M0016',
		name: 'Vulnerability Scanning',
		kind: 'atlas',
		description: 'Scan images, dependencies and model files for known vulnerabilities.',
		mitigates: ['ml-library-compromise', 'public-facing-exploit'],
		lab: 'supply-chain'
	},
	{
		id: 'AML.M0023',
		name: 'AI Bill of Materials',
		kind: 'atlas',
		description: 'List the data, code and libraries that went into each model version.',
		mitigates: ['ml-library-compromise', 'poisoned-public-artifacts']
	},
	{
		id: 'AML.M0024',
		name: 'AI Telemetry Logging',
		kind: 'atlas',
		description: 'Log queries, scores and decisions so attacks can be found and investigated.',
		mitigates: [
			'model-extraction',
			'black-box-probing',
			'chaff-flooding',
			'api-credential-abuse',
			'adversarial-examples'
		]
	},
	{
		id: 'AML.M0012',
		name: 'Encrypt Sensitive Information',
		kind: 'atlas',
		description: 'Encrypt customer data and model files at rest and in transit.',
		mitigates: ['training-data-theft', 'weight-exfiltration']
	},
	{
		id: 'ctl-rate-limiting',
		name: 'Rate limiting and request quotas',
		kind: 'classic',
		description: 'Gateway limits per client and per IP, with burst control.',
		mitigates: ['denial-of-ml-service', 'model-extraction', 'chaff-flooding']
	},
	{
		id: 'ctl-access-control',
		name: 'Access control with least privilege and MFA',
		kind: 'classic',
		description: 'Role-based access, MFA for staff, short-lived scoped API keys.',
		mitigates: [
			'api-credential-abuse',
			'label-flipping',
			'unsecured-credentials',
			'model-tampering'
		]
	},
	{
		id: 'ctl-encryption-at-rest',
		name: 'Encryption at rest and in transit',
		kind: 'classic',
		description: 'Managed keys for the data lake and registry; TLS everywhere.',
		mitigates: ['training-data-theft', 'weight-exfiltration']
	},
	{
		id: 'ctl-monitoring',
		name: 'Monitoring and alerting',
		kind: 'classic',
		description: 'Alerts on score distribution shifts, fraud-rate changes and API anomalies.',
		mitigates: [
			'retraining-feedback-skew',
			'adversarial-examples',
			'denial-of-ml-service',
			'chaff-flooding',
			'black-box-probing'
		]
	},
	{
		id: 'ctl-data-provenance',
		name: 'Data provenance and versioned snapshots',
		kind: 'classic',
		description: 'Immutable, versioned training snapshots that can be compared and rolled back.',
		mitigates: ['data-injection', 'label-flipping', 'retraining-feedback-skew']
	},
	{
		id: 'ctl-release-gate',
		name: 'Retraining release gate with canary and rollback',
		kind: 'classic',
		description: 'A new model serves a small share next to the old one before promotion.',
		mitigates: ['backdoor', 'retraining-feedback-skew', 'data-injection', 'model-tampering']
	},
	{
		id: 'ctl-human-review',
		name: 'Human review of high-value decisions',
		kind: 'classic',
		description: 'Analysts confirm large or unusual payments the model approves.',
		mitigates: ['adversarial-examples', 'backdoor']
	},
	{
		id: 'ctl-secrets-management',
		name: 'Secrets management',
		kind: 'classic',
		description: 'Credentials in a vault with rotation; none in code, CI variables or notebooks.',
		mitigates: ['unsecured-credentials', 'api-credential-abuse']
	},
	{
		id: 'ctl-patching',
		name: 'Patching, hardening and network segmentation',
		kind: 'classic',
		description: 'Patched gateway and hosts; training and serving networks kept apart.',
		mitigates: ['public-facing-exploit', 'weight-exfiltration']
	},
	{
		id: 'ctl-dependency-pinning',
		name: 'Pinned dependencies from a private mirror',
		kind: 'classic',
		description: 'Lock files, reviewed upgrades and an internal package mirror.',
		mitigates: ['ml-library-compromise']
	},
	{
		id: 'ctl-data-minimisation',
		name: 'Data minimisation and pseudonymisation',
		kind: 'classic',
		description: 'Train on pseudonymous ids and only the features the model needs.',
		mitigates: ['training-data-theft', 'model-inversion', 'membership-inference']
	},
	{
		id: 'ctl-fail-safe',
		name: 'Fail-safe fallback rules',
		kind: 'classic',
		description: 'If scoring is down, fall back to conservative rules, never approve-all.',
		mitigates: ['denial-of-ml-service']
	}
];

export const CONTROL_IDS: ReadonlySet<string> = new Set(CONTROLS.map((c) => c.id));

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
