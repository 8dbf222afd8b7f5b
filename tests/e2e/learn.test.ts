import { test, expect } from './fixtures';

test('the attack-surface diagram opens a threat from the keyboard, with its tags and lab', async ({
	page
}) => {
	await page.goto('learn/');
	await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
	const diagram = page.getByRole('group', { name: 'Attack surface of an AI system by layer' });
	await expect(diagram).toBeVisible();
	const threats = page.getByRole('button', { pressed: false });
	expect(await threats.count()).toBeGreaterThanOrEqual(10);

	const adversarial = page.getByRole('button', { name: /adversarial examples/i }).first();
	await adversarial.focus();
	await page.keyboard.press('Enter');
	await expect(adversarial).toHaveAttribute('aria-pressed', 'true');
	const detail = page.locator('#threat-detail');
	await expect(detail).toContainText('AML.T0043');
	await expect(detail).toContainText('ML01');
	await expect(detail.getByRole('link', { name: /adversarial/i })).toBeVisible();

	// arrow keys move between threats; Space opens the next one
	await page.keyboard.press('ArrowRight');
	await page.keyboard.press('Space');
	await expect(adversarial).toHaveAttribute('aria-pressed', 'false');
	await expect(detail).toContainText(/AML\.T\d{4}/);
});
