import { loadAttempt, saveAttempt, type AttemptStorage } from './attempt';
import { QUESTIONS, scoreQuiz, type QuizQuestion, type QuizScore } from './questions';
import { newSeed, shuffleQuestions } from './shuffle';

export interface QuizStateOptions {
	questions?: readonly QuizQuestion[];
	/** Draws new seeds, floats in [0, 1) like Math.random (the default). */
	random?: () => number;
}

/**
 * The quiz page's state: this attempt's seed (which orders the options), what is selected in each
 * question, and what was checked. Only checked answers count; once checked, a question's answer is
 * final until Retry. After start(), every change is stored, so a reload resumes the attempt.
 */
export class QuizState {
	readonly bank: readonly QuizQuestion[];
	/** Null until start(): the server and the first paint show the authored order. */
	seed = $state<number | null>(null);
	/** Question id -> the option currently selected (not yet necessarily checked). */
	selected = $state<Record<string, string>>({});
	/** Question id -> the option that was checked. */
	checked = $state<Record<string, string>>({});

	/** The questions with their options in this attempt's order. */
	readonly questions: readonly QuizQuestion[] = $derived.by(() =>
		this.seed === null ? this.bank : shuffleQuestions(this.bank, this.seed)
	);
	readonly score: QuizScore = $derived.by(() => scoreQuiz(this.checked, this.bank));
	readonly finished = $derived(this.score.answered === this.score.total);

	#random: () => number;
	#storage: AttemptStorage | undefined;

	constructor({ questions = QUESTIONS, random = Math.random }: QuizStateOptions = {}) {
		this.bank = questions;
		this.#random = random;
	}

	/**
	 * Resumes the attempt kept in `storage`, or starts a new one when there is none (or what is
	 * there is not a valid attempt). Call once, in the browser.
	 */
	start(storage?: AttemptStorage) {
		this.#storage = storage;
		const stored = storage ? loadAttempt(storage, this.bank) : null;
		if (stored) {
			this.seed = stored.seed;
			this.selected = stored.selected;
			this.checked = stored.checked;
		} else {
			this.seed = newSeed(undefined, this.#random);
			this.#save();
		}
	}

	select(questionId: string, optionId: string) {
		if (this.checked[questionId] !== undefined) return;
		this.selected[questionId] = optionId;
		this.#save();
	}

	/** Records the selected option as the answer; false when nothing is selected or it was already checked. */
	check(questionId: string): boolean {
		const choice = this.selected[questionId];
		if (choice === undefined || this.checked[questionId] !== undefined) return false;
		this.checked[questionId] = choice;
		this.#save();
		return true;
	}

	/** A new attempt: a new seed (so a new order) and no selections or answers. */
	retry() {
		this.seed = newSeed(this.seed ?? undefined, this.#random);
		this.selected = {};
		this.checked = {};
		this.#save();
	}

	#save() {
		if (!this.#storage || this.seed === null) return;
		saveAttempt(this.#storage, { seed: this.seed, selected: this.selected, checked: this.checked });
	}
}
