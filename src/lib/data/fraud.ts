/**
 * Synthetic card transactions for a toy bank fraud classifier, generated from a seed so that a lab
 * and its tests see exactly the same data in the browser and in Node.
 *
 * Each fraud follows one of a few patterns, chosen so that a linear model catches part of the
 * fraud and a small neural network catches most of it:
 * - online spree: a big card-not-present purchase, often abroad, from a new device. Every signal
 *   points the same way, so a straight line (logistic regression) finds it.
 * - card testing: many payments in 24 h, each tiny. Only the combination is suspicious; busy
 *   legitimate customers make many payments too, and fraud elsewhere is big, not small.
 * - night clone: a copied card used in a shop around midnight. Hour 23 and hour 0 are neighbours,
 *   so "night" sits at both ends of the hour scale, which no single line can pick out.
 * - gift-card scam: medium amounts, but only at gift-card and electronics merchants.
 * - new-account mule: card present far from home, suspicious only when the account is weeks old.
 * - mimic: a few frauds look exactly like normal spending, so no model can be perfect.
 * Legitimate spending overlaps every pattern (travellers, night shifts, busy customers, small app
 * purchases), so nothing is perfectly separable.
 *
 * Features are stored in raw units (currency, km, days); `standardize` z-scores them for models.
 * The merchant category stays a single code on purpose: a model fed it directly must learn which
 * codes are risky, which a neural network can and a straight line cannot.
 */
import {
	chance,
	createRng,
	logNormal,
	normal,
	pickWeighted as pick,
	poisson,
	randomInt,
	uniform,
	type Rng
} from '../base/rng';
import { stratifiedSplit } from '../base/split';

export type FeatureKind = 'continuous' | 'integer' | 'binary' | 'category';

export interface FeatureSpec {
	key: string;
	/** Plain words for a learner. */
	label: string;
	unit: string;
	kind: FeatureKind;
	min: number;
	max: number;
	description: string;
}

/** Merchant categories, indexed by the `category` feature's code. */
export const MERCHANT_CATEGORIES = [
	'grocery',
	'fuel',
	'restaurants and cafes',
	'online retail',
	'electronics',
	'travel and hotels',
	'health and pharmacy',
	'gift cards',
	'entertainment and streaming',
	'gambling and crypto'
] as const;

const GROCERY = 0;
const FUEL = 1;
const ONLINE = 3;
const ELECTRONICS = 4;
const TRAVEL = 5;
const GIFT_CARDS = 7;
const ENTERTAINMENT = 8;
const GAMBLING = 9;

export const FRAUD_FEATURES = [
	{
		key: 'amount',
		label: 'Amount',
		unit: 'currency units',
		kind: 'continuous',
		min: 0.5,
		max: 20000,
		description: 'How much the payment is for.'
	},
	{
		key: 'hour',
		label: 'Hour of day',
		unit: 'hour (0-23)',
		kind: 'integer',
		min: 0,
		max: 23,
		description:
			'Local hour of the payment. 23 and 0 are neighbours, so night is at both ends of the scale.'
	},
	{
		key: 'category',
		label: 'Merchant category',
		unit: 'category code',
		kind: 'category',
		min: 0,
		max: MERCHANT_CATEGORIES.length - 1,
		description: `What kind of shop was paid, as a code: ${MERCHANT_CATEGORIES.map((n, i) => `${i} ${n}`).join(', ')}. The codes are names, not amounts: 7 is not "more" than 6.`
	},
	{
		key: 'distanceKm',
		label: 'Distance from home',
		unit: 'km',
		kind: 'continuous',
		min: 0,
		max: 20000,
		description:
			"How far from the customer's home the payment happened; for online payments, where the buyer's device appears to be."
	},
	{
		key: 'txLast24h',
		label: 'Payments in the last 24 hours',
		unit: 'payments',
		kind: 'integer',
		min: 1,
		max: 80,
		description: 'How many times the card was used in the last 24 hours, this payment included.'
	},
	{
		key: 'cardPresent',
		label: 'Card present',
		unit: 'yes (1) / no (0)',
		kind: 'binary',
		min: 0,
		max: 1,
		description:
			'1 when the physical card was used (chip, tap or swipe); 0 for online, phone or in-app payments.'
	},
	{
		key: 'foreign',
		label: 'Foreign merchant',
		unit: 'yes (1) / no (0)',
		kind: 'binary',
		min: 0,
		max: 1,
		description: "1 when the merchant is in another country than the customer's bank."
	},
	{
		key: 'accountAgeDays',
		label: 'Account age',
		unit: 'days',
		kind: 'integer',
		min: 0,
		max: 3650,
		description: 'How long the customer has had the account (capped at ten years).'
	},
	{
		key: 'amountVsUsual',
		label: 'Amount compared with usual',
		unit: 'times the usual amount',
		kind: 'continuous',
		min: 0,
		max: 100,
		description:
			"The amount divided by this customer's average payment: 1 is typical, 10 is ten times more than usual."
	},
	{
		key: 'newDeviceOrMerchant',
		label: 'New device or merchant',
		unit: 'yes (1) / no (0)',
		kind: 'binary',
		min: 0,
		max: 1,
		description:
			'1 when the customer has never paid at this merchant, or never from this phone or browser, before.'
	}
] as const satisfies readonly FeatureSpec[];

