// The version-1 worksheet format, saved and exported before the lesson and the exercise shared one
// threat catalogue: its own component names and its own ids for the built-in threats. The loader
// reads such files and renames both; nothing writes version 1 any more.

import type { ComponentId } from './worksheet';

/** Version-1 component keys, in file order, with the catalogue component each one became. */
export const V1_COMPONENTS: readonly (readonly [string, ComponentId])[] = [
	['training-data', 'training-data'],
	['model', 'model-architecture'],
	['api', 'inference-pipeline'],
	['infrastructure', 'deployment-infrastructure']
];

/** Version-1 library threat ids and the catalogue threat each one is now (src/lib/course/threats.ts). */
export const V1_LIBRARY_IDS: ReadonlyMap<string, string> = new Map([
	['td-poisoning', 'data-injection'],
	['td-integrity', 'label-flipping'],
	['td-supply-chain', 'poisoned-public-artifacts'],
	['td-exfiltration', 'training-data-theft'],
	['m-evasion', 'adversarial-examples'],
	['m-backdoor', 'backdoor'],
	['m-erosion', 'retraining-feedback-skew'],
	['m-membership', 'membership-inference'],
	['m-inversion', 'model-inversion'],
	['api-extraction', 'model-extraction'],
	['api-probing', 'black-box-probing'],
	['api-dos', 'denial-of-ml-service'],
	['api-chaff', 'chaff-flooding'],
	['api-stolen-keys', 'api-credential-abuse'],
	['inf-exploit', 'public-facing-exploit'],
	['inf-dependency', 'ml-library-compromise'],
	['inf-model-tamper', 'model-tampering'],
	['inf-credentials', 'unsecured-credentials'],
	['inf-artifact-theft', 'weight-exfiltration']
]);
