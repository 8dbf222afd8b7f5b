// Page layout at a phone's size and a presenter's: no page scrolls sideways, each lab's main
// control and what it changes share one screen, tables scroll in their own (reachable) box,
// the digit gallery is one Tab stop, and axe finds nothing in either colour scheme.
import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import { builtPages } from '../../scripts/lib/pages';
import { test, expect } from './fixtures';

const PHONE = { width: 390, height: 844 };
const PRESENTER = { width: 1366, height: 768 };
const PAGES = builtPages();

/** Waits until the page at `path` shows its first computed results. */
async function computed(page: Page, path: string) {
	const id = (testid: string) => page.getByTestId(testid);
	const timeout = 90_000;
	switch (path) {
		case '':
			await expect(id('prediction')).toBeVisible({ timeout });
			break;
		case 'labs/adversarial/':
			await expect(id('prediction-after')).toContainText('predicted', { timeout });
			await expect(id('flip-eps')).toContainText(/flips at|No eps/, { timeout });
			break;
		case 'labs/poisoning/':
			await expect(id('train-status')).toContainText('labels flipped', { timeout });
			break;
		case 'labs/privacy/':
			await expect(id('epsilon')).toHaveText(/\d/, { timeout });
			break;
		case 'labs/extraction/':
			await expect(id('victim-accuracy')).toContainText(/\d+\.\d %/, { timeout });
			break;
		case 'labs/inversion/':
			await expect(id('few-shot-accuracy')).toHaveText(/\d+\.\d %/, { timeout });
			break;
		case 'labs/supply-chain/':
			await expect(id('hub-status')).toHaveText(/^checked \d+ copies$/, { timeout });
			break;
		case 'models/':
			await page.getByRole('button', { name: 'Check all three models' }).click();
			await expect(id('measured')).toHaveCount(3, { timeout });
			break;
		case 'quiz/':
			await expect(page.getByRole('button', { name: 'Check answer' }).first()).toBeEnabled();
			break;
		case 'exercise/':
			await expect(page.getByRole('main')).toHaveAttribute('aria-busy', 'false');
			break;
		default:
			await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
	}
}

test('the built site has the pages this file checks', () => {
	// A page added later is checked too (the loops below read builtPages()); this guards the list.
	expect(PAGES).toEqual(expect.arrayContaining(['', 'labs/adversarial/', 'labs/poisoning/']));
	expect(PAGES.length).toBeGreaterThanOrEqual(9);
});

test.describe('at phone width (390x844)', () => {
	test.use({ viewport: PHONE });

	for (const path of PAGES) {
		test(`/${path} fits the width: no sideways page scroll`, async ({ page, open }) => {
			await open(path);
			await computed(page, path);
			const { scrollWidth, innerWidth } = await page.evaluate(() => ({
				scrollWidth: document.documentElement.scrollWidth,
				innerWidth: window.innerWidth
			}));
			expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
		});
	}
});

/** Two animation frames: the layout, resize observers and media queries have caught up. */
const settled = (page: Page) =>
	page.evaluate(
		() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))
	);

/** The box of `locator` lies inside the window's height. */
async function expectOnScreen(page: Page, locator: Locator, what: string) {
	const box = await locator.boundingBox();
	const height = await page.evaluate(() => window.innerHeight);
	expect(box, `${what} is rendered`).not.toBeNull();
	expect(box!.y, `${what} starts on screen`).toBeGreaterThanOrEqual(0);
	expect(box!.y + box!.height, `${what} ends on screen`).toBeLessThanOrEqual(height);
}

/** The two boxes do not overlap: a sticky result must not cover the control. */
async function expectApart(a: Locator, b: Locator) {
	const [p, q] = [(await a.boundingBox())!, (await b.boundingBox())!];
	const overlap =
		p.x < q.x + q.width && q.x < p.x + p.width && p.y < q.y + q.height && q.y < p.y + p.height;
	expect(overlap).toBe(false);
}

