/**
 * One attempt at the quiz as the browser keeps it between visits: the seed that orders the options
 * and the answers given so far. Whatever is stored is checked before use; anything that does not
 * read as an attempt is ignored, and the quiz starts a new one.
 */
import type { QuizQuestion } from './questions';
import { isSeed } from './shuffle';

export interface QuizAttempt {
	seed: number;
	/** Question id -> the option currently selected (not yet necessarily checked). */
	selected: Record<string, string>;
	/** Question id -> the option that was checked; final until Retry. */
	checked: Record<string, string>;
}

/** The part of Web Storage the quiz uses: localStorage in the browser, a stand-in in tests. */
export type AttemptStorage = Pick<Storage, 'getItem' | 'setItem'>;

export const ATTEMPT_KEY = 'ai-security-lab:quiz-attempt';
// Bumped when the stored shape changes, so an old shape is ignored instead of misread.
const VERSION = 1;

export function serializeAttempt(attempt: QuizAttempt): string {
	const { seed, selected, checked } = attempt;
	return JSON.stringify({ version: VERSION, seed, selected, checked });
}

/**
 * The attempt in `raw`, or null when there is none or it is not one. Answers naming a question or
 * an option the quiz no longer has are dropped; a checked answer is also the selected one.
 */
export function parseAttempt(
	raw: string | null,
	questions: readonly QuizQuestion[]
): QuizAttempt | null {
	if (raw === null) return null;
	let value: unknown;
	try {
		value = JSON.parse(raw);
	} catch {
		return null;
	}
	if (!isRecord(value) || value.version !== VERSION || !isSeed(value.seed)) return null;
	if (!isRecord(value.selected) || !isRecord(value.checked)) return null;

	const selected: Record<string, string> = {};
	const checked: Record<string, string> = {};
	for (const question of questions) {
		const valid = (choice: unknown): choice is string =>
			typeof choice === 'string' && question.options.some((option) => option.id === choice);
		const pick = value.selected[question.id];
		const answer = value.checked[question.id];
		if (valid(pick)) selected[question.id] = pick;
		if (valid(answer)) checked[question.id] = selected[question.id] = answer;
	}
	return { seed: value.seed, selected, checked };
}

/** The stored attempt, or null; a storage that throws (disabled, private mode) counts as empty. */
export function loadAttempt(
	storage: AttemptStorage,
	questions: readonly QuizQuestion[]
): QuizAttempt | null {
	try {
		return parseAttempt(storage.getItem(ATTEMPT_KEY), questions);
	} catch {
		return null;
	}
}

/** Stores the attempt; when storage refuses (full, disabled) the quiz simply forgets on reload. */
export function saveAttempt(storage: AttemptStorage, attempt: QuizAttempt) {
	try {
		storage.setItem(ATTEMPT_KEY, serializeAttempt(attempt));
	} catch {
		// Nothing to tell the learner: the attempt goes on in the page, only a reload loses it.
	}
}

/** window.localStorage, or undefined where reading it throws (storage blocked by the browser). */
export function browserStorage(): AttemptStorage | undefined {
	try {
		return window.localStorage;
	} catch {
		return undefined;
	}
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
