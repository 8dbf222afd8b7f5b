/**
 * A drawn or uploaded digit in a link: its 784 pixels as bytes (0-255, the resolution MNIST itself
 * has), base64url-encoded: 1,045 characters, small enough for any address bar. Pure.
 */
const SIDE = 28;
const PIXELS = SIDE * SIDE;

export function pixelsToParam(pixels: Float32Array): string {
	if (pixels.length !== PIXELS)
		throw new Error(`a digit has ${PIXELS} pixels, got ${pixels.length}`);
	const bytes = Uint8Array.from(pixels, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255));
	let binary = '';
	for (const b of bytes) binary += String.fromCharCode(b);
	return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The pixels of a digit link, or null when the text is not 784 base64url bytes. */
export function paramToPixels(text: string): Float32Array | null {
	if (!/^[A-Za-z0-9_-]+$/.test(text)) return null;
	let binary: string;
	try {
		binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
	} catch {
		return null;
	}
	if (binary.length !== PIXELS) return null;
	return Float32Array.from(binary, (c) => c.charCodeAt(0) / 255);
}
