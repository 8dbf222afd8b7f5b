// The teacher's answer to the exercise, revealed after Submit: a complete worksheet built from the
// library, scored and written as the course would.

import { LIBRARY_BY_ID, threatFromLibrary } from './scenario';
import { WORKSHEET_VERSION, type Worksheet, type WorksheetThreat } from './worksheet';

function ref(
	id: string,
	likelihood: number,
	impact: number,
	detectability: number
): WorksheetThreat {
	const entry = LIBRARY_BY_ID.get(id);
	if (!entry) throw new Error(`reference assessment names unknown library threat ${id}`);
	return { ...threatFromLibrary(entry), likelihood, impact, detectability };
}

export const REFERENCE_ASSESSMENT: Worksheet = {
	version: WORKSHEET_VERSION,
	components: {
		'training-data': [
			ref('data-injection', 4, 5, 5),
			ref('label-flipping', 2, 5, 4),
			ref('poisoned-public-artifacts', 2, 4, 4),
			ref('training-data-theft', 3, 5, 3)
		],
		'model-architecture': [
			ref('adversarial-examples', 5, 4, 4),
			ref('retraining-feedback-skew', 3, 4, 5),
			ref('backdoor', 2, 5, 5),
			ref('membership-inference', 2, 3, 4)
		],
		'inference-pipeline': [
			ref('black-box-probing', 4, 4, 3),
			ref('model-extraction', 3, 4, 3),
			ref('denial-of-ml-service', 3, 4, 1),
			ref('api-credential-abuse', 3, 4, 3)
		],
		'deployment-infrastructure': [
			ref('unsecured-credentials', 3, 5, 3),
			ref('model-tampering', 2, 5, 4),
			ref('ml-library-compromise', 2, 5, 4),
			ref('public-facing-exploit', 2, 4, 2)
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
