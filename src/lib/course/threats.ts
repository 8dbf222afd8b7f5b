/**
 * The course's one threat catalogue, with its one component vocabulary: the /learn lesson draws
 * every threat here on the attack surface, and the /exercise worksheet offers the ones its
 * scenario names (src/lib/exercise/scenario.ts adds the fraud-detection wording, keyed by the
 * ids below). Pure data, no Svelte and no DOM, so unit tests and both pages can read it anywhere.
 *
 * Tags are MITRE ATLAS 5.6.0 techniques and OWASP ML Top 10 (2023) entries, checked against
 * tests/reference/ (a copy of the shared reference) by tests/unit/threats.test.ts. Every
 * description is written for this course.
 */
import type { LabEntry } from '$lib/labs/catalogue';

export type LabId = LabEntry['id'];

export type Layer = 'data' | 'model' | 'infrastructure';

export type Component =
	'training-data' | 'model-architecture' | 'inference-pipeline' | 'deployment-infrastructure';

export interface Threat {
	/** kebab-case, stable: saved worksheets store it for the threats the exercise offers. */
	id: string;
	name: string;
	layer: Layer;
	components: Component[];
	summary: string;
	/** MITRE ATLAS technique ids, most specific first. */
	atlas: string[];
	/** OWASP ML Top 10 ids; empty where the list has no matching entry. */
	owasp: string[];
	/** The lab that shows this threat live, or null when none does. */
	lab: LabId | null;
}

export const LAYERS: readonly { id: Layer; name: string; summary: string }[] = [
	{
		id: 'data',
		name: 'Data',
		summary: 'What the model learns from: collection, labelling, storage and retraining feeds.'
	},
	{
		id: 'model',
		name: 'Model',
		summary:
			'The trained function itself: its decision boundaries, its parameters, what it memorised.'
	},
	{
		id: 'infrastructure',
		name: 'Infrastructure',
		summary: 'Everything that runs the model: the API, servers, libraries, storage and credentials.'
	}
];

