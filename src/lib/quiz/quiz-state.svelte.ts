import { QUESTIONS, scoreQuiz, type QuizQuestion, type QuizScore } from './questions';

/**
 * The quiz page's state: what is selected in each question, and what was checked. Only checked
 * answers count; once checked, a question's answer is final until Retry.
 */
export class QuizState {
	readonly questions: readonly QuizQuestion[] = QUESTIONS;
	/** Question id -> the option currently selected (not yet necessarily checked). */
	selected = $state<Record<string, string>>({});
	/** Question id -> the option that was checked. */
	checked = $state<Record<string, string>>({});

	readonly score: QuizScore = $derived(scoreQuiz(this.checked, this.questions));
	readonly finished = $derived(this.score.answered === this.score.total);

	select(questionId: string, optionId: string) {
		if (this.checked[questionId] !== undefined) return;
		this.selected[questionId] = optionId;
	}

	/** Records the selected option as the answer; false when nothing is selected or it was already checked. */
	check(questionId: string): boolean {
		const choice = this.selected[questionId];
		if (choice === undefined || this.checked[questionId] !== undefined) return false;
		this.checked[questionId] = choice;
		return true;
	}

	/** Clears every selection and answer. */
	retry() {
		this.selected = {};
		this.checked = {};
	}
}