interface Lab {
	path: string;
	/** the control, in words */
	name: string;
	control: (page: Page) => Locator;
	effects: { name: string; locator: (page: Page) => Locator }[];
}

const LABS: Lab[] = [
	{
		path: 'labs/adversarial/',
		name: 'the eps slider',
		control: (page) => page.getByRole('slider', { name: 'eps (L-infinity budget)' }),
		effects: [
			{
				name: 'the adversarial digit',
				locator: (page) => page.getByRole('img', { name: /^adversarial digit at eps/ })
			},
			{ name: 'its prediction', locator: (page) => page.getByTestId('prediction-after') }
		]
	},
	{
		path: 'labs/poisoning/',
		name: 'the flip-rate slider',
		control: (page) => page.getByRole('slider', { name: 'Flip rate' }),
		effects: [
			{
				name: "the poisoned model's recall",
				locator: (page) => page.getByTestId('poisoned-recall')
			},
			{
				name: "the poisoned model's accuracy",
				locator: (page) => page.getByTestId('poisoned-accuracy')
			}
		]
	},
	{
		path: 'labs/privacy/',
		name: 'the sigma slider',
		control: (page) => page.getByRole('slider', { name: 'Noise multiplier sigma' }),
		effects: [{ name: 'epsilon', locator: (page) => page.getByTestId('epsilon') }]
	},
	{
		path: 'labs/extraction/',
		name: 'the attack buttons',
		control: (page) => page.getByRole('button', { name: 'Equation solving', exact: true }),
		effects: [
			{ name: 'the query counter', locator: (page) => page.getByTestId('query-counter') },
			{ name: 'the attack status', locator: (page) => page.getByTestId('attack-status') }
		]
	},
	{
		path: 'labs/inversion/',
		name: 'the invert button',
		control: (page) => page.getByRole('button', { name: /^Invert class/ }),
		effects: [
			{
				name: 'the live inversion',
				locator: (page) => page.getByRole('img', { name: /^(no inversion yet|inversion of class)/ })
			},
			{ name: 'its confidence', locator: (page) => page.getByTestId('live-confidence') }
		]
	},
	{
		path: 'labs/supply-chain/',
		name: 'the scan buttons',
		control: (page) => page.getByRole('button', { name: 'Scan with Neural Cleanse' }),
		effects: [{ name: 'the scan status', locator: (page) => page.getByTestId('scan-status') }]
	},
	{
		path: 'labs/extraction/',
		name: 'the query budget',
		control: (page) => page.getByRole('spinbutton', { name: 'Query budget' }),
		effects: [{ name: 'the query counter', locator: (page) => page.getByTestId('query-counter') }]
	}
];

for (const [size, viewport, present] of [
	['390x844', PHONE, false],
	['1366x768', PRESENTER, false],
	// a projector, in instructor mode (src/lib/present): large type and 224 px digits
	['1280x720 in presenter view', { width: 1280, height: 720 }, true]
] as const) {
	test.describe(`at ${size}`, () => {
		test.use({ viewport });

		for (const lab of LABS) {
			test(`/${lab.path}: with ${lab.name} on screen, what it changes is on screen too`, async ({
				page,
				open
			}) => {
				await open(present ? `${lab.path}?present` : lab.path);
				await computed(page, lab.path);
				const control = lab.control(page);
				await expect(control).toBeVisible();
				const check = async (when: string) => {
					await expectOnScreen(page, control, `the control (${when})`);
					for (const effect of lab.effects) {
						await expectOnScreen(page, effect.locator(page), `${effect.name} (${when})`);
						await expectApart(control, effect.locator(page));
					}
				};
				// As the page opens, if the control is already on screen...
				if (await control.isVisible()) {
					const box = (await control.boundingBox())!;
					if (box.y + box.height <= viewport.height) await check('as the page opens');
				}
				// ...and once the browser brings it into view from below or from above.
				await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
				await control.scrollIntoViewIfNeeded();
				await check('scrolled up to it');
				await page.evaluate(() => window.scrollTo(0, 0));
				await control.scrollIntoViewIfNeeded();
				await check('scrolled down to it');
			});
		}
	});
}

