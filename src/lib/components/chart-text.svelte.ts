/**
 * Whether the charts draw large text (presenter view sets it; chart.svelte.ts reads it and redraws
 * when it changes). A module of its own, so the site's frame can set it without loading Chart.js.
 */
export const chartText = $state({ large: false });
