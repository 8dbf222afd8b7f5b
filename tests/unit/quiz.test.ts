import { describe, expect, it } from 'vitest';
import { LABS } from '../../src/lib/labs/catalogue';
import { QUESTIONS, scoreQuiz, type QuizAnswers } from '../../src/lib/quiz/questions';
import { QuizState } from '../../src/lib/quiz/quiz-state.svelte';

/** Answers every question with its correct option, or with the first wrong one. */
function answerAll(right: boolean): Record<string, string> {
	return Object.fromEntries(
		QUESTIONS.map((q) => [
			q.id,
			right ? q.correct : q.options.find((option) => option.id !== q.correct)!.id
		])
	);
}

describe('scoreQuiz', () => {
	const total = QUESTIONS.length;

	it('counts every question right when every answer is the correct option', () => {
		expect(scoreQuiz(answerAll(true))).toEqual({
			correct: total,
			wrong: 0,
			answered: total,
			total
		});
	});

	it('counts every question wrong when every answer is a wrong option', () => {
		expect(scoreQuiz(answerAll(false))).toEqual({
			correct: 0,
			wrong: total,
			answered: total,
			total
		});
	});

	it('counts a mix: the first question right, the second wrong, the rest unanswered', () => {
		const [first, second] = QUESTIONS;
		const wrong = second.options.find((option) => option.id !== second.correct)!.id;
		const answers: QuizAnswers = { [first.id]: first.correct, [second.id]: wrong };
		expect(scoreQuiz(answers)).toEqual({ correct: 1, wrong: 1, answered: 2, total });
	});

	it('counts nothing when nothing is answered, and undefined entries as unanswered', () => {
		expect(scoreQuiz({})).toEqual({ correct: 0, wrong: 0, answered: 0, total });
		expect(scoreQuiz({ [QUESTIONS[0].id]: undefined })).toEqual({
			correct: 0,
			wrong: 0,
			answered: 0,
			total
		});
	});

	it('ignores answers to questions not in the quiz and counts an unknown option as wrong', () => {
		const answers: QuizAnswers = { 'no-such-question': 'a', [QUESTIONS[0].id]: 'z' };
		expect(scoreQuiz(answers)).toEqual({ correct: 0, wrong: 1, answered: 1, total });
	});

	it('scores against the questions it is given', () => {
		const [first] = QUESTIONS;
		expect(scoreQuiz({ [first.id]: first.correct }, [first])).toEqual({
			correct: 1,
			wrong: 0,
			answered: 1,
			total: 1
		});
	});
});

describe('the questions', () => {
	it('has unique question ids', () => {
		const ids = QUESTIONS.map((q) => q.id);
		expect(new Set(ids).size).toBe(ids.length);
	});

	it.each(QUESTIONS.map((q) => [q.id, q] as const))(
		'%s: 3 or 4 options with unique ids, exactly one of them correct, and an explanation',
		(_id, q) => {
			expect(q.options.length).toBeGreaterThanOrEqual(3);
			expect(q.options.length).toBeLessThanOrEqual(4);
			const optionIds = q.options.map((option) => option.id);
			expect(new Set(optionIds).size).toBe(optionIds.length);
			expect(optionIds.filter((id) => id === q.correct)).toHaveLength(1);
			expect(new Set(q.options.map((option) => option.text)).size).toBe(optionIds.length);
			expect(q.prompt.trim()).not.toBe('');
			expect(q.explanation.trim().length).toBeGreaterThan(40);
		}
	);

	it('links every question to a lab in the catalogue', () => {
		const labIds = new Set<string>(LABS.map((lab) => lab.id));
		for (const q of QUESTIONS) {
			expect(labIds, `question ${q.id} links to lab "${q.lab}"`).toContain(q.lab);
			if (q.source !== 'lesson') expect(q.lab).toBe(q.source);
		}
	});

	it("has the lesson's three questions and at least two per lab", () => {
		expect(QUESTIONS.filter((q) => q.source === 'lesson')).toHaveLength(3);
		expect(QUESTIONS.find((q) => q.id === 'training-data-attack')?.lab).toBe('poisoning');
		for (const lab of LABS) {
			expect(
				QUESTIONS.filter((q) => q.source === lab.id).length,
				`questions for ${lab.id}`
			).toBeGreaterThanOrEqual(2);
		}
	});

	it('keeps the correct answer from always sitting in the same place', () => {
		const positions = new Set(QUESTIONS.map((q) => q.options.findIndex((o) => o.id === q.correct)));
		expect(positions.size).toBeGreaterThan(1);
	});
});

describe('the quiz page state', () => {
	it('scores only checked answers, keeps the first check, and Retry clears everything', () => {
		const quiz = new QuizState();
		const [first, second] = QUESTIONS;
		quiz.select(first.id, first.correct);
		expect(quiz.score.answered).toBe(0);
		expect(quiz.check(second.id)).toBe(false);
		expect(quiz.check(first.id)).toBe(true);
		expect(quiz.score).toMatchObject({ correct: 1, answered: 1 });

		const wrong = first.options.find((o) => o.id !== first.correct)!.id;
		quiz.select(first.id, wrong);
		expect(quiz.check(first.id)).toBe(false);
		expect(quiz.checked[first.id]).toBe(first.correct);

		for (const q of QUESTIONS) {
			quiz.select(q.id, q.correct);
			quiz.check(q.id);
		}
		expect(quiz.finished).toBe(true);
		expect(quiz.score.correct).toBe(QUESTIONS.length);

		quiz.retry();
		expect(quiz.selected).toEqual({});
		expect(quiz.checked).toEqual({});
		expect(quiz.score).toMatchObject({ correct: 0, answered: 0 });
		expect(quiz.finished).toBe(false);
	});
});
