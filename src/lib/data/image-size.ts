/**
 * The width and height an image file declares in its header, read from its first bytes without
 * decoding it, so that a small file that decodes to a giant bitmap (a 279 KB PNG of 16000 x 16000
 * pixels takes a gigabyte and seconds to decode) is refused before the browser tries. Formats:
 * PNG (IHDR), GIF (logical screen), BMP (BITMAPINFOHEADER and later), JPEG (the first start-of-
 * frame marker) and WebP (VP8, VP8L, VP8X). Pure; never throws; null when the header says nothing
 * it understands (the decoder then decides, and the size is checked after decoding).
 */

export interface ImageSize {
	width: number;
	height: number;
	format: 'png' | 'gif' | 'bmp' | 'jpeg' | 'webp';
}

const u16be = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const u16le = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8);
const u32be = (b: Uint8Array, i: number) =>
	((b[i] << 24) >>> 0) + (b[i + 1] << 16) + (b[i + 2] << 8) + b[i + 3];
const u24le = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8) | (b[i + 2] << 16);
const i32le = (b: Uint8Array, i: number) =>
	b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
const ascii = (b: Uint8Array, i: number, n: number) =>
	String.fromCharCode(...Array.from(b.subarray(i, i + n)));

function png(b: Uint8Array): ImageSize | null {
	// signature, then the IHDR chunk: length (4), "IHDR", width, height
	if (b.length < 24 || u32be(b, 0) !== 0x89504e47 || ascii(b, 12, 4) !== 'IHDR') return null;
	return { width: u32be(b, 16), height: u32be(b, 20), format: 'png' };
}

function gif(b: Uint8Array): ImageSize | null {
	if (b.length < 10 || !/^GIF8[79]a$/.test(ascii(b, 0, 6))) return null;
	return { width: u16le(b, 6), height: u16le(b, 8), format: 'gif' };
}

function bmp(b: Uint8Array): ImageSize | null {
	if (b.length < 26 || ascii(b, 0, 2) !== 'BM') return null;
	const header = i32le(b, 14);
	if (header === 12) return { width: u16le(b, 18), height: u16le(b, 20), format: 'bmp' };
	if (header < 40) return null;
	// a negative height means a top-down bitmap; the size is its magnitude
	return { width: Math.abs(i32le(b, 18)), height: Math.abs(i32le(b, 22)), format: 'bmp' };
}

function jpeg(b: Uint8Array): ImageSize | null {
	if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return null;
	let i = 2;
	while (i + 9 < b.length) {
		if (b[i] !== 0xff) return null;
		const marker = b[i + 1];
		if (marker === 0xff) {
			i++; // fill byte
			continue;
		}
		// markers without a length
		if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd9)) {
			i += 2;
			continue;
		}
		const length = u16be(b, i + 2);
		if (length < 2) return null;
		// SOF0..SOF15, except DHT (c4), JPG (c8) and DAC (cc)
		if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
			return { height: u16be(b, i + 5), width: u16be(b, i + 7), format: 'jpeg' };
		i += 2 + length;
	}
	return null;
}

function webp(b: Uint8Array): ImageSize | null {
	if (b.length < 30 || ascii(b, 0, 4) !== 'RIFF' || ascii(b, 8, 4) !== 'WEBP') return null;
	const chunk = ascii(b, 12, 4);
	if (chunk === 'VP8 ' && b[23] === 0x9d && b[24] === 0x01 && b[25] === 0x2a)
		return { width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff, format: 'webp' };
	if (chunk === 'VP8L' && b[20] === 0x2f) {
		const bits = b[21] | (b[22] << 8) | (b[23] << 16) | (b[24] << 24);
		return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1, format: 'webp' };
	}
	if (chunk === 'VP8X')
		return { width: u24le(b, 24) + 1, height: u24le(b, 27) + 1, format: 'webp' };
	return null;
}

/** The declared size of an image from its first bytes (64 KB is plenty), or null. */
export function imageSize(bytes: Uint8Array): ImageSize | null {
	try {
		return png(bytes) ?? gif(bytes) ?? bmp(bytes) ?? webp(bytes) ?? jpeg(bytes);
	} catch {
		return null;
	}
}