export type FraudFeatureKey = (typeof FRAUD_FEATURES)[number]['key'];
export const FRAUD_FEATURE_KEYS: readonly FraudFeatureKey[] = FRAUD_FEATURES.map((f) => f.key);
export const FRAUD_DIMS = FRAUD_FEATURES.length;

/** The fraud patterns; a transaction's `patterns` entry is its index here plus 1 (0 = legit). */
export const FRAUD_PATTERNS = [
	{
		key: 'online-spree',
		label: 'Online spree',
		description: 'A big card-not-present purchase, often abroad, from a new device.',
		share: 0.22
	},
	{
		key: 'card-testing',
		label: 'Card testing',
		description: 'Many tiny online payments in a day, checking whether a stolen card works.',
		share: 0.2
	},
	{
		key: 'night-clone',
		label: 'Night-time cloned card',
		description: 'A copied card used in a shop between 22:00 and 04:59.',
		share: 0.2
	},
	{
		key: 'gift-card-scam',
		label: 'Gift-card scam',
		description: 'Medium amounts spent on gift cards or electronics, often on behalf of a scammer.',
		share: 0.15
	},
	{
		key: 'new-account-mule',
		label: 'New-account mule',
		description: 'A card of a weeks-old account used in person, far from home.',
		share: 0.17
	},
	{
		key: 'mimic',
		label: 'Looks normal',
		description: 'Fraud that looks exactly like ordinary spending; no model can catch it.',
		share: 0.06
	}
] as const;

export interface TransactionSet {
	/** count * dims values in raw units, row-major, columns in FRAUD_FEATURES order. */
	features: Float32Array;
	/** 1 = fraud, 0 = legitimate. */
	labels: Uint8Array;
	/** 0 = legitimate, k = fraud of pattern FRAUD_PATTERNS[k - 1]; for explaining misses. */
	patterns: Uint8Array;
	featureKeys: readonly FraudFeatureKey[];
	count: number;
	dims: number;
}

export interface GenerateOptions {
	count: number;
	seed: number;
	/** Probability that a transaction is fraud; real card fraud is well under 1 %. */
	fraudRate?: number;
}