export const THREATS: readonly Threat[] = [
	{
		id: 'adversarial-examples',
		name: 'Adversarial examples (evasion)',
		layer: 'model',
		components: ['model-architecture', 'inference-pipeline'],
		summary:
			'An attacker changes an input by an amount a person would not notice, in the direction that most increases the model’s error, and the prediction flips. The model is working as trained; its decision boundary simply lies closer to real inputs than we assume.',
		atlas: ['AML.T0043.000', 'AML.T0043', 'AML.T0015'],
		owasp: ['ML01'],
		lab: 'adversarial'
	},
	{
		id: 'black-box-probing',
		name: 'Black-box evasion by probing the API',
		layer: 'model',
		components: ['inference-pipeline', 'model-architecture'],
		summary:
			'Without a copy of the model, an attacker sends slightly varied inputs and watches which ones change the answer, walking toward the decision boundary one query at a time. Each query looks ordinary; only the pattern across many of them gives the search away.',
		atlas: ['AML.T0043.001', 'AML.T0040'],
		owasp: ['ML01'],
		lab: null
	},
	{
		id: 'label-flipping',
		name: 'Data poisoning by label flipping',
		layer: 'data',
		components: ['training-data'],
		summary:
			'Someone who can touch the training set relabels a share of its examples, for instance marking fraud as legitimate. The model learns the wrong rule and nothing crashes: accuracy on the poisoned class slides quietly as the flip rate grows.',
		atlas: ['AML.T0020', 'AML.T0059'],
		owasp: ['ML02'],
		lab: 'poisoning'
	},
	{
		id: 'data-injection',
		name: 'Data poisoning by injected examples',
		layer: 'data',
		components: ['training-data'],
		summary:
			'Many systems learn from data that outsiders add to: transactions, reviews, uploads, reports. An attacker who cannot edit the training set can still contribute to it, planting crafted or wrongly labelled examples where the next training run will collect them.',
		atlas: ['AML.T0020'],
		owasp: ['ML02'],
		lab: 'poisoning'
	},
	{
		id: 'backdoor',
		name: 'Backdoor (trojan) trigger',
		layer: 'model',
		components: ['training-data', 'model-architecture'],
		summary:
			'A few training examples carry a small pattern and the label the attacker wants. The finished model behaves normally on clean inputs, so ordinary testing passes, but any input stamped with the pattern gets the attacker’s label.',
		atlas: ['AML.T0043.004', 'AML.T0018.000', 'AML.T0020'],
		owasp: ['ML10', 'ML02'],
		lab: 'poisoning'
	},
	{
		id: 'model-extraction',
		name: 'Model extraction through the API',
		layer: 'model',
		components: ['inference-pipeline', 'model-architecture'],
		summary:
			'An attacker sends many queries to a prediction API and trains a copy on the answers. The copy costs a fraction of the original to build, and it becomes a private test bench for crafting evasions that transfer back to the real model.',
		atlas: ['AML.T0024.002', 'AML.T0005.001', 'AML.T0040'],
		owasp: ['ML05'],
		lab: 'extraction'
	},
	{
		id: 'membership-inference',
		name: 'Membership inference',
		layer: 'model',
		components: ['training-data', 'model-architecture', 'inference-pipeline'],
		summary:
			'Models are often more confident on the examples they were trained on. By comparing confidence, an attacker can tell whether a given person’s record was in the training set, which is itself sensitive for a hospital or a bank.',
		atlas: ['AML.T0024.000'],
		owasp: ['ML04'],
		lab: 'privacy'
	},
	{
		id: 'model-inversion',
		name: 'Model inversion',
		layer: 'model',
		components: ['training-data', 'model-architecture', 'inference-pipeline'],
		summary:
			'Starting from a label and the model’s scores, an attacker searches for the input the model finds most typical of that label, and recovers a likeness of private training data such as a face. Richer outputs make the search easier.',
		atlas: ['AML.T0024.001'],
		owasp: ['ML03'],
		lab: 'inversion'
	},
	{
		id: 'poisoned-public-artifacts',
		name: 'Poisoned public datasets and pretrained models',
		layer: 'data',
		components: ['training-data', 'model-architecture'],
		summary:
			'Teams download datasets and pretrained weights they did not make and cannot fully inspect. An attacker who publishes or alters one reaches every model built on it; a backdoor in a base model can survive fine-tuning.',
		atlas: ['AML.T0019', 'AML.T0058', 'AML.T0010.002', 'AML.T0010.003'],
		owasp: ['ML06', 'ML07'],
		lab: 'supply-chain'
	},
	{
		id: 'retraining-feedback-skew',
		name: 'Skewing the retraining feedback loop',
		layer: 'data',
		components: ['training-data', 'model-architecture', 'inference-pipeline'],
		summary:
			'A system that retrains on its own traffic or on user feedback lets outsiders vote on what it learns next. Steady, plausible-looking false feedback shifts the model a little each cycle until it favours the attacker.',
		atlas: ['AML.T0031', 'AML.T0059', 'AML.T0020'],
		owasp: ['ML08'],
		lab: 'poisoning'
	},
	{
		id: 'training-data-theft',
		name: 'Theft of training data',
		layer: 'data',
		components: ['training-data', 'deployment-infrastructure'],
		summary:
			'A training set gathers many real records in one place and is copied between buckets, notebooks and laptops. Whoever reaches one of those copies takes the personal or commercial data directly, without going near the model.',
		atlas: ['AML.T0036', 'AML.T0025'],
		owasp: [],
		lab: null
	},
	{
		id: 'api-input-manipulation',
		name: 'Prompt and input manipulation at the API',
		layer: 'infrastructure',
		components: ['inference-pipeline'],
		summary:
			'Inputs reach the model through an application that trusts them: unvalidated formats, hidden instructions in text a language model will read, or fields outside the ranges seen in training. Validation at the boundary decides what the model is ever asked.',
		atlas: ['AML.T0051', 'AML.T0054', 'AML.T0049'],
		owasp: ['ML01'],
		lab: null
	},
	{
		id: 'output-tampering',
		name: 'Output integrity attack',
		layer: 'infrastructure',
		components: ['inference-pipeline', 'deployment-infrastructure'],
		summary:
			'The model may be sound while its answer is changed between the model and whoever acts on it, in a compromised service, queue or client. Signed or integrity-checked responses and logging of what was actually returned are the defence.',
		atlas: ['AML.T0049', 'AML.T0048'],
		owasp: ['ML09'],
		lab: null
	},
	{
		id: 'denial-of-ml-service',
		name: 'Denial of ML service (sponge inputs)',
		layer: 'infrastructure',
		components: ['inference-pipeline', 'deployment-infrastructure'],
		summary:
			'Some inputs cost far more compute than others, and a flood of queries costs money on pay-per-use hardware. An attacker can slow or stop a real-time decision service, or run up its bill, without breaking in.',
		atlas: ['AML.T0029', 'AML.T0034.001', 'AML.T0046'],
		owasp: [],
		lab: null
	},
	{
		id: 'chaff-flooding',
		name: 'Flooding the system with chaff',
		layer: 'infrastructure',
		components: ['inference-pipeline'],
		summary:
			'An attacker sends many inputs built to trip detections or to land just past an alert threshold. The people who review alerts drown in false alarms, start trusting them less, and the real attack passes among the noise.',
		atlas: ['AML.T0046'],
		owasp: [],
		lab: null
	},
	{
		id: 'api-credential-abuse',
		name: 'Abuse of valid API credentials',
		layer: 'infrastructure',
		components: ['inference-pipeline', 'deployment-infrastructure'],
		summary:
			'A key issued to a partner or an internal service is phished, leaked or reused. With it the attacker’s queries look like a customer’s, so authentication alone does not stop extraction, probing or overload; per-key limits and monitoring do.',
		atlas: ['AML.T0012', 'AML.T0040'],
		owasp: [],
		lab: null
	},
	{
		id: 'public-facing-exploit',
		name: 'Exploiting the public-facing service',
		layer: 'infrastructure',
		components: ['deployment-infrastructure', 'inference-pipeline'],
		summary:
			'The gateway, web framework and model server in front of the model are ordinary software with ordinary vulnerabilities. An unpatched flaw there gives an attacker a foothold on the hosts that hold the model, its data and its keys.',
		atlas: ['AML.T0049'],
		owasp: [],
		lab: null
	},
	{
		id: 'weight-exfiltration',
		name: 'Model theft from infrastructure',
		layer: 'infrastructure',
		components: ['deployment-infrastructure', 'model-architecture'],
		summary:
			'Trained weights are a file: on a build server, in a bucket, in a container image. Stolen credentials or a misconfigured store hand over the whole model at once, with no querying needed.',
		atlas: ['AML.T0025', 'AML.T0035', 'AML.T0055', 'AML.T0048.004'],
		owasp: ['ML05'],
		lab: null
	},
	{
		id: 'unsecured-credentials',
		name: 'Unsecured credentials in the ML pipeline',
		layer: 'infrastructure',
		components: ['deployment-infrastructure'],
		summary:
			'Access keys and tokens end up in notebooks, CI variables, configuration files and container images. Whoever finds one inherits the pipeline’s own access to data stores, training jobs and the model registry.',
		atlas: ['AML.T0055'],
		owasp: [],
		lab: null
	},
	{
		id: 'model-tampering',
		name: 'Tampering with stored model weights',
		layer: 'model',
		components: ['model-architecture', 'deployment-infrastructure'],
		summary:
			'Whoever can write to the model file can change its behaviour directly, by editing weights to plant a backdoor or by embedding code that runs when the file is loaded. Signing artefacts and verifying them at load time closes this path.',
		atlas: ['AML.T0018', 'AML.T0018.002', 'AML.T0076'],
		owasp: ['ML10'],
		lab: 'supply-chain'
	},
	{
		id: 'ml-library-compromise',
		name: 'Compromised ML libraries and tooling',
		layer: 'infrastructure',
		components: ['deployment-infrastructure', 'inference-pipeline'],
		summary:
			'Training and serving code pulls in many packages, container images and model-loading formats. A malicious or hijacked dependency runs with the pipeline’s privileges and can read data, alter models or open a way in.',
		atlas: ['AML.T0010.001', 'AML.T0011.001', 'AML.T0011.000', 'AML.T0010.004'],
		owasp: ['ML06'],
		lab: 'supply-chain'
	}
];

