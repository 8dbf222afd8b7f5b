import { describe, expect, it } from 'vitest';
import { LABS } from '../../src/lib/labs/catalogue';
import {
	QUESTIONS,
	scoreQuiz,
	type QuizAnswers,
	type QuizQuestion
} from '../../src/lib/quiz/questions';
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

interface Lengths {
	correct: number;
	longest: number;
	shortest: number;
}

/** The correct option's length in characters, and the longest and shortest option's. */
function lengths(q: QuizQuestion): Lengths {
	const all = q.options.map((option) => option.text.length);
	const correct = q.options.find((option) => option.id === q.correct)!.text.length;
	return { correct, longest: Math.max(...all), shortest: Math.min(...all) };
}

/**
 * The expected score of a test-taker who keeps the options whose length `keep` allows and guesses
 * among them (among all options when it allows none).
 */
function lengthStrategy(keep: (length: number, q: Lengths) => boolean): number {
	let expected = 0;
	for (const q of QUESTIONS) {
		const l = lengths(q);
		const kept = q.options.filter((option) => keep(option.text.length, l));
		const pool = kept.length > 0 ? kept : q.options;
		if (pool.some((option) => option.id === q.correct)) expected += 1 / pool.length;
	}
	return expected / QUESTIONS.length;
}

/** Blind guessing: one option of each question at random. */
const CHANCE = QUESTIONS.reduce((sum, q) => sum + 1 / q.options.length, 0) / QUESTIONS.length;

describe('the length of an option gives nothing away', () => {
	// A tie for the longest (or shortest) counts against the bank: the option is no shorter than the rest.
	it('the correct option is the longest in at most a quarter of the questions', () => {
		const longest = QUESTIONS.filter((q) => lengths(q).correct === lengths(q).longest);
		expect(longest.length).toBeLessThanOrEqual(QUESTIONS.length / 4);
	});

	it('the correct option is the shortest in at most a quarter of the questions', () => {
		const shortest = QUESTIONS.filter((q) => lengths(q).correct === lengths(q).shortest);
		expect(shortest.length).toBeLessThanOrEqual(QUESTIONS.length / 4);
	});

	it('always picking the longest option scores at most 25 % and no better than guessing', () => {
		const score = lengthStrategy((length, q) => length === q.longest);
		expect(score).toBeLessThanOrEqual(0.25);
		expect(score).toBeLessThanOrEqual(CHANCE);
	});

	it('always picking the shortest option scores no better than guessing', () => {
		expect(lengthStrategy((length, q) => length === q.shortest)).toBeLessThanOrEqual(CHANCE);
	});

	it('ruling out the longest or the shortest option and guessing gains under 10 points on chance', () => {
		expect(lengthStrategy((length, q) => length < q.longest)).toBeLessThan(CHANCE + 0.1);
		expect(lengthStrategy((length, q) => length > q.shortest)).toBeLessThan(CHANCE + 0.1);
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
