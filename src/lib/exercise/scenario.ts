// The exercise's scenario, an AI fraud-detection system for online banking, as an overlay on the
// course catalogue (src/lib/course/threats.ts). The catalogue owns the threats, their tags and the
// component vocabulary; this file says how they look in this one system: what each component is,
// and for each catalogue threat the worksheet offers (keyed by its catalogue id) the scenario's
// name and description, the component it sits on and the ATLAS technique it is tagged with.

import { COMPONENTS, THREAT_BY_ID, type Threat } from '$lib/course/threats';
import type { ComponentId, IrPhase, WorksheetThreat } from './worksheet';

export const SCENARIO =
	'An AI fraud-detection system for online banking: trained on customer transaction data, served by an API for real-time decisions, retrained monthly on new data.';

/** What each catalogue component is in this system. */
const COMPONENT_SCENARIO: Record<ComponentId, string> = {
	'training-data':
		'Customer transaction history and fraud labels; new data is added every month for retraining.',
	'model-architecture':
		'The fraud classifier that scores each transaction, replaced after each retraining.',
	'inference-pipeline':
		'The real-time scoring API the payment systems call to approve or block a payment.',
	'deployment-infrastructure':
		'The cloud hosting, data lake, training pipeline, model registry and CI/CD.'
};

/** Each component's catalogue name and what it is in this scenario. */
export const COMPONENT_INFO = Object.fromEntries(
	COMPONENTS.map((c) => [c.id, { label: c.name, description: COMPONENT_SCENARIO[c.id] }])
) as Record<ComponentId, { label: string; description: string }>;

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

export interface ScenarioWording {
	/** Where this system meets the threat: one of the catalogue threat's components. */
	component: ComponentId;
	name: string;
	/** The catalogue threat's ATLAS technique that fits this system best. */
	atlas: string;
	description: string;
}

/**
 * The catalogue threats the worksheet offers, in the scenario's words, keyed by catalogue id and
 * listed in the order the pickers show them. tests/unit/threats.test.ts checks each against the
 * catalogue.
 */
export const SCENARIO_THREATS: Readonly<Record<string, ScenarioWording>> = {
	'data-injection': {
		component: 'training-data',
		name: 'Poisoning of the monthly retraining data',
		atlas: 'AML.T0020',
		description:
			'Fraudsters run fraud that goes unreported, so it enters next month’s data labelled legitimate.'
	},
	'label-flipping': {
		component: 'training-data',
		name: 'Tampering with stored transaction history or labels',
		atlas: 'AML.T0059',
		description: 'An insider or intruder edits records or flips fraud labels in the data lake.'
	},
	'poisoned-public-artifacts': {
		component: 'training-data',
		name: 'Compromised third-party data feed',
		atlas: 'AML.T0010.002',
		description: 'A merchant or device-reputation feed used as features is manipulated upstream.'
	},
	'training-data-theft': {
		component: 'training-data',
		name: 'Theft of customer transaction data',
		atlas: 'AML.T0036',
		description: 'Personal financial data is copied out of the training data store.'
	},
	'adversarial-examples': {
		component: 'model-architecture',
		name: 'Evasion: fraud crafted to score as legitimate',
		atlas: 'AML.T0015',
		description: 'Amounts, timing and merchants are tuned until the model lets the payment through.'
	},
	backdoor: {
		component: 'model-architecture',
		name: 'Backdoor planted through poisoned training',
		atlas: 'AML.T0018.000',
		description: 'A trigger pattern (e.g. a specific amount) makes any transaction pass.'
	},
	'retraining-feedback-skew': {
		component: 'model-architecture',
		name: 'Gradual erosion of model integrity across retrainings',
		atlas: 'AML.T0031',
		description: 'Slow drift pushed by attackers until fraud looks normal to the retrained model.'
	},
	'membership-inference': {
		component: 'model-architecture',
		name: 'Membership inference on customers',
		atlas: 'AML.T0024.000',
		description: 'Scores reveal whether a given customer’s transactions were in the training set.'
	},
	'model-inversion': {
		component: 'model-architecture',
		name: 'Model inversion revealing customer attributes',
		atlas: 'AML.T0024.001',
		description: 'Outputs are used to reconstruct sensitive features of the training data.'
	},
	'model-extraction': {
		component: 'inference-pipeline',
		name: 'Model extraction through repeated scoring queries',
		atlas: 'AML.T0024.002',
		description: 'A copy of the model is trained from API answers and used to plan evasion offline.'
	},
	'black-box-probing': {
		component: 'inference-pipeline',
		name: 'Black-box probing of decision thresholds',
		atlas: 'AML.T0043.001',
		description: 'Small test payments map where the model flips from approve to block.'
	},
	'denial-of-ml-service': {
		component: 'inference-pipeline',
		name: 'Denial of the real-time scoring service',
		atlas: 'AML.T0029',
		description: 'A flood of requests makes payments time out or fall back to approve-all.'
	},
	'chaff-flooding': {
		component: 'inference-pipeline',
		name: 'Chaff transactions swamping fraud analysts',
		atlas: 'AML.T0046',
		description: 'Many borderline alerts hide the real fraud in the review queue.'
	},
	'api-credential-abuse': {
		component: 'inference-pipeline',
		name: 'Abuse of stolen API credentials',
		atlas: 'AML.T0012',
		description: 'A partner’s valid key is used to query or overload the scoring API.'
	},
	'public-facing-exploit': {
		component: 'deployment-infrastructure',
		name: 'Exploit of the public-facing API gateway',
		atlas: 'AML.T0049',
		description: 'An unpatched gateway or serving framework gives access to the hosts.'
	},
	'ml-library-compromise': {
		component: 'deployment-infrastructure',
		name: 'Compromised ML library or dependency',
		atlas: 'AML.T0010.001',
		description: 'A malicious package in the training or serving image runs attacker code.'
	},
	'model-tampering': {
		component: 'deployment-infrastructure',
		name: 'Tampered model in the registry during monthly deployment',
		atlas: 'AML.T0018',
		description: 'The artefact promoted to production is swapped or modified.'
	},
	'unsecured-credentials': {
		component: 'deployment-infrastructure',
		name: 'Unsecured credentials in the training pipeline',
		atlas: 'AML.T0055',
		description: 'Keys in CI variables or notebooks give access to data and the model registry.'
	},
	'weight-exfiltration': {
		component: 'deployment-infrastructure',
		name: 'Theft of model artefacts from storage',
		atlas: 'AML.T0035',
		description: 'Weights and feature pipelines are copied, enabling white-box evasion.'
	}
};

export interface LibraryThreat extends ScenarioWording {
	id: string;
	/** The catalogue entry, for its summary, tags and lab. */
	threat: Threat;
}

/** The built-in library of the exercise: catalogue threats joined with their scenario wording. */
export const LIBRARY: readonly LibraryThreat[] = Object.entries(SCENARIO_THREATS).map(
	([id, wording]) => {
		const threat = THREAT_BY_ID.get(id);
		if (!threat)
			throw new Error(
				`scenario.ts: SCENARIO_THREATS names "${id}", which is not in the threat catalogue`
			);
		return { id, ...wording, threat };
	}
);

export const LIBRARY_BY_ID: ReadonlyMap<string, LibraryThreat> = new Map(
	LIBRARY.map((t) => [t.id, t])
);

/** A library threat as a worksheet entry, scored 3/3/3 until the learner scores it. */
export function threatFromLibrary(entry: LibraryThreat): WorksheetThreat {
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
