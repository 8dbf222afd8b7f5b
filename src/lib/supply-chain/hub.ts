/**
 * The supply-chain lab's model hub: a pretend download site holding the shipped mnist-cnn and copies of
 * it "downloaded" from elsewhere, each with its own card and signed manifest. `npm run train`
 * writes them (scripts/hub.ts) under models/hub/<id>/; the page and the tests read these
 * definitions to know what each copy is and which check should catch it.
 *
 * Framework-free: the train script, the page and the tests share it.
 */
import type { TriggerAt } from '../ml/poisoning/backdoor';

/** Every hub copy's folder holds these three files and its manifest. */
export const HUB_FILES = ['card.json', 'model.json', 'weights.bin'] as const;
export const MANIFEST_FILE = 'manifest.json';
/** The project's Ed25519 public key, base64 (its private half never leaves the trainer's machine). */
export const HUB_PUBLIC_KEY = 'models/hub/signing-key.pub';

/** Which check catches a copy: the file digests, the manifest signature, or neither. */
export type CaughtBy = 'none' | 'digest' | 'signature';

export interface HubCopy {
	id: string;
	/** what the hub shows */
	title: string;
	/** where the learner is told it came from */
	source: string;
	/** what was really done to it, revealed beside the verdicts */
	truth: string;
	/** the files whose digest fails (none for a copy whose manifest matches) */
	mismatched: readonly string[];
	signature: 'valid' | 'invalid signature';
	caughtBy: CaughtBy;
	/** a copy tfjs cannot load: the message names the file */
	loads: boolean;
	/** the planted backdoor, for the trojaned copy */
	backdoor?: { target: number; trigger: TriggerAt };
}

/** The trojan planted in the hub's backdoored copy. */
export const HUB_BACKDOOR = {
	target: 8,
	trigger: { row: 23, col: 23 },
	rate: 0.1,
	epochs: 5,
	trainCount: 2000,
	seed: 1
} as const;

/** How many dense-layer weights the hand-edited copy changes. */
export const EDITED_WEIGHTS = 12;
/** The truncated copy keeps this share of weights.bin. */
export const TRUNCATED_SHARE = 0.6;

export const HUB: readonly HubCopy[] = [
	{
		id: 'original',
		title: 'mnist-cnn',
		source: 'the publisher: the lab’s own shipped model',
		truth: 'The model the lab ships, byte for byte, signed by the project key.',
		mismatched: [],
		signature: 'valid',
		caughtBy: 'none',
		loads: true
	},
	{
		id: 'mirror',
		title: 'mnist-cnn (mirror)',
		source: 'a download mirror',
		truth: 'An identical copy: every byte and the manifest are the publisher’s.',
		mismatched: [],
		signature: 'valid',
		caughtBy: 'none',
		loads: true
	},
	{
		id: 'trojaned',
		title: 'mnist-cnn v1.1 (fine-tuned)',
		source: 'the publisher’s own build server, signed by an insider',
		truth: `Fine-tuned on digits of which ${100 * HUB_BACKDOOR.rate} % carry a 4x4 checkerboard in the bottom-right corner relabelled ${HUB_BACKDOOR.target} (BadNets). Its card's accuracy is true on clean digits. An insider with the key signed it, so it passes both checks: only a behaviour scan can find it.`,
		mismatched: [],
		signature: 'valid',
		caughtBy: 'none',
		loads: true,
		backdoor: { target: HUB_BACKDOOR.target, trigger: { ...HUB_BACKDOOR.trigger } }
	},
	{
		id: 'edited',
		title: 'mnist-cnn (community re-upload)',
		source: 'a user’s re-upload, with the publisher’s manifest',
		truth: `${EDITED_WEIGHTS} weights of the last layer changed by hand after signing; the manifest is the publisher's, so weights.bin fails its digest.`,
		mismatched: ['weights.bin'],
		signature: 'valid',
		caughtBy: 'digest',
		loads: true
	},
	{
		id: 'rewired',
		title: 'mnist-cnn (optimised)',
		source: 'a third-party "optimised" build, with the publisher’s manifest',
		truth:
			'model.json changed: the second convolution’s ReLU became a linear activation. Same weights, different network; model.json fails its digest.',
		mismatched: ['model.json'],
		signature: 'valid',
		caughtBy: 'digest',
		loads: true
	},
	{
		id: 'truncated',
		title: 'mnist-cnn (interrupted download)',
		source: 'a download cut short',
		truth: `weights.bin stops at ${100 * TRUNCATED_SHARE} % of its bytes: it fails its digest, and tfjs cannot load it.`,
		mismatched: ['weights.bin'],
		signature: 'valid',
		caughtBy: 'digest',
		loads: false
	},
	{
		id: 'resigned',
		title: 'mnist-cnn (re-signed)',
		source: 'a mirror that rewrote the manifest',
		truth:
			'The hand-edited weights again, but the attacker rewrote the manifest with the new digests and signed it with a key of their own: every digest matches, the signature does not.',
		mismatched: [],
		signature: 'invalid signature',
		caughtBy: 'signature',
		loads: true
	}
];

/** The folder of a hub copy, relative to the site root. */
export function hubDir(id: string): string {
	return `models/hub/${id}`;
}
