/**
 * The knowledge check at /quiz: the lesson's three questions, then at least two per lab. Plain data
 * and one pure scoring function, so the page, the unit tests and the browser tests share one source.
 * Options keep their authored order (no shuffle), which keeps the page and the tests deterministic.
 */
import type { LabEntry } from '$lib/labs/catalogue';

export type LabId = LabEntry['id'];

export interface QuizOption {
	/** Unique within its question; also the radio's value. */
	id: string;
	text: string;
}

export interface QuizQuestion {
	/** Unique across the quiz; also the radio group's name. */
	id: string;
	/** Where the question comes from: the lesson, or the lab it checks. */
	source: 'lesson' | LabId;
	prompt: string;
	options: readonly QuizOption[];
	/** The id of the one correct option. */
	correct: string;
	/** Why the correct option is right (and the tempting ones are not), in a few sentences. */
	explanation: string;
	/** The lab that shows the answer live. */
	lab: LabId;
}

/** Question id -> chosen option id. A missing or undefined entry is an unanswered question. */
export type QuizAnswers = Readonly<Record<string, string | undefined>>;

export interface QuizScore {
	correct: number;
	wrong: number;
	answered: number;
	total: number;
}

export const QUESTIONS: readonly QuizQuestion[] = [
	{
		id: 'goal',
		source: 'lesson',
		prompt: 'What is the primary goal of AI security?',
		options: [
			{ id: 'a', text: 'To make a model as accurate as possible on its test set.' },
			{
				id: 'b',
				text: 'To protect AI systems (their data, models and infrastructure) so they behave as intended, keep their secrets and stay available, even when someone attacks them.'
			},
			{ id: 'c', text: 'To make every decision a model takes explainable to its users.' },
			{ id: 'd', text: 'To stop people from using AI for tasks it was not designed for.' }
		],
		correct: 'b',
		explanation:
			'Accuracy and explainability describe a model nobody is attacking. AI security asks what happens when someone is: the integrity, confidentiality and availability of the data, the model and the pipeline around them. A CNN that gets 98.3 % of held-out digits right can still be fooled on 99.3 % of them by a perturbation a person barely notices.',
		lab: 'adversarial'
	},
	{
		id: 'training-data-attack',
		source: 'lesson',
		prompt: "Which attack corrupts a model's training data?",
		options: [
			{ id: 'a', text: 'Adversarial examples' },
			{ id: 'b', text: 'Model extraction' },
			{ id: 'c', text: 'Data poisoning' },
			{ id: 'd', text: 'Model inversion' }
		],
		correct: 'c',
		explanation:
			'Data poisoning strikes before the model exists: an attacker who can add or relabel training examples shapes what the model learns. Adversarial examples attack a finished model through its inputs, model extraction copies a model through its API, and model inversion recovers information about the training data from a trained model.',
		lab: 'poisoning'
	},
	{
		id: 'trade-off',
		source: 'lesson',
		prompt: 'Which of these is a common trade-off in AI security?',
		options: [
			{
				id: 'a',
				text: 'Data size versus privacy: every extra training record makes the model leak more about each person.'
			},
			{
				id: 'b',
				text: 'Privacy versus utility: the noise that protects individual training records also costs the model accuracy.'
			},
			{
				id: 'c',
				text: "Speed versus correctness: a faster GPU makes a model's predictions less correct."
			}
		],
		correct: 'b',
		explanation:
			"Four trade-offs keep coming back: privacy versus utility, robustness versus accuracy, security versus speed and transparency versus security. Differentially private training adds noise that hides any one person's record, and the same noise lowers accuracy. More data does not leak more per person (it usually dilutes each record), and the hardware does not change a model's answers.",
		lab: 'privacy'
	},
	{
		id: 'adversarial-definition',
		source: 'adversarial',
		prompt: 'What is an adversarial example?',
		options: [
			{ id: 'a', text: 'A training example that was given the wrong label on purpose.' },
			{
				id: 'b',
				text: 'A random, noisy image unlike anything the model saw in training.'
			},
			{
				id: 'c',
				text: 'An input changed by a small, deliberately chosen perturbation so that the model gets it wrong while a person still sees the original.'
			}
		],
		correct: 'c',
		explanation:
			"The perturbation is chosen, not random: attacks such as FGSM follow the sign of the model's loss gradient, so every pixel moves in the direction that hurts the model most. The digit still looks like itself to a person. A wrongly labelled training example is data poisoning, which acts on training rather than on a finished model.",
		lab: 'adversarial'
	},
	{
		id: 'adversarial-fgsm-rate',
		source: 'adversarial',
		prompt:
			'The plain CNN gets 98.3 % of the held-out digits right. About how many of them does FGSM at eps 0.25 make it get wrong?',
		options: [
			{ id: 'a', text: 'About 10 %' },
			{ id: 'b', text: 'About half' },
			{ id: 'c', text: 'Nearly all of them: over 99 %' }
		],
		correct: 'c',
		explanation:
			'Measured on all 2,000 held-out digits, FGSM at eps 0.25 makes the CNN wrong on 99.3 % of them, and it is confidently wrong: 84.6 % mean confidence on its mistakes. High clean accuracy says nothing about accuracy under attack.',
		lab: 'adversarial'
	},
	{
		id: 'adversarial-gradient-masking',
		source: 'adversarial',
		prompt:
			'The FGSM-trained CNN keeps about 91 % accuracy under FGSM at eps 0.25. What does 10-step PGD at the same eps do to it?',
		options: [
			{ id: 'a', text: 'Nothing new: it stays at about 91 %, so the model is robust.' },
			{
				id: 'b',
				text: 'It takes accuracy to 0 %: the FGSM robustness came largely from masked gradients.'
			},
			{ id: 'c', text: 'It costs a few points, to about 85 %.' }
		],
		correct: 'b',
		explanation:
			'One-step adversarial training teaches the model to blunt the one-step attack it was trained against (a hint: it is more accurate at eps 0.25 than at 0.1). PGD takes many small steps from a random start and walks around the masked gradient: 22.7 % accuracy at eps 0.1 and 0 % at eps 0.25. Test a defence with an attack stronger than the one it was trained on.',
		lab: 'adversarial'
	},
	{
		id: 'poisoning-label-flip',
		source: 'poisoning',
		prompt:
			"A fraud-detection model is retrained every month. An attacker relabels some of last month's fraudulent transactions as legitimate. What is the likely effect?",
		options: [
			{
				id: 'a',
				text: 'The retrained model lets through more fraud that looks like the relabelled cases.'
			},
			{ id: 'b', text: 'Nothing: labels only matter when the model is tested.' },
			{ id: 'c', text: "The model's API becomes slower to answer." },
			{ id: 'd', text: 'The model starts leaking customer records in its answers.' }
		],
		correct: 'a',
		explanation:
			'A model learns whatever its labels say. Flipped labels teach it that this kind of fraud is normal, so similar fraud passes after the next retraining. Regular retraining on fresh data is exactly what gives a poisoner a way in; checking where labels come from and watching for shifts in them is part of the defence.',
		lab: 'poisoning'
	},
	{
		id: 'poisoning-backdoor',
		source: 'poisoning',
		prompt: 'Why is a backdoor (a trigger hidden in poisoned training data) hard to detect?',
		options: [
			{
				id: 'a',
				text: 'Because it only works when the attacker also holds the model weights.'
			},
			{
				id: 'b',
				text: 'Because it lowers accuracy on every input a little, which looks like ordinary noise.'
			},
			{
				id: 'c',
				text: 'Because the model stays accurate on clean inputs and misbehaves only when the trigger is present.'
			}
		],
		correct: 'c',
		explanation:
			'The poisoned examples carry a small pattern (a few bright pixels in a corner, say) and the label the attacker wants. The model learns both the real task and the rule "trigger means that label", so a test set without the trigger shows nothing wrong. Only inputs stamped with the trigger reveal it.',
		lab: 'poisoning'
	},
	{
		id: 'extraction-how',
		source: 'extraction',
		prompt: 'How does a model extraction attack usually work?',
		options: [
			{
				id: 'a',
				text: "The attacker sends many queries to the model's prediction API and trains a copy on its answers."
			},
			{
				id: 'b',
				text: "The attacker adds small perturbations to the model's inputs until it fails."
			},
			{ id: 'c', text: "The attacker inserts mislabelled examples into the model's training data." }
		],
		correct: 'a',
		explanation:
			"Every answer an API gives is a labelled training example for the attacker. With enough well-chosen queries a substitute model agrees with the victim on most inputs, which steals the owner's work and gives the attacker a local copy on which to craft adversarial examples that often transfer back.",
		lab: 'extraction'
	},
	{
		id: 'extraction-output',
		source: 'extraction',
		prompt: 'Which choice in a prediction API makes extraction cheaper for the attacker?',
		options: [
			{ id: 'a', text: 'Limiting how many queries each account may send per hour.' },
			{
				id: 'b',
				text: 'Returning the full list of class probabilities instead of only the top label.'
			},
			{ id: 'c', text: 'Watching for accounts whose queries look unlike normal traffic.' },
			{ id: 'd', text: 'Returning only the top label.' }
		],
		correct: 'b',
		explanation:
			'Full probabilities tell the attacker how sure the model is and what it nearly chose, far more per query than a single label, so a copy needs fewer queries. This is the transparency versus security trade-off: the more an API explains, the more it gives away. Rate limits and query monitoring make extraction slower and easier to spot.',
		lab: 'extraction'
	},
	{
		id: 'privacy-noise',
		source: 'privacy',
		prompt:
			'In differentially private training (DP-SGD), what happens when you raise the noise multiplier and keep everything else the same?',
		options: [
			{ id: 'a', text: 'Epsilon rises (weaker privacy) and accuracy rises.' },
			{
				id: 'b',
				text: 'Epsilon falls (stronger privacy) and accuracy usually falls too.'
			},
			{ id: 'c', text: 'Neither changes: the noise is removed before the model is saved.' }
		],
		correct: 'b',
		explanation:
			"DP-SGD clips each example's gradient and adds Gaussian noise before every update. More noise hides each example better, so the accountant reports a smaller epsilon, but the updates are less precise and the model usually ends up less accurate: privacy versus utility, measured.",
		lab: 'privacy'
	},
	{
		id: 'privacy-epsilon',
		source: 'privacy',
		prompt: 'What does a smaller privacy budget (epsilon) promise?',
		options: [
			{ id: 'a', text: 'The training data is deleted once training ends.' },
			{ id: 'b', text: 'The model weights are encrypted.' },
			{
				id: 'c',
				text: "Any one person's record changes what the trained model does by less, so less can be learned about that person from it."
			},
			{ id: 'd', text: 'The model is more accurate on new data.' }
		],
		correct: 'c',
		explanation:
			'Differential privacy bounds how much the trained model can differ with or without any one record. The smaller epsilon, the tighter the bound, and the less an attacker can infer about whether someone was in the data or what their record said. It says nothing about encryption or deletion, and it usually costs accuracy.',
		lab: 'privacy'
	},
	{
		id: 'privacy-attack',
		source: 'privacy',
		prompt: 'Which attack is differentially private training designed to resist?',
		options: [
			{
				id: 'a',
				text: "Membership inference: telling from a model's answers whether a person's record was in its training data."
			},
			{ id: 'b', text: 'Adversarial examples crafted against the finished model.' },
			{ id: 'c', text: 'Flooding the prediction API until it stops answering.' }
		],
		correct: 'a',
		explanation:
			'Privacy attacks such as membership inference and model inversion exploit what a model has memorised about individual records. Differential privacy limits that memorisation by design. It does not make the model robust to adversarial inputs, and availability attacks on the API need infrastructure controls.',
		lab: 'privacy'
	}
];

/**
 * Counts right and wrong answers. Unanswered questions (and answers to questions not in the quiz)
 * count as neither; an answer that is not one of the question's options counts as wrong.
 */
export function scoreQuiz(
	answers: QuizAnswers,
	questions: readonly QuizQuestion[] = QUESTIONS
): QuizScore {
	let correct = 0;
	let answered = 0;
	for (const question of questions) {
		const answer = answers[question.id];
		if (answer === undefined) continue;
		answered++;
		if (answer === question.correct) correct++;
	}
	return { correct, wrong: answered - correct, answered, total: questions.length };
}