/**
 * Names of the ATLAS techniques used above, as ATLAS 5.6.0 gives them; a sub-technique is shown
 * as "Parent: Sub-technique" so it reads on its own. The unit test checks them against the index.
 */
export const ATLAS_NAMES: Readonly<Record<string, string>> = {
	'AML.T0005.001': 'Create Proxy AI Model: Train Proxy via Replication',
	'AML.T0010.001': 'AI Supply Chain Compromise: AI Software',
	'AML.T0010.002': 'AI Supply Chain Compromise: Data',
	'AML.T0010.003': 'AI Supply Chain Compromise: Model',
	'AML.T0010.004': 'AI Supply Chain Compromise: Container Registry',
	'AML.T0011.000': 'User Execution: Unsafe AI Artifacts',
	'AML.T0011.001': 'User Execution: Malicious Package',
	'AML.T0012': 'Valid Accounts',
	'AML.T0015': 'Evade AI Model',
	'AML.T0018': 'Manipulate AI Model',
	'AML.T0018.000': 'Manipulate AI Model: Poison AI Model',
	'AML.T0018.002': 'Manipulate AI Model: Embed Malware',
	'AML.T0019': 'Publish Poisoned Datasets',
	'AML.T0020': 'Poison Training Data',
	'AML.T0024.000': 'Exfiltration via AI Inference API: Infer Training Data Membership',
	'AML.T0024.001': 'Exfiltration via AI Inference API: Invert AI Model',
	'AML.T0024.002': 'Exfiltration via AI Inference API: Extract AI Model',
	'AML.T0025': 'Exfiltration via Cyber Means',
	'AML.T0029': 'Denial of AI Service',
	'AML.T0031': 'Erode AI Model Integrity',
	'AML.T0034.001': 'Cost Harvesting: Resource-Intensive Queries',
	'AML.T0035': 'AI Artifact Collection',
	'AML.T0036': 'Data from Information Repositories',
	'AML.T0040': 'AI Model Inference API Access',
	'AML.T0043': 'Craft Adversarial Data',
	'AML.T0043.000': 'Craft Adversarial Data: White-Box Optimization',
	'AML.T0043.001': 'Craft Adversarial Data: Black-Box Optimization',
	'AML.T0043.004': 'Craft Adversarial Data: Insert Backdoor Trigger',
	'AML.T0046': 'Spamming AI System with Chaff Data',
	'AML.T0048': 'External Harms',
	'AML.T0048.004': 'External Harms: AI Intellectual Property Theft',
	'AML.T0049': 'Exploit Public-Facing Application',
	'AML.T0051': 'LLM Prompt Injection',
	'AML.T0054': 'LLM Jailbreak',
	'AML.T0055': 'Unsecured Credentials',
	'AML.T0058': 'Publish Poisoned Models',
	'AML.T0059': 'Erode Dataset Integrity',
	'AML.T0076': 'Corrupt AI Model'
};