function pickFrom<T>(rng: Rng, items: readonly T[], weights: readonly number[]): T {
	return items[pick(rng, weights)];
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

// How ordinary customers spend, per merchant category (same order as MERCHANT_CATEGORIES).
const CATEGORY_SHARE = [0.22, 0.12, 0.17, 0.15, 0.04, 0.04, 0.08, 0.02, 0.13, 0.03];
/** Typical amount as a multiple of the customer's usual payment. */
const CATEGORY_AMOUNT = [1, 1.1, 0.6, 1.2, 5, 8, 0.7, 1, 0.4, 1];
/** How often the physical card is used there. */
const CATEGORY_CARD_PRESENT = [0.95, 0.97, 0.9, 0.02, 0.5, 0.3, 0.85, 0.6, 0.25, 0.1];

interface Txn {
	amount: number;
	hour: number;
	category: number;
	distanceKm: number;
	txLast24h: number;
	cardPresent: boolean;
	foreign: boolean;
	accountAgeDays: number;
	/** The customer's average payment, for amountVsUsual. */
	usual: number;
	newDeviceOrMerchant: boolean;
}

function nearHome(rng: Rng): number {
	return logNormal(rng, 6, 1);
}

function abroad(rng: Rng): number {
	return logNormal(rng, 1500, 0.8);
}

/** An ordinary payment; the fraud patterns start from one and change what the fraud changes. */
function legitimate(rng: Rng): Txn {
	// A few busy customers (commuters, small traders) pay many times a day.
	const txLast24h = 1 + (chance(rng, 0.1) ? poisson(rng, 14) : poisson(rng, 2.5));
	const category = pick(rng, CATEGORY_SHARE);
	const usual = clamp(logNormal(rng, 50, 0.5), 5, 2000);
	// Small app purchases, parking and vending machines overlap card testing's tiny amounts.
	const amount = chance(rng, 0.03)
		? uniform(rng, 0.5, 5)
		: usual * CATEGORY_AMOUNT[category] * logNormal(rng, 1, 0.6);
	// Mostly daytime; night shifts and insomniacs add some night-time spending.
	const hour = chance(rng, 0.06) ? uniform(rng, 0, 24) : 14 + 3.5 * normal(rng);
	const cardPresent = chance(rng, CATEGORY_CARD_PRESENT[category]);
	let distanceKm: number;
	let foreign: boolean;
	if (chance(rng, 0.08)) {
		// Travellers: far from home, often abroad, and often with the card in hand.
		distanceKm = logNormal(rng, 900, 0.9);
		foreign = chance(rng, distanceKm > 250 ? 0.7 : 0.05);
	} else {
		distanceKm = nearHome(rng);
		foreign = chance(rng, cardPresent ? 0.005 : 0.1);
	}
	const accountAgeDays = chance(rng, 0.07) ? uniform(rng, 0, 90) : logNormal(rng, 900, 0.7);
	return {
		amount,
		hour,
		category,
		distanceKm,
		txLast24h,
		cardPresent,
		foreign,
		accountAgeDays,
		usual,
		newDeviceOrMerchant: chance(rng, 0.15)
	};
}

const NIGHT_HOURS = [22, 23, 0, 1, 2, 3, 4];

/** A fraud of the given FRAUD_PATTERNS index. */
function fraud(rng: Rng, pattern: number): Txn {
	const t = legitimate(rng);
	switch (FRAUD_PATTERNS[pattern].key) {
		case 'online-spree':
			t.category = pickFrom(rng, [ONLINE, ELECTRONICS, TRAVEL], [0.5, 0.3, 0.2]);
			t.amount = logNormal(rng, 700, 0.6);
			t.cardPresent = false;
			t.foreign = chance(rng, 0.65);
			t.distanceKm = t.foreign ? abroad(rng) : logNormal(rng, 60, 1.2);
			t.newDeviceOrMerchant = chance(rng, 0.75);
			t.txLast24h += poisson(rng, 2);
			break;
		case 'card-testing':
			t.category = pickFrom(rng, [ONLINE, ENTERTAINMENT, GAMBLING], [0.4, 0.3, 0.3]);
			t.amount = uniform(rng, 0.5, 3);
			t.txLast24h = 8 + poisson(rng, 10);
			t.cardPresent = false;
			t.foreign = chance(rng, 0.2);
			if (t.foreign) t.distanceKm = abroad(rng);
			t.newDeviceOrMerchant = chance(rng, 0.3);
			break;
		case 'night-clone':
			t.hour = NIGHT_HOURS[randomInt(rng, NIGHT_HOURS.length)];
			t.category = pickFrom(rng, [FUEL, ELECTRONICS, GIFT_CARDS, GROCERY], [0.3, 0.25, 0.25, 0.2]);
			t.amount = logNormal(rng, 120, 0.6);
			t.cardPresent = true;
			t.foreign = chance(rng, 0.15);
			t.distanceKm = t.foreign ? abroad(rng) : logNormal(rng, 30, 1);
			break;
		case 'gift-card-scam':
			t.category = chance(rng, 0.85) ? GIFT_CARDS : ELECTRONICS;
			t.amount = uniform(rng, 150, 500);
			t.cardPresent = chance(rng, 0.5);
			t.newDeviceOrMerchant = chance(rng, 0.5);
			break;
		case 'new-account-mule':
			t.accountAgeDays = uniform(rng, 0, 40);
			t.cardPresent = true;
			t.distanceKm = logNormal(rng, 700, 0.9);
			t.foreign = chance(rng, 0.5);
			t.amount = logNormal(rng, 80, 0.8);
			break;
		case 'mimic':
			break;
	}
	return t;
}

const BOUNDS = Object.fromEntries(FRAUD_FEATURES.map((f) => [f.key, f])) as Record<
	FraudFeatureKey,
	FeatureSpec
>;

function bounded(key: FraudFeatureKey, value: number): number {
	return clamp(value, BOUNDS[key].min, BOUNDS[key].max);
}

/** Rounds to what a bank would record and keeps every value inside its declared range. */
function writeRow(out: Float32Array, offset: number, t: Txn): void {
	const amount = bounded('amount', Math.round(t.amount * 100) / 100);
	const values: Record<FraudFeatureKey, number> = {
		amount,
		hour: ((Math.round(t.hour) % 24) + 24) % 24,
		category: t.category,
		distanceKm: bounded('distanceKm', Math.round(t.distanceKm * 10) / 10),
		txLast24h: bounded('txLast24h', t.txLast24h),
		cardPresent: t.cardPresent ? 1 : 0,
		foreign: t.foreign ? 1 : 0,
		accountAgeDays: bounded('accountAgeDays', Math.round(t.accountAgeDays)),
		amountVsUsual: bounded('amountVsUsual', Math.round((amount / t.usual) * 100) / 100),
		newDeviceOrMerchant: t.newDeviceOrMerchant ? 1 : 0
	};
	for (let j = 0; j < FRAUD_DIMS; j++) out[offset + j] = values[FRAUD_FEATURES[j].key];
}

/**
 * `count` transactions, each fraud with probability `fraudRate`. The same seed gives the same
 * bytes everywhere: one seeded stream, and only arithmetic whose results IEEE 754 pins down.
 */
export function generateTransactions({
	count,
	seed,
	fraudRate = 0.03
}: GenerateOptions): TransactionSet {
	if (!Number.isInteger(count) || count < 0) {
		throw new Error(`count must be a whole number >= 0, got ${count}`);
	}
	if (!Number.isFinite(seed)) throw new Error(`seed must be a finite number, got ${seed}`);
	if (!(fraudRate >= 0 && fraudRate <= 1)) {
		throw new Error(`fraudRate must be between 0 and 1, got ${fraudRate}`);
	}
	const rng = createRng(seed);
	const shares = FRAUD_PATTERNS.map((p) => p.share);
	const features = new Float32Array(count * FRAUD_DIMS);
	const labels = new Uint8Array(count);
	const patterns = new Uint8Array(count);
	for (let i = 0; i < count; i++) {
		let t: Txn;
		if (chance(rng, fraudRate)) {
			const pattern = pick(rng, shares);
			t = fraud(rng, pattern);
			labels[i] = 1;
			patterns[i] = pattern + 1;
		} else {
			t = legitimate(rng);
		}
		writeRow(features, i * FRAUD_DIMS, t);
	}
	return { features, labels, patterns, featureKeys: FRAUD_FEATURE_KEYS, count, dims: FRAUD_DIMS };
}

/** The rows at `indices`, in that order. */
export function selectTransactions(
	data: TransactionSet,
	indices: ArrayLike<number>
): TransactionSet {
	const n = indices.length;
	const d = data.dims;
	const features = new Float32Array(n * d);
	const labels = new Uint8Array(n);
	const patterns = new Uint8Array(n);
	for (let i = 0; i < n; i++) {
		const row = indices[i];
		if (!(row >= 0 && row < data.count))
			throw new Error(`row ${row} is not in 0..${data.count - 1}`);
		features.set(data.features.subarray(row * d, (row + 1) * d), i * d);
		labels[i] = data.labels[row];
		patterns[i] = data.patterns[row];
	}
	return { features, labels, patterns, featureKeys: data.featureKeys, count: n, dims: d };
}

/**
 * A seeded train/test split that keeps the fraud share the same on both sides (stratified): with
 * a few percent fraud, a plain random split can leave the test set with noticeably less of it.
 * Rows keep their original order within each side.
 */
export function splitTransactions(
	data: TransactionSet,
	testFraction: number,
	seed: number
): { train: TransactionSet; test: TransactionSet } {
	const { train, test } = stratifiedSplit(data.labels, testFraction, createRng(seed), {
		inOrder: true
	});
	return { train: selectTransactions(data, train), test: selectTransactions(data, test) };
}

export interface Standardizer {
	mean: Float32Array;
	std: Float32Array;
	/** (x - mean) / std per column, as a new array. */
	apply(features: Float32Array): Float32Array;
}

/**
 * Per-column mean and standard deviation of a training set. Fit it on the training rows only and
 * apply it to both sides, so the test set does not leak into the scaling.
 */
export function standardize(features: Float32Array, dims: number): Standardizer {
	if (!Number.isInteger(dims) || dims <= 0) throw new Error(`dims must be >= 1, got ${dims}`);
	if (features.length % dims !== 0) {
		throw new Error(`${features.length} values do not make rows of ${dims}`);
	}
	const n = features.length / dims;
	if (n === 0) throw new Error('cannot standardize an empty set');
	const sum = new Float64Array(dims);
	for (let i = 0; i < features.length; i++) sum[i % dims] += features[i];
	const mean = new Float64Array(dims);
	for (let j = 0; j < dims; j++) mean[j] = sum[j] / n;
	const sq = new Float64Array(dims);
	for (let i = 0; i < features.length; i++) {
		const dev = features[i] - mean[i % dims];
		sq[i % dims] += dev * dev;
	}
	const std = new Float64Array(dims);
	// A constant column would divide by zero; leave it centred but unscaled.
	for (let j = 0; j < dims; j++) std[j] = Math.sqrt(sq[j] / n) || 1;
	return {
		mean: Float32Array.from(mean),
		std: Float32Array.from(std),
		apply(x: Float32Array): Float32Array {
			if (x.length % dims !== 0) throw new Error(`${x.length} values do not make rows of ${dims}`);
			const out = new Float32Array(x.length);
			for (let i = 0; i < x.length; i++) out[i] = (x[i] - mean[i % dims]) / std[i % dims];
			return out;
		}
	};
}
