// Fetching the site's own files (models, digit data) under the configured base path.
import { base } from '$app/paths';
import type { AssetReader } from '$lib/data/mnist';

export function assetUrl(path: string): string {
	return `${base}/${path}`;
}

export const fetchAsset: AssetReader = async (path) => {
	const response = await fetch(assetUrl(path));
	if (!response.ok) {
		throw new Error(
			`could not load ${assetUrl(path)}: HTTP ${response.status} ${response.statusText}`
		);
	}
	return new Uint8Array(await response.arrayBuffer());
};