/** OWASP Machine Learning Security Top 10, 2023 edition. */
export const OWASP_NAMES: Readonly<Record<string, string>> = {
	ML01: 'Input Manipulation Attack',
	ML02: 'Data Poisoning Attack',
	ML03: 'Model Inversion Attack',
	ML04: 'Membership Inference Attack',
	ML05: 'Model Theft',
	ML06: 'AI Supply Chain Attacks',
	ML07: 'Transfer Learning Attack',
	ML08: 'Model Skewing',
	ML09: 'Output Integrity Attack',
	ML10: 'Model Poisoning'
};

export interface TradeOff {
	id: string;
	name: string;
	/** What is traded, in a sentence or two. */
	tension: string;
	lab: LabId;
	/** Fragment on the lab page, without '#', when the evidence sits in one section. */
	anchor: string | null;
	/** What the learner will see there. */
	evidence: string;
}

export const TRADE_OFFS: readonly TradeOff[] = [
	{
		id: 'privacy-utility',
		name: 'Privacy vs utility',
		tension:
			'Differential privacy clips each example’s influence and adds noise during training. More noise means a stronger guarantee that no single record can be recovered, and a less accurate model.',
		lab: 'privacy',
		anchor: 'tradeoff-title',
		evidence:
			'every training run is a point of held-out accuracy against epsilon beside the model trained without privacy, and the membership attack is charted against the same epsilon'
	},
	{
		id: 'robustness-accuracy',
		name: 'Robustness vs accuracy',
		tension:
			'Training on adversarial examples makes a model harder to fool, but it usually costs some accuracy on clean inputs and more training time.',
		lab: 'adversarial',
		anchor: 'curves-title',
		evidence:
			'the robustness curves run FGSM or PGD on up to 2,000 held-out digits against the plain and the FGSM-trained CNN side by side, and the honest check beside them says whether a curve would survive a stronger attacker'
	},
	{
		id: 'security-speed',
		name: 'Security vs speed',
		tension:
			'Every check on the path to a decision adds latency: input transformations, detectors, ensembles. In real-time systems such as payment approval, the time budget limits which defences are affordable.',
		lab: 'adversarial',
		anchor: 'smoothing-title',
		evidence:
			'a certificate from randomized smoothing classifies 1,100 noisy copies of the digit, and the panel times it on your machine; the table above links every other defence to its own lab'
	},
	{
		id: 'transparency-security',
		name: 'Transparency vs security',
		tension:
			'Explaining decisions and returning full confidence scores helps users and auditors, and also hands attackers more signal per query for extraction and inversion.',
		lab: 'extraction',
		anchor: 'explanations-title',
		evidence:
			'turning on explanations recovers the logistic regression from one answer and lets an auditor rank the features the detector relies on; switching between full scores, rounded scores and the label alone changes how fast a copy learns'
	}
];

