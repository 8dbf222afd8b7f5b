// Helpers shared by the exercise's browser tests: open the page, read the autosave, import a file.
import { expect, type Page } from '@playwright/test';

export const KEY = 'ai-lab:exercise:v1';

/** Opens the exercise and waits until the saved worksheet has been read. */
export async function openExercise(page: Page) {
	await page.goto('exercise/');
	await expect(page.getByRole('main')).toHaveAttribute('aria-busy', 'false');
}

/** The autosaved worksheet text, or null. */
export const saved = (page: Page) => page.evaluate((key) => localStorage.getItem(key), KEY);

/** Every key in this page's storage that starts with `prefix`, with its text. */
export function storedUnder(page: Page, prefix: string): Promise<[string, string][]> {
	return page.evaluate(
		(p) =>
			Object.keys(localStorage)
				.filter((k) => k.startsWith(p))
				.map((k): [string, string] => [k, localStorage.getItem(k) ?? '']),
		prefix
	);
}

/** Imports `worksheet` (an object, written as JSON) through the page's file input. */
export async function importJson(page: Page, worksheet: unknown, name = 'worksheet.json') {
	await page.getByLabel('Import JSON').setInputFiles({
		name,
		mimeType: 'application/json',
		buffer: Buffer.from(typeof worksheet === 'string' ? worksheet : JSON.stringify(worksheet))
	});
}

interface Entry {
	id: string;
	name: string;
	likelihood?: number;
	impact?: number;
}

/**
 * A worksheet in the version-1 format the exercise saved before the catalogues were merged
 * (components training-data, model, api, infrastructure). Every version of the page imports it.
 */
export function v1Worksheet(components: Partial<Record<string, Entry[]>>) {
	const list = (key: string) =>
		(components[key] ?? []).map((t) => ({
			id: t.id,
			name: t.name,
			source: t.id.startsWith('custom-') ? 'custom' : 'library',
			likelihood: t.likelihood ?? 3,
			impact: t.impact ?? 3,
			detectability: 3
		}));
	return {
		version: 1,
		components: {
			'training-data': list('training-data'),
			model: list('model'),
			api: list('api'),
			infrastructure: list('infrastructure')
		},
		controls: ['AML.M0007'],
		incidentResponse: {
			detect: 'Alert when the approval rate jumps.',
			contain: '',
			eradicate: '',
			recover: '',
			learn: ''
		},
		submitted: false
	};
}
