import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	ATTEMPT_KEY,
	parseAttempt,
	serializeAttempt,
	type AttemptStorage,
	type QuizAttempt
} from '../../src/lib/quiz/attempt';
import { QUESTIONS, type QuizQuestion } from '../../src/lib/quiz/questions';
import { QuizState } from '../../src/lib/quiz/quiz-state.svelte';
import { MAX_SEED, newSeed, shuffledOptions, shuffleQuestions } from '../../src/lib/quiz/shuffle';

const seeds = fc.integer({ min: 0, max: MAX_SEED });

/** localStorage's getItem/setItem over a Map, holding `initial` under the quiz's key if given. */
function memoryStorage(initial?: string) {
	const items = new Map<string, string>();
	if (initial !== undefined) items.set(ATTEMPT_KEY, initial);
	return {
		getItem: (key: string) => items.get(key) ?? null,
		setItem: (key: string, value: string) => void items.set(key, value),
		stored: () => items.get(ATTEMPT_KEY)
	};
}

/** A storage the browser refuses to use: every call throws, as in some private modes. */
const refusingStorage: AttemptStorage = {
	getItem: () => {
		throw new DOMException('The operation is insecure.', 'SecurityError');
	},
	setItem: () => {
		throw new DOMException('Quota exceeded', 'QuotaExceededError');
	}
};

/** The option texts of every question, in the order the quiz shows them. */
function order(questions: readonly QuizQuestion[]): string[][] {
	return questions.map((q) => q.options.map((option) => option.text));
}

function correctPosition(q: QuizQuestion, seed: number): number {
	return shuffledOptions(q, seed).findIndex((option) => option.id === q.correct);
}

/** Every answer in the attempt names a question of the quiz and one of its options. */
function expectValidAnswers(attempt: QuizAttempt) {
	for (const answers of [attempt.selected, attempt.checked]) {
		for (const [questionId, optionId] of Object.entries(answers)) {
			const q = QUESTIONS.find((question) => question.id === questionId);
			expect(q?.options.map((option) => option.id)).toContain(optionId);
		}
	}
}

describe('the option order of an attempt', () => {
	it('is a reordering of the same options, the same every time for the same seed', () => {
		fc.assert(
			fc.property(seeds, (seed) => {
				for (const q of QUESTIONS) {
					const shuffled = shuffledOptions(q, seed);
					expect([...shuffled].sort((a, b) => a.id.localeCompare(b.id))).toEqual(
						[...q.options].sort((a, b) => a.id.localeCompare(b.id))
					);
					expect(shuffledOptions(q, seed)).toEqual(shuffled);
				}
			})
		);
	});

	it.each(QUESTIONS.map((q) => [q.id, q] as const))(
		'%s: over 2,000 seeds the correct option sits at every position, each about equally often',
		(_id, q) => {
			const counts = new Array<number>(q.options.length).fill(0);
			for (let seed = 0; seed < 2000; seed++) counts[correctPosition(q, seed)]++;
			const even = 2000 / q.options.length;
			for (const count of counts) {
				expect(count).toBeGreaterThan(0.8 * even);
				expect(count).toBeLessThan(1.2 * even);
			}
		}
	);

	it('keeps the questions in order and changes only the order of their options', () => {
		fc.assert(
			fc.property(seeds, (seed) => {
				const shuffled = shuffleQuestions(QUESTIONS, seed);
				expect(shuffled.map((q) => q.id)).toEqual(QUESTIONS.map((q) => q.id));
				expect(shuffled.map((q) => q.correct)).toEqual(QUESTIONS.map((q) => q.correct));
			})
		);
	});

	it('differs between neighbouring seeds', () => {
		expect(order(shuffleQuestions(QUESTIONS, 1))).not.toEqual(
			order(shuffleQuestions(QUESTIONS, 2))
		);
	});

	it('draws a new seed that is a valid seed and never the previous one', () => {
		fc.assert(
			fc.property(
				seeds,
				fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
				(prev, r) => {
					const seed = newSeed(prev, () => r);
					expect(Number.isInteger(seed) && seed >= 0 && seed <= MAX_SEED).toBe(true);
					expect(seed).not.toBe(prev);
				}
			)
		);
		// Even when the generator hands back the previous seed itself, or the largest one.
		expect(newSeed(MAX_SEED, () => MAX_SEED / (MAX_SEED + 1))).toBe(0);
	});
});

