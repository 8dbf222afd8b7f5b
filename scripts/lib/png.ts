/**
 * A minimal PNG writer (zlib from Node, no dependencies): 8-bit RGBA or greyscale, no filter.
 * Used by `npm run icons` and `lab invert --png`.
 */
import { deflateSync } from 'node:zlib';

function crc32(bytes: Uint8Array): number {
	let c = ~0;
	for (const b of bytes) {
		c ^= b;
		for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
	}
	return ~c >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
	const out = Buffer.alloc(12 + data.length);
	out.writeUInt32BE(data.length, 0);
	out.write(type, 4, 'ascii');
	out.set(data, 8);
	out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
	return out;
}

/**
 * Encodes `pixels` (row-major, `channels` bytes per pixel: 4 = RGBA, 1 = grey) as a PNG file.
 */
export function encodePng(
	width: number,
	height: number,
	pixels: Uint8Array,
	channels: 1 | 4
): Buffer {
	if (pixels.length !== width * height * channels)
		throw new Error(
			`encodePng: ${pixels.length} bytes do not make ${width} x ${height} pixels of ${channels} channels`
		);
	const stride = width * channels;
	const raw = Buffer.alloc(height * (1 + stride));
	for (let y = 0; y < height; y++) {
		raw[y * (1 + stride)] = 0; // no filter
		raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (1 + stride) + 1);
	}
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header.set([8, channels === 4 ? 6 : 0, 0, 0, 0], 8);
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', header),
		chunk('IDAT', deflateSync(raw, { level: 9 })),
		chunk('IEND', new Uint8Array(0))
	]);
}