test.describe('dragging the main control on a phone (390x844)', () => {
	test.use({ viewport: PHONE });

	test('eps to 0.3 flips the digit, and the flipped prediction is on screen beside the slider', async ({
		page,
		open
	}) => {
		await open('labs/adversarial/?digit=0&model=mnist-cnn&attack=fgsm&eps=0.1');
		await computed(page, 'labs/adversarial/');
		const slider = page.getByRole('slider', { name: 'eps (L-infinity budget)' });
		await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
		await slider.scrollIntoViewIfNeeded();
		await slider.fill('0.3');
		const after = page.getByTestId('prediction-after');
		await expect(after).toContainText('flipped');
		await expectOnScreen(page, slider, 'the eps slider');
		await expectOnScreen(page, after, 'the flipped prediction');
	});

	test('a 50 % flip rate drops the poisoned recall, on screen beside the slider', async ({
		page,
		open
	}) => {
		await open('labs/poisoning/?attack=targeted&rate=0&model=logreg');
		await computed(page, 'labs/poisoning/');
		const recall = page.getByTestId('poisoned-recall');
		const before = await recall.textContent();
		const slider = page.getByRole('slider', { name: 'Flip rate' });
		await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
		await slider.scrollIntoViewIfNeeded();
		await slider.fill('0.5');
		await expect(page.getByTestId('train-status')).toContainText(/\b(2|3)\d\d labels flipped/, {
			timeout: 60_000
		});
		await expect(recall).not.toHaveText(before ?? '');
		await expectOnScreen(page, slider, 'the flip-rate slider');
		await expectOnScreen(page, recall, 'the poisoned recall');
	});
});

test.describe('the poisoning data sample', () => {
	for (const width of [1366, 1920]) {
		test(`at ${width} px its label column is in view, also scrolled to the last feature`, async ({
			page,
			open
		}) => {
			await page.setViewportSize({ width, height: 900 });
			await open('labs/poisoning/');
			await computed(page, 'labs/poisoning/');
			const region = page.getByRole('region', { name: 'Sample of training rows' });
			const label = region.getByRole('columnheader', { name: 'label', exact: true });
			const inside = async () => {
				const [r, l] = [(await region.boundingBox())!, (await label.boundingBox())!];
				expect(l.x).toBeGreaterThanOrEqual(r.x - 0.5);
				expect(l.x + l.width).toBeLessThanOrEqual(r.x + r.width + 0.5);
			};
			await inside();
			await region.evaluate((box) => (box.scrollLeft = box.scrollWidth));
			await inside();
			await expect(region.getByRole('cell', { name: 'fraud', exact: true }).first()).toBeVisible();
		});
	}

	test('on a phone it scrolls in its own box, which a keyboard can reach and scroll', async ({
		page,
		open
	}) => {
		await page.setViewportSize(PHONE);
		await open('labs/poisoning/');
		await computed(page, 'labs/poisoning/');
		const region = page.getByRole('region', { name: 'Sample of training rows' });
		const { scrollWidth, clientWidth } = await region.evaluate((box) => ({
			scrollWidth: box.scrollWidth,
			clientWidth: box.clientWidth
		}));
		expect(scrollWidth).toBeGreaterThan(clientWidth);
		await expect(region).toHaveAttribute('tabindex', '0');
		await region.focus();
		for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
		await expect.poll(() => region.evaluate((box) => box.scrollLeft)).toBeGreaterThan(0);
		// the label is still beside the rows, held at the box's left edge
		const [r, l] = [
			(await region.boundingBox())!,
			(await region.getByRole('columnheader', { name: 'label', exact: true }).boundingBox())!
		];
		expect(Math.abs(l.x - r.x)).toBeLessThanOrEqual(1);
	});
});

