import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { imageSize } from '../../src/lib/data/image-size';

const bytes = (...parts: (number[] | string)[]) =>
	Uint8Array.from(
		parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p))
	);
const be32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const le16 = (n: number) => [n & 255, (n >>> 8) & 255];
const le32 = (n: number) => [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255];

describe('image sizes from headers, before decoding', () => {
	it('PNG: the IHDR width and height (a 16000 x 16000 file is known at once)', () => {
		const png = bytes(
			[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
			be32(13),
			'IHDR',
			be32(16000),
			be32(16000),
			[8, 6, 0, 0, 0]
		);
		expect(imageSize(png)).toEqual({ width: 16000, height: 16000, format: 'png' });
	});

	it('GIF, BMP (top-down too), WebP (VP8X, VP8L, VP8) and JPEG (after other markers)', () => {
		expect(imageSize(bytes('GIF89a', le16(640), le16(480)))).toEqual({
			width: 640,
			height: 480,
			format: 'gif'
		});
		const bmp = (h: number) =>
			bytes('BM', le32(0), le32(0), le32(54), le32(40), le32(300), le32(h), le16(1), le16(24));
		expect(imageSize(bmp(200))).toEqual({ width: 300, height: 200, format: 'bmp' });
		expect(imageSize(bmp(-200))).toEqual({ width: 300, height: 200, format: 'bmp' });
		const riff = (chunk: string, body: number[]) =>
			bytes('RIFF', le32(100), 'WEBP', chunk, le32(10), body);
		expect(
			imageSize(riff('VP8X', [0, 0, 0, 0, ...[0x3f, 0x1f, 0], ...[0x7f, 0x3e, 0], 0, 0]))
		).toEqual({ width: 8000, height: 16000, format: 'webp' });
		const vp8lBits = (1023 & 0x3fff) | ((767 & 0x3fff) << 14);
		expect(imageSize(riff('VP8L', [0x2f, ...le32(vp8lBits), 0, 0, 0, 0, 0]))).toEqual({
			width: 1024,
			height: 768,
			format: 'webp'
		});
		expect(
			imageSize(riff('VP8 ', [0, 0, 0, 0x9d, 0x01, 0x2a, ...le16(320), ...le16(240)]))
		).toEqual({ width: 320, height: 240, format: 'webp' });
		const jpeg = bytes(
			[0xff, 0xd8],
			[0xff, 0xe0],
			[0, 16],
			'JFIF',
			[0, 1, 1, 0, 0, 1, 0, 1, 0, 0],
			[0xff, 0xc0],
			[0, 17, 8],
			[0x1f, 0x40],
			[0x0b, 0xb8],
			[3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]
		);
		expect(imageSize(jpeg)).toEqual({ width: 3000, height: 8000, format: 'jpeg' });
	});

	it('says nothing (null) about what it does not understand, and never throws on any bytes', () => {
		expect(imageSize(bytes('not an image'))).toBeNull();
		expect(imageSize(new Uint8Array(0))).toBeNull();
		fc.assert(
			fc.property(
				fc.uint8Array({ maxLength: 200 }),
				fc.constantFrom('', 'GIF89a', 'BM', 'RIFF', '\x89PNG', '\xff\xd8'),
				(tail, head) => {
					const size = imageSize(bytes(head, Array.from(tail)));
					if (size) {
						expect(Number.isInteger(size.width) && size.width >= 0).toBe(true);
						expect(Number.isInteger(size.height) && size.height >= 0).toBe(true);
					}
				}
			),
			{ seed: 20261201, numRuns: 3000 }
		);
	});
});
