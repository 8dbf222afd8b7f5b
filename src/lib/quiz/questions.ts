/**
 * The knowledge check at /quiz: the lesson's three questions, then at least two per lab. Plain data
 * and one pure scoring function, so the page, the unit tests and the browser tests share one source.
 * The page shows the options in a seeded order per attempt (./shuffle.ts); options are authored so
 * that neither their length nor their position gives the answer away (tests/unit/quiz.test.ts).
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
			{
				id: 'a',
				text: 'To make a model as accurate as possible on held-out data, so that it is hard to fool.'
			},
			{
				id: 'b',
				text: 'To keep an AI system behaving as intended, confidential and available under attack.'
			},
			{
				id: 'c',
				text: 'To make every decision a model takes explainable, so that its users can see why it was made.'
			},
			{
				id: 'd',
				text: 'To stop people from using a model for tasks other than the ones it was designed and tested for.'
			}
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
				text: 'Privacy versus utility: the noise that protects each training record also costs the model accuracy.'
			},
			{
				id: 'c',
				text: 'Speed versus correctness: a faster GPU makes the same model give wrong answers more often.'
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
			{
				id: 'a',
				text: 'A training example given the wrong label on purpose, to teach the model a wrong class.'
			},
			{
				id: 'b',
				text: 'A random, noisy image unlike anything in the training data, which the model has to guess at.'
			},
			{
				id: 'c',
				text: 'An input given a small, deliberately chosen change that fools the model but not a person.'
			},
			{
				id: 'd',
				text: 'A genuine but unusual input, such as a badly written digit, that the model happens to get wrong.'
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
			{ id: 'b', text: 'About 50 %' },
			{ id: 'c', text: 'About 75 %' },
			{ id: 'd', text: 'Over 99 %' }
		],
		correct: 'd',
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
			{
				id: 'a',
				text: 'Little: accuracy stays near 91 %, since PGD is only FGSM repeated in smaller steps.'
			},
			{
				id: 'b',
				text: 'It drops to 0 %: its robustness to FGSM came largely from masked gradients.'
			},
			{
				id: 'c',
				text: 'It costs a few points, to about 85 %, the usual cost of a stronger attack.'
			}
		],
		correct: 'b',
		explanation:
			'One-step adversarial training teaches the model to blunt the one-step attack it was trained against (a hint: it is more accurate at eps 0.25 than at 0.1). PGD takes many small steps from a random start and walks around the masked gradient: 22.7 % accuracy at eps 0.1 and 0 % at eps 0.25. Test a defence with an attack stronger than the one it was trained on.',
		lab: 'adversarial'
	},
	{
		id: 'adversarial-smoothing-sigma',
		source: 'adversarial',
		prompt:
			'Randomized smoothing answers what a CNN says most often under Gaussian noise of sigma. In the adversarial lab’s smoothing panel, what changes when sigma goes from 0.25 to 1?',
		options: [
			{
				id: 'a',
				text: 'Larger L2 radii can be certified, and the base CNN gets fewer clean digits right.'
			},
			{
				id: 'b',
				text: 'Nothing can be certified any more: at that much noise the smoothed classifier always abstains.'
			},
			{
				id: 'c',
				text: 'Both get better: more noise certifies larger radii and also raises clean accuracy.'
			},
			{
				id: 'd',
				text: 'The radii shrink, because noise of sigma 1 hides the digit from the CNN.'
			}
		],
		correct: 'a',
		explanation:
			'Robustness against accuracy, with a certificate: the radius is sigma × Φ⁻¹ of the lower bound on pA, so more noise certifies larger radii (at sigma 1, 44.8 % of digits are certified at radius 1, where sigma 0.25 certifies none), while the CNN trained under that noise reads fewer clean digits (94.7 % against 97.9 %) and abstains more often (13 % against 0.6 %).',
		lab: 'adversarial'
	},
	{
		id: 'adversarial-certify-cost',
		source: 'adversarial',
		prompt:
			'A randomized-smoothing certificate classifies n0 = 100 and then n = 1,000 noisy copies of the digit. In the adversarial lab, which times it on your machine, how does one certified prediction compare with one plain prediction of the same CNN?',
		options: [
			{
				id: 'a',
				text: 'The same: the noisy copies are all drawn and classified once, when the page loads.'
			},
			{
				id: 'b',
				text: 'Far slower: 1,100 noisy copies go through the CNN for each answer, not one.'
			},
			{
				id: 'c',
				text: 'About twice as slow: one forward pass picks the class and a second one counts it.'
			},
			{ id: 'd', text: 'Faster: the noise lets the CNN skip most of its convolutions.' }
		],
		correct: 'b',
		explanation:
			'Security against speed: the certificate needs fresh noisy copies for every input, and each goes through the CNN (in batches of 500). On WASM a certificate takes tens of milliseconds against well under one for a plain prediction, hundreds of times longer; the lesson’s cost chart times it beside the other defences on your device. A payment system with a 10 ms budget could not afford it.',
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
				text: 'After retraining, the model lets through more fraud that resembles the relabelled cases.'
			},
			{
				id: 'b',
				text: 'Little: the retrained model re-learns that fraud from its features, whatever the labels say.'
			},
			{
				id: 'c',
				text: 'The retrained model flags more legitimate transactions as fraud than it did before.'
			},
			{
				id: 'd',
				text: "The retrained model starts leaking the relabelled customers' records in its answers."
			}
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
				text: "Because it only works if the attacker can also change the model's weights after training."
			},
			{
				id: 'b',
				text: 'Because it lowers accuracy on every input a little, which looks like ordinary training noise.'
			},
			{
				id: 'c',
				text: 'Because the model stays accurate on clean inputs and errs only on inputs with the trigger.'
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
				text: 'The attacker sends many queries to the prediction API and trains a copy on its answers.'
			},
			{
				id: 'b',
				text: 'The attacker adds small perturbations to inputs until the model misclassifies them.'
			},
			{
				id: 'c',
				text: 'The attacker slips mislabelled examples into the training data the model will learn from.'
			}
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
			{ id: 'a', text: 'Limiting how many queries each account may send in an hour.' },
			{ id: 'b', text: 'Returning all class probabilities instead of only the top label.' },
			{ id: 'c', text: 'Watching for accounts whose queries look unlike normal traffic.' },
			{ id: 'd', text: 'Adding a short random delay before it sends each answer.' }
		],
		correct: 'b',
		explanation:
			'Full probabilities tell the attacker how sure the model is and what it nearly chose, far more per query than a single label, so a copy needs fewer queries. This is the transparency versus security trade-off: the more an API explains, the more it gives away. Rate limits and query monitoring make extraction slower and easier to spot.',
		lab: 'extraction'
	},
	{
		id: 'extraction-rounding',
		source: 'extraction',
		prompt:
			'The extraction lab’s API can round its probabilities to one decimal before answering. What does that do to the attacks on the fraud models?',
		options: [
			{
				id: 'a',
				text: 'It stops every attack: no copy can learn anything from answers rounded that far.'
			},
			{ id: 'b', text: 'Nothing at all: one decimal keeps everything an attacker needs.' },
			{
				id: 'c',
				text: 'Equation solving loses the exact weights; learned copies still mostly agree.'
			},
			{ id: 'd', text: 'Only the random queries fail, since their answers all round to zero.' }
		],
		correct: 'c',
		explanation:
			'Transparency against security: equation solving recovers the logistic regression from 11 exact answers (error 6.7e-16), but with one decimal its error is 2.5, useless. Learning attacks only need the answers to point the right way: the Jacobian attacker’s copy of the fraud MLP still agrees with the victim on 96.3 % of held-out transactions. Label-only answers slow it a little more; detection (PRADA) and budgets do the rest.',
		lab: 'extraction'
	},
	{
		id: 'privacy-noise',
		source: 'privacy',
		prompt:
			'In differentially private training (DP-SGD), what happens when you raise the noise multiplier and keep everything else the same?',
		options: [
			{ id: 'a', text: 'Epsilon rises (weaker privacy) and accuracy usually rises too.' },
			{ id: 'b', text: 'Epsilon falls (stronger privacy) and accuracy usually falls.' },
			{ id: 'c', text: 'Epsilon falls (stronger privacy) and accuracy stays the same.' },
			{ id: 'd', text: 'Epsilon rises (weaker privacy) and accuracy usually falls.' }
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
			{
				id: 'a',
				text: 'The training data is deleted once training ends, so nothing about it can leak.'
			},
			{
				id: 'b',
				text: "The model's weights are encrypted, so no one can read the records back out."
			},
			{
				id: 'c',
				text: "The trained model depends less on any one person's record, so less leaks about them."
			},
			{
				id: 'd',
				text: 'The model is more accurate on new data than one trained with a larger epsilon.'
			}
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
				text: 'Membership inference: telling from the answers whether a record was in the training set.'
			},
			{
				id: 'b',
				text: 'Adversarial examples: small input changes that make the finished model give wrong answers.'
			},
			{
				id: 'c',
				text: 'Denial of service: flooding the prediction API with queries until it stops answering.'
			},
			{
				id: 'd',
				text: 'Model extraction: training a copy of the model on the answers its API gives out.'
			}
		],
		correct: 'a',
		explanation:
			'Privacy attacks such as membership inference and model inversion exploit what a model has memorised about individual records. Differential privacy limits that memorisation by design. It does not make the model robust to adversarial inputs, and availability attacks on the API need infrastructure controls.',
		lab: 'privacy'
	},
	{
		id: 'privacy-utility-cost',
		source: 'privacy',
		prompt:
			'In the privacy lab, the digit MLP trained without privacy gets 89.2 % of the held-out digits right. What does the lab measure for the same model trained with DP-SGD at sigma 1 (epsilon 9.11 after 30 epochs)?',
		options: [
			{
				id: 'a',
				text: 'The same 89.2 %: over 30 epochs the noise averages out, so privacy costs no accuracy.'
			},
			{
				id: 'b',
				text: 'About 80 % accuracy, and a weaker membership attack (advantage 0.147, not 0.233).'
			},
			{
				id: 'c',
				text: 'About 99 %: the noise works as a regulariser, so the model stops overfitting its digits.'
			},
			{
				id: 'd',
				text: 'About 10 %, chance: any noise at all leaves a model of 1,000 digits guessing.'
			}
		],
		correct: 'b',
		explanation:
			'Privacy against utility, measured: at sigma 1 the privacy lab’s digit MLP reaches 79.6 % held-out accuracy against 89.2 % without privacy, and the loss-threshold membership attack’s advantage falls from 0.233 to 0.147. The noise that hides each training digit also blurs what the model learns from all of them; more noise (sigma 2, epsilon 3.05) costs more (66.4 %). The lesson’s miniature trains the same model at three noise levels on your device.',
		lab: 'privacy'
	},
	{
		id: 'inversion-few-photos',
		source: 'inversion',
		prompt:
			'A model learns each class from only a few training photos. What does a model-inversion attack on one of its classes tend to return?',
		options: [
			{ id: 'a', text: 'A random-looking pattern that only the attacked model accepts.' },
			{ id: 'b', text: 'An image that looks like that class’s own training photos.' },
			{ id: 'c', text: 'The exact average of every image the class could contain.' },
			{ id: 'd', text: 'Nothing: it only works once the weights are public.' }
		],
		correct: 'b',
		explanation:
			'With few photos per class the model has little besides those photos to go on, so the image that maximises its confidence resembles them: nearer to the training photos than to unseen examples of the same class. As the number of photos grows the model learns the class rather than the individuals, and the inversion drifts toward the class average. Black-box attacks need only the confidences.',
		lab: 'inversion'
	},
	{
		id: 'inversion-defence',
		source: 'inversion',
		prompt: 'Which change to a prediction API makes a black-box inversion attack hardest?',
		options: [
			{ id: 'a', text: 'Returning all ten confidences with extra decimal places.' },
			{ id: 'b', text: 'Answering with the top label only, and no confidences.' },
			{ id: 'c', text: 'Serving the model over HTTPS instead of plain HTTP.' },
			{ id: 'd', text: 'Publishing a model card that lists the classes it knows.' }
		],
		correct: 'b',
		explanation:
			'The attacker estimates the gradient of the target class confidence from small differences between answers. Rounded confidences hide most of those differences, and a label-only answer hides almost all of them (Fredrikson et al.’s countermeasure). Encryption in transit protects the answers from eavesdroppers, not from the attacker who asks the questions.',
		lab: 'inversion'
	},
	{
		id: 'supply-chain-signed-trojan',
		source: 'supply-chain',
		prompt:
			'A model downloaded from a hub matches every SHA-256 digest in its manifest, and the manifest carries a valid signature from the publisher’s key. What has this established?',
		options: [
			{
				id: 'a',
				text: 'The files are the ones the key holder signed, nothing about what they do.'
			},
			{
				id: 'b',
				text: 'The model contains no backdoor, since any trojan would change its digest.'
			},
			{ id: 'c', text: 'The model reaches the accuracy its card claims on your own data.' },
			{ id: 'd', text: 'The files cannot run code as they load, since signed files are data.' }
		],
		correct: 'a',
		explanation:
			'Digests prove the bytes are the listed ones; the signature proves the list came from whoever holds the key. An insider, or a stolen key, signs a trojaned model just as easily, and it then passes both checks. Finding the backdoor takes a behaviour scan such as Neural Cleanse; a signed pickle still runs whatever code it carries.',
		lab: 'supply-chain'
	},
	{
		id: 'supply-chain-pickle',
		source: 'supply-chain',
		prompt: 'Why is loading a pickled PyTorch checkpoint from an unknown source a security risk?',
		options: [
			{ id: 'a', text: 'Pickles are compressed, so a small file can fill the whole disk.' },
			{ id: 'b', text: 'Pickles store weights as text, so they are easy to read and steal.' },
			{ id: 'c', text: 'Unpickling can import and call any function the file names.' },
			{ id: 'd', text: 'Pickles skip the checksum, so a download error goes unnoticed.' }
		],
		correct: 'c',
		explanation:
			'A pickle is a small program: its GLOBAL opcode imports a function by name and REDUCE calls it, while the file loads. A checkpoint can therefore run os.system or anything else with your privileges. Formats such as safetensors or tfjs binary weights hold only numbers and a description of them.',
		lab: 'supply-chain'
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
