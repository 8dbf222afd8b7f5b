/**
 * The option order of one attempt at the quiz. An attempt has a seed; each question's options are
 * shuffled by a generator seeded from the attempt's seed and the question's id, so the same seed
 * always gives the same order, and one question's order does not change when others are added.
 */
import { createRng, shuffleInPlace } from '$lib/base/rng';
import type { QuizOption, QuizQuestion } from './questions';

/** Seeds are 31-bit whole numbers, as everywhere else in the lab ($lib/labs/settings.ts). */
export const MAX_SEED = 2 ** 31 - 1;

export function isSeed(value: unknown): value is number {
	return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_SEED;
}

/** FNV-1a, 32 bits: turns a question id into a number to mix into the attempt's seed. */
function hashId(id: string): number {
	let hash = 0x811c9dc5;
	for (let i = 0; i < id.length; i++) {
		hash ^= id.charCodeAt(i);
		hash = Math.imul(hash, 0x01000193);
	}
	return hash >>> 0;
}

/** The question's options in the order attempt `seed` shows them. */
export function shuffledOptions(question: QuizQuestion, seed: number): QuizOption[] {
	const options = [...question.options];
	shuffleInPlace(options, createRng(seed ^ hashId(question.id)));
	return options;
}

/** The same questions, each with its options in the order attempt `seed` shows them. */
export function shuffleQuestions(questions: readonly QuizQuestion[], seed: number): QuizQuestion[] {
	return questions.map((question) => ({ ...question, options: shuffledOptions(question, seed) }));
}

/**
 * A seed for a new attempt, never equal to `previous` (Retry always draws a new order, though any one
 * question may come out in the same order by chance).
 * `random` returns floats in [0, 1), like Math.random.
 */
export function newSeed(previous?: number, random: () => number = Math.random): number {
	const seed = Math.floor(random() * (MAX_SEED + 1));
	return seed === previous ? (seed + 1) % (MAX_SEED + 1) : seed;
}