describe('a stored attempt', () => {
	const [first, second] = QUESTIONS;
	const wrong = second.options.find((option) => option.id !== second.correct)!.id;
	const attempt: QuizAttempt = {
		seed: 12345,
		selected: { [first.id]: first.correct, [second.id]: wrong },
		checked: { [first.id]: first.correct }
	};

	it('reads back as it was written', () => {
		expect(parseAttempt(serializeAttempt(attempt), QUESTIONS)).toEqual(attempt);
	});

	it.each([
		['nothing stored', null],
		['not JSON', '{"seed": 1,'],
		['JSON but not an object', '[1, 2, 3]'],
		['null', 'null'],
		['another version', JSON.stringify({ ...JSON.parse(serializeAttempt(attempt)), version: 2 })],
		['no seed', JSON.stringify({ version: 1, selected: {}, checked: {} })],
		['a negative seed', JSON.stringify({ version: 1, seed: -1, selected: {}, checked: {} })],
		['a fractional seed', JSON.stringify({ version: 1, seed: 1.5, selected: {}, checked: {} })],
		['a seed as text', JSON.stringify({ version: 1, seed: '7', selected: {}, checked: {} })],
		[
			'a seed past 2^31 - 1',
			JSON.stringify({ version: 1, seed: 2 ** 31, selected: {}, checked: {} })
		],
		['answers as a list', JSON.stringify({ version: 1, seed: 7, selected: {}, checked: ['a'] })],
		['no selections', JSON.stringify({ version: 1, seed: 7, checked: {} })]
	])('is ignored when it holds %s', (_case, raw) => {
		expect(parseAttempt(raw, QUESTIONS)).toBeNull();
	});

	it('drops answers to questions or options the quiz no longer has, keeping the rest', () => {
		const raw = JSON.stringify({
			version: 1,
			seed: 7,
			selected: { 'retired-question': 'a', [first.id]: 'z', [second.id]: 42 },
			checked: { [second.id]: wrong, 'retired-question': 'b' }
		});
		// The checked answer is final, so it is also what the question shows as selected.
		expect(parseAttempt(raw, QUESTIONS)).toEqual({
			seed: 7,
			selected: { [second.id]: wrong },
			checked: { [second.id]: wrong }
		});
	});

	it('never throws on any text, and whatever it accepts holds only valid answers', () => {
		const anyAttemptLike = fc.record({
			version: fc.oneof(fc.constant(1), fc.anything()),
			seed: fc.oneof(seeds, fc.anything()),
			selected: fc.oneof(
				fc.dictionary(fc.constantFrom(...QUESTIONS.map((q) => q.id)), fc.string()),
				fc.anything()
			),
			checked: fc.oneof(fc.dictionary(fc.string(), fc.string()), fc.anything())
		});
		fc.assert(
			fc.property(
				fc.oneof(
					fc.string(),
					fc.json(),
					anyAttemptLike.map((value) => JSON.stringify(value) ?? '')
				),
				(raw) => {
					const parsed = parseAttempt(raw, QUESTIONS);
					if (parsed) expectValidAnswers(parsed);
				}
			)
		);
	});
});

describe('the quiz state across reloads', () => {
	const [first, second] = QUESTIONS;
	const wrong = second.options.find((option) => option.id !== second.correct)!.id;

	it('shows the authored order until an attempt starts', () => {
		const quiz = new QuizState();
		expect(quiz.seed).toBeNull();
		expect(quiz.questions).toEqual(QUESTIONS);
	});

	it('starts a new attempt with a seeded order, and a reload resumes its order and answers', () => {
		const storage = memoryStorage();
		const quiz = new QuizState({ random: () => 0.25 });
		quiz.start(storage);
		expect(quiz.seed).toBe(Math.floor(0.25 * (MAX_SEED + 1)));
		expect(order(quiz.questions)).toEqual(order(shuffleQuestions(QUESTIONS, quiz.seed!)));
		quiz.select(first.id, first.correct);
		quiz.check(first.id);
		quiz.select(second.id, wrong);

		// The page reloads: a new state on the same storage, with a generator that would pick another seed.
		const reloaded = new QuizState({ random: () => 0.75 });
		reloaded.start(storage);
		expect(reloaded.seed).toBe(quiz.seed);
		expect(order(reloaded.questions)).toEqual(order(quiz.questions));
		expect(reloaded.checked).toEqual({ [first.id]: first.correct });
		expect(reloaded.selected).toEqual({ [first.id]: first.correct, [second.id]: wrong });
		expect(reloaded.score).toMatchObject({ correct: 1, answered: 1 });
	});

	it('Retry stores a new attempt: a new seed, a new order, no answers', () => {
		const storage = memoryStorage();
		const quiz = new QuizState({ random: () => 0.25 });
		quiz.start(storage);
		const before = order(quiz.questions);
		quiz.select(first.id, first.correct);
		quiz.check(first.id);

		quiz.retry();
		expect(quiz.seed).not.toBe(Math.floor(0.25 * (MAX_SEED + 1)));
		expect(order(quiz.questions)).not.toEqual(before);
		expect(quiz.checked).toEqual({});
		const reloaded = new QuizState();
		reloaded.start(storage);
		expect(reloaded.seed).toBe(quiz.seed);
		expect(reloaded.checked).toEqual({});
	});

	it('ignores a corrupted stored attempt and replaces it with a new one', () => {
		const storage = memoryStorage('{"version":1,"seed":"oops"');
		const quiz = new QuizState({ random: () => 0.5 });
		quiz.start(storage);
		expect(quiz.seed).toBe(Math.floor(0.5 * (MAX_SEED + 1)));
		expect(quiz.checked).toEqual({});
		expect(parseAttempt(storage.stored() ?? null, QUESTIONS)?.seed).toBe(quiz.seed);
	});

	it('works, without keeping anything, when the browser refuses storage', () => {
		const quiz = new QuizState({ random: () => 0.5 });
		expect(() => quiz.start(refusingStorage)).not.toThrow();
		quiz.select(first.id, first.correct);
		expect(quiz.check(first.id)).toBe(true);
		expect(quiz.score).toMatchObject({ correct: 1, answered: 1 });
	});
});
