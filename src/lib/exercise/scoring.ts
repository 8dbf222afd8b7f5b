// Risk scoring of the worksheet: the score of one threat, its band on the 5×5 matrix, the ranking
// and the matrix counts the deliverables show.

import {
	COMPONENT_IDS,
	type ComponentId,
	type ScoreField,
	type Worksheet,
	type WorksheetThreat
} from './worksheet';

export const SCORE_INFO: Record<ScoreField, { label: string; levels: string[] }> = {
	likelihood: {
		label: 'Likelihood',
		levels: ['rare', 'unlikely', 'possible', 'likely', 'almost certain']
	},
	impact: { label: 'Impact', levels: ['negligible', 'minor', 'moderate', 'major', 'severe'] },
	detectability: {
		label: 'Difficulty to detect',
		levels: ['obvious', 'easy', 'moderate', 'hard', 'very hard']
	}
};

/**
 * Risk = likelihood × impact (1 to 25): the classic risk-matrix product, so a threat's score is
 * exactly the cell it sits in on the heat map. Difficulty to detect is not multiplied in; it
 * breaks ties in rankThreats, because a threat that goes unseen does damage for longer.
 */
export function riskScore(t: Pick<WorksheetThreat, 'likelihood' | 'impact'>): number {
	return t.likelihood * t.impact;
}

export type RiskLevel = 'low' | 'medium' | 'high' | 'critical';

/** Bands of the 5×5 matrix: 1-4 low, 5-9 medium, 10-16 high, 20-25 critical. */
export function riskLevel(score: number): RiskLevel {
	if (score >= 20) return 'critical';
	if (score >= 10) return 'high';
	if (score >= 5) return 'medium';
	return 'low';
}

export interface RankedThreat extends WorksheetThreat {
	component: ComponentId;
	risk: number;
	level: RiskLevel;
}

/**
 * All threats, highest risk first. Ties: harder to detect first, then higher impact, then
 * component order and name, so the order is stable.
 */
export function rankThreats(ws: Worksheet): RankedThreat[] {
	const all = COMPONENT_IDS.flatMap((component, ci) =>
		ws.components[component].map((t) => ({ ...t, component, risk: riskScore(t), ci }))
	);
	all.sort(
		(a, b) =>
			b.risk - a.risk ||
			b.detectability - a.detectability ||
			b.impact - a.impact ||
			a.ci - b.ci ||
			a.name.localeCompare(b.name)
	);
	return all.map(({ ci: _ci, ...t }) => ({ ...t, level: riskLevel(t.risk) }));
}

/** counts[impact - 1][likelihood - 1]: how many threats sit in each cell. */
export function riskMatrix(ws: Worksheet): number[][] {
	const counts = Array.from({ length: 5 }, () => [0, 0, 0, 0, 0]);
	for (const c of COMPONENT_IDS) {
		for (const t of ws.components[c]) counts[t.impact - 1][t.likelihood - 1]++;
	}
	return counts;
}
