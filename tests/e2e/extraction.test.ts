import { test, expect, hooks } from './fixtures';

test('stealing the fraud MLP moves the query counter, draws the fidelity curve and feeds transfer', async ({
	page,
	open
}) => {
	await open('labs/extraction/?victim=fraud-mlp&budget=600&cost=0.01');
	await expect(page.getByTestId('victim-accuracy')).toContainText(/\d+\.\d %/, { timeout: 60_000 });
	await expect(page.getByTestId('query-counter')).toHaveText('0');
	await expect(page.getByTestId('fidelity-chart')).toHaveAttribute('data-points', '0');

	await page.getByRole('button', { name: 'Steal with natural data (other distribution)' }).click();
	await expect(page.getByTestId('attack-status')).toContainText('done', { timeout: 120_000 });
	await expect(page.getByTestId('query-counter')).toHaveText('600');
	await expect(page.getByTestId('query-cost')).toHaveText('6.000 credits');
	await expect(page.getByTestId('fidelity-chart')).toHaveAttribute('data-points', '10');
	const row = page.getByTestId('fidelity-table').getByRole('row', { name: /natural data/ });
	await expect(row).toContainText('600');
	const agreement = Number(/(\d+\.\d) %/.exec((await row.textContent()) ?? '')?.[1]);
	// Fraud is rare: the copy must beat one that always answers "legitimate", not just look high.
	const majority = Number(
		/(\d+\.\d) %/.exec((await page.getByTestId('majority').textContent()) ?? '')?.[1]
	);
	expect(majority).toBeGreaterThan(90);
	expect(agreement).toBeGreaterThan(majority);
	await expect(row).toContainText(/no alarm|alarm at query \d+/);
	await expect(page.getByTestId('prada-benign')).toContainText(/of 20 ordinary clients/);
	await expect(page).toHaveURL(/strategy=natural/);

	await page.getByRole('button', { name: 'Replay against the victim' }).click();
	await expect(page.getByTestId('transfer-summary')).toContainText('held-out inputs attacked', {
		timeout: 60_000
	});
});

test('equation solving recovers the logistic regression from 11 queries, and refuses labels only', async ({
	page,
	open
}) => {
	await open('labs/extraction/?victim=fraud-logreg&output=label');
	await expect(page.getByTestId('victim-accuracy')).toContainText(/\d+\.\d %/, { timeout: 60_000 });
	// with labels only the button is disabled and says why, before any query is spent
	await expect(page.getByRole('button', { name: 'Equation solving' })).toBeDisabled();
	await expect(
		page.getByText('Equation solving: equation solving needs confidence scores')
	).toBeVisible();
	await expect(page.getByTestId('query-counter')).toHaveText('0');

	await page.getByLabel('API answers with').selectOption('probs');
	await page.getByRole('button', { name: 'Equation solving' }).click();
	await expect(page.getByTestId('equation-summary')).toContainText(
		'11 queries on an API answering with full probabilities'
	);
	await expect(page.getByTestId('equation-summary')).toContainText(
		'agreement with the victim 100.0 %'
	);
	await expect(page.getByTestId('query-counter')).toHaveText('11');
	await expect(page.getByTestId('equation-table').locator('tbody tr')).toHaveCount(11);
	await expect(page.getByRole('alert')).toHaveCount(0);
});

test('the default victim answers its first button; results name their victim', async ({
	page,
	open
}) => {
	await open('labs/extraction/');
	await expect(page.getByTestId('victim-accuracy')).toContainText(/\d+\.\d %/, { timeout: 60_000 });
	await expect(page.getByRole('button', { name: 'Equation solving' })).toBeEnabled();
	await page.getByRole('button', { name: 'Equation solving' }).click();
	await expect(page.getByTestId('equation-summary')).toContainText(
		'fraud logistic regression: 11 queries'
	);
	await expect(page.getByRole('alert')).toHaveCount(0);
});

test('a query budget out of range is refused beside its field, never replaced', async ({
	page,
	open
}) => {
	await open('labs/extraction/?victim=fraud-mlp');
	await expect(page.getByTestId('victim-accuracy')).toContainText(/\d+\.\d %/, { timeout: 60_000 });
	const budget = page.getByLabel('Query budget');
	await budget.fill('25000');
	await expect(page.getByText('must be a whole number from 1 to 20000')).toBeVisible();
	await expect(
		page.getByRole('button', { name: 'Steal with Jacobian augmentation' })
	).toBeDisabled();
	await expect(budget).toHaveValue('25000');
	await budget.fill('50');
	await expect(budget).not.toHaveAttribute('aria-invalid', 'true');
	await expect(page.getByText('must be a whole number from 1 to 20000')).toHaveCount(0);
	await page.getByRole('button', { name: 'Steal with Jacobian augmentation' }).click();
	await expect(page.getByTestId('attack-status')).toContainText('done', { timeout: 120_000 });
	await expect(page.getByTestId('query-counter')).toHaveText('50');
});