export interface LifecyclePhase {
	id: string;
	name: string;
	activities: string[];
}

export const LIFECYCLE: readonly LifecyclePhase[] = [
	{
		id: 'design',
		name: 'Design',
		activities: [
			'Model the threats: who would attack this system, through which component, for what gain',
			'Decide what the API returns (label only or scores) and who may query it',
			'Set security requirements next to accuracy and latency targets'
		]
	},
	{
		id: 'data-collection',
		name: 'Data collection',
		activities: [
			'Record the provenance of every dataset and pretrained model',
			'Control who can add or relabel data, and log every change',
			'Remove or protect personal data before it reaches training'
		]
	},
	{
		id: 'training',
		name: 'Training',
		activities: [
			'Screen training data for outliers and suspicious labels',
			'Use adversarial training or differential privacy where the threat model needs them',
			'Train in an isolated environment with pinned, verified dependencies'
		]
	},
	{
		id: 'testing-validation',
		name: 'Testing and validation',
		activities: [
			'Test against adversarial inputs, not only a clean held-out set',
			'Check for backdoors and for leakage such as membership inference',
			'Red-team the whole system, including the API around the model'
		]
	},
	{
		id: 'deployment',
		name: 'Deployment',
		activities: [
			'Sign model artefacts and verify them when loading',
			'Authenticate callers, rate-limit queries and validate inputs',
			'Keep weights and keys out of images and public storage'
		]
	},
	{
		id: 'monitoring-maintenance',
		name: 'Monitoring and maintenance',
		activities: [
			'Watch for drift, unusual query patterns and extraction-like traffic',
			'Vet feedback and new data before each retraining cycle',
			'Keep an incident response plan and patch dependencies'
		]
	}
];

export interface SystemComponent {
	id: Component;
	name: string;
	role: string;
	considerations: string[];
}

export const COMPONENTS: readonly SystemComponent[] = [
	{
		id: 'training-data',
		name: 'Training data',
		role: 'The examples the model learns its behaviour from.',
		considerations: [
			'Integrity: poisoned or mislabelled examples become learned behaviour',
			'Provenance: know where each dataset came from and who changed it',
			'Confidentiality: personal records can leak back out through the model'
		]
	},
	{
		id: 'model-architecture',
		name: 'Model architecture',
		role: 'The network design and the trained weights that encode what was learned.',
		considerations: [
			'Robustness: how far an input must move before the prediction changes',
			'Intellectual property: the weights are valuable and can be copied',
			'Memorisation: a model that overfits gives away its training data'
		]
	},
	{
		id: 'inference-pipeline',
		name: 'Inference pipeline',
		role: 'The path from a request to a decision: preprocessing, the model, post-processing, the API.',
		considerations: [
			'Input validation: reject what the model was never meant to see',
			'Output design: every extra digit of confidence is signal for an attacker',
			'Rate limits and monitoring against extraction and resource exhaustion'
		]
	},
	{
		id: 'deployment-infrastructure',
		name: 'Deployment infrastructure',
		role: 'The servers, containers, storage, libraries and credentials the system runs on.',
		considerations: [
			'Access control on model files, data stores and training jobs',
			'Supply chain: pinned, verified libraries and base images',
			'Classic hardening still applies: patching, secrets management, logging'
		]
	}
];

export interface Concern {
	id: 'model' | 'data' | 'infrastructure' | 'pipeline';
	name: string;
	summary: string;
}

export const CONCERNS: readonly Concern[] = [
	{
		id: 'model',
		name: 'Model security',
		summary:
			'Keep the model’s behaviour correct under attack and its parameters out of other hands: resistance to evasion, backdoors and copying.'
	},
	{
		id: 'data',
		name: 'Data security',
		summary:
			'Protect the integrity of what the model learns from and the privacy of the people in it, from collection through every retraining.'
	},
	{
		id: 'infrastructure',
		name: 'Infrastructure security',
		summary:
			'Secure the machines, storage, credentials and dependencies that train and serve the model, as for any critical system.'
	},
	{
		id: 'pipeline',
		name: 'Pipeline security',
		summary:
			'Guard the path between stages: data flowing into training, models flowing into production, and feedback flowing back in.'
	}
];

/** Catalogue threats by id. */
export const THREAT_BY_ID: ReadonlyMap<string, Threat> = new Map(THREATS.map((t) => [t.id, t]));

/** Threats of one layer, in catalogue order. */
export function threatsInLayer(layer: Layer): Threat[] {
	return THREATS.filter((t) => t.layer === layer);
}
