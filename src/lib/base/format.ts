/** How the labs word a share: one decimal and a spaced percent sign, e.g. "98.3 %". */
export const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