test('runs against two victims name their victim on every row and baseline', async ({
	page,
	open
}) => {
	await open('labs/extraction/?victim=fraud-mlp&budget=100&strategy=random');
	await expect(page.getByTestId('victim-accuracy')).toContainText(/\d+\.\d %/, { timeout: 60_000 });
	await page.getByRole('button', { name: 'Steal with random queries' }).click();
	await expect(page.getByTestId('attack-status')).toContainText('done', { timeout: 120_000 });
	await page.getByLabel('Victim model').selectOption('fraud-logreg');
	await expect(page.getByTestId('victim-accuracy')).toContainText(/\d+\.\d %/, { timeout: 60_000 });
	await page.getByRole('button', { name: 'Steal with random queries' }).click();
	await expect(page.getByTestId('attack-status')).toContainText('done', { timeout: 120_000 });
	const rows = page.getByTestId('fidelity-table').locator('tbody th');
	await expect(rows).toHaveText([
		'fraud MLP: random queries, full probabilities',
		'fraud logistic regression: random queries, full probabilities'
	]);
	await expect(page.getByTestId('majority')).toHaveCount(2);
	await expect(page.getByTestId('majority').first()).toContainText('fraud MLP');
});

test('explanations: one explained query recovers the logistic regression; a copy fitted to the gradients; the auditor reads the features', async ({
	page,
	open
}) => {
	await open('labs/extraction/?victim=fraud-logreg&budget=200&strategy=natural');
	await expect(page.getByTestId('victim-accuracy')).toContainText(/\d+\.\d %/, { timeout: 60_000 });
	await expect(page.getByRole('heading', { name: /^Explanations/ })).toHaveAttribute(
		'id',
		'explanations-title'
	);
	const recover = page.getByRole('button', {
		name: 'Recover the logistic regression from one explanation'
	});
	const learn = page.getByRole('button', { name: /^Learn with and without gradients/ });
	const audit = page.getByRole('button', { name: 'Audit: what does the model rely on?' });
	// off by default: the panel says what to turn on, and waits
	for (const button of [recover, learn, audit]) await expect(button).toBeDisabled();
	await expect(
		page.getByText('Explanations: turn on Explanations in the API settings first.')
	).toBeVisible();

	await page.getByRole('checkbox', { name: 'Explanations' }).check();
	await expect(page).toHaveURL(/explanations=1/);
	await recover.click();
	await expect(page.getByTestId('recovery-summary')).toContainText(
		'1 explained query gave w = g / (p (1 - p))'
	);
	await expect(page.getByTestId('recovery-summary')).toContainText(
		'agreement with the victim 100.0 %'
	);
	await expect(page.getByTestId('recovery-summary')).toContainText('needed 11 queries');
	const relative = Number(
		/relative (\S+)\)/.exec((await page.getByTestId('recovery-summary').textContent()) ?? '')?.[1]
	);
	expect(relative).toBeLessThan(1e-9);
	await expect(page.getByTestId('query-counter')).toHaveText('1');

	// a run through the job: the meter cancels it, then it runs to the end
	const tensors = await hooks(page).numTensors();
	await learn.click();
	await page.getByRole('button', { name: 'Cancel' }).click();
	await expect(page.getByTestId('attack-status')).toHaveText('cancelled; finished points stay');
	await learn.click();
	await expect(page.getByTestId('attack-status')).toContainText(
		'with and without gradients: done',
		{ timeout: 120_000 }
	);
	// 10, 20, 50, 100 and 200 queries, with and without gradients
	await expect(page.getByTestId('gradient-chart')).toHaveAttribute('data-points', '10');
	await expect(page.getByTestId('gradient-table').locator('tbody tr')).toHaveCount(5);
	await expect(page.getByTestId('gradient-saving')).toContainText(
		'the copy without explanations ends at'
	);
	await expect(page.getByTestId('query-counter')).toHaveText('400');
	expect(await hooks(page).numTensors()).toBe(tensors);

	await audit.click();
	await expect(page.getByTestId('audit-table').locator('tbody tr')).toHaveCount(10);
	await expect(page.getByTestId('audit-summary')).toContainText(
		'fraud logistic regression: 200 explained transactions; it relies most on'
	);
	await expect(page.getByRole('alert')).toHaveCount(0);
});

test('explanations for mnist-cnn are refused beside the toggle, and the attacks wait', async ({
	page,
	open
}) => {
	await open('labs/extraction/?victim=fraud-mlp&explanations=1');
	await expect(page.getByTestId('victim-accuracy')).toContainText(/\d+\.\d %/, { timeout: 60_000 });
	await expect(
		page.getByRole('button', { name: /^Learn with and without gradients/ })
	).toBeEnabled();
	// the one-query attack is for the logistic regression, and says so
	await expect(
		page.getByRole('button', { name: 'Recover the logistic regression from one explanation' })
	).toBeDisabled();
	await expect(
		page.getByText(/One-query recovery: the one-query attack recovers a logistic regression/)
	).toBeVisible();

	await page.getByLabel('Victim model').selectOption('mnist-cnn');
	const problem =
		'explanations are the gradient of P(class 1) of a binary victim; mnist-cnn has none here (use fraud-logreg or fraud-mlp)';
	await expect(page.getByRole('alert').filter({ hasText: problem })).toBeVisible();
	await expect(page.getByRole('checkbox', { name: 'Explanations' })).toHaveAttribute(
		'aria-invalid',
		'true'
	);
	await expect(
		page.getByRole('button', { name: 'Steal with natural data (other distribution)' })
	).toBeDisabled();
	await expect(
		page.getByRole('button', { name: /^Learn with and without gradients/ })
	).toBeDisabled();

	await page.getByRole('checkbox', { name: 'Explanations' }).uncheck();
	await expect(page.getByRole('alert').filter({ hasText: problem })).toHaveCount(0);
	await expect(page.getByTestId('victim-accuracy')).toContainText(/\d+\.\d %/, { timeout: 60_000 });
	await expect(
		page.getByRole('button', { name: 'Steal with natural data (other distribution)' })
	).toBeEnabled();
});