test.describe('the digit gallery', () => {
	const tiles = (page: Page) =>
		page.getByRole('group', { name: 'Held-out digits to attack' }).getByRole('button');
	const name = async (page: Page) =>
		page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? '');

	test('shows the digit the lab opens on, selected', async ({ page, open }) => {
		await open('labs/adversarial/');
		await computed(page, 'labs/adversarial/');
		await expect(page.getByTestId('source-name')).toHaveText('test image 0 (a 2)');
		const chosen = page.getByRole('button', { name: 'Digit 2 (held-out #0)' });
		await expect(chosen).toHaveAttribute('aria-pressed', 'true');
		await expect(tiles(page)).toHaveCount(30);
		await expect(tiles(page).and(page.locator('[aria-pressed="true"]'))).toHaveCount(1);
	});

	test('is one Tab stop; arrow keys, Home and End move inside, Enter picks', async ({
		page,
		open
	}) => {
		await open('labs/adversarial/?digit=0');
		await computed(page, 'labs/adversarial/');
		await expect(tiles(page).and(page.locator('[tabindex="0"]'))).toHaveCount(1);

		// From eps, Tab reaches 'Run curves' visiting one tile, not thirty.
		await page.getByRole('slider', { name: 'eps (L-infinity budget)' }).focus();
		const visited: string[] = [];
		for (let i = 0; i < 12 && !visited.includes('Run curves'); i++) {
			await page.keyboard.press('Tab');
			visited.push(
				await page.evaluate(
					() =>
						document.activeElement?.getAttribute('aria-label') ??
						document.activeElement?.textContent?.trim() ??
						''
				)
			);
		}
		expect(visited).toContain('Run curves');
		expect(visited.filter((v) => v.startsWith('Digit '))).toEqual(['Digit 2 (held-out #0)']);

		// Back to the chosen tile; the keys move between tiles.
		const chosen = page.getByRole('button', { name: 'Digit 2 (held-out #0)' });
		await chosen.focus();
		await page.keyboard.press('ArrowRight');
		const second = await name(page);
		expect(second).toMatch(/^Digit 3 /);
		await page.keyboard.press('End');
		await expect(tiles(page).last()).toBeFocused();
		await page.keyboard.press('Home');
		await expect(tiles(page).first()).toBeFocused();
		const first = await name(page);
		// The roving stop follows focus: Tab out and Shift+Tab back returns to the same tile.
		await page.keyboard.press('Tab');
		await expect(page.getByRole('button', { name: 'Shuffle' })).toBeFocused();
		await page.keyboard.press('Shift+Tab');
		expect(await name(page)).toBe(first);

		await page.keyboard.press('Enter');
		await expect(page.getByRole('button', { name: first })).toHaveAttribute('aria-pressed', 'true');
		await expect(tiles(page).and(page.locator('[aria-pressed="true"]'))).toHaveCount(1);
		await expect(page.getByTestId('source-name')).toHaveText(/a 0\)$/);
	});
});

for (const colorScheme of ['light', 'dark'] as const) {
	test.describe(`axe, in the ${colorScheme} colour scheme`, () => {
		test.beforeEach(async ({ page }) => {
			await page.emulateMedia({ colorScheme });
		});

		for (const path of PAGES) {
			test(`/${path} passes at 1366x768 and at 390x844, with its first results`, async ({
				page,
				open
			}) => {
				await page.setViewportSize(PRESENTER);
				await open(path);
				await computed(page, path);
				for (const viewport of [PRESENTER, PHONE]) {
					await page.setViewportSize(viewport);
					await settled(page);
					const { violations } = await new AxeBuilder({ page }).analyze();
					// The rule, where it failed and why, rather than a bare count.
					expect(
						violations.map((v) => ({
							rule: v.id,
							help: v.help,
							nodes: v.nodes.map((node) => `${node.target.join(' ')}: ${node.failureSummary}`)
						})),
						`${viewport.width}x${viewport.height}`
					).toEqual([]);
				}
			});
		}
	});
}
