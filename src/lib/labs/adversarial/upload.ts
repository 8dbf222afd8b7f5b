/**
 * An image file of a digit, chosen by the learner, turned into MNIST pixels. The checks run on
 * the file's name, type and size before anything is decoded, so a wrong or huge file is refused
 * at once with a message that says what to choose instead.
 */
import { EmptyDigitError, rgbaToInk, toMnist } from '../../data/digit-preprocess';
import { imageSize } from '../../data/image-size';

/** Bytes of the header read before decoding: enough for every format's size field. */
const HEADER_BYTES = 64 * 1024;

/** Largest file accepted, in bytes. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
/** Largest decoded width or height, in pixels. */
export const MAX_IMAGE_SIDE = 4096;
/** The image is drawn at most this large before preprocessing: ten times MNIST's 28 px. */
export const WORK_SIDE = 280;

/** MIME types every current browser decodes with createImageBitmap. */
export const IMAGE_TYPES: readonly string[] = [
	'image/png',
	'image/jpeg',
	'image/jpg',
	'image/gif',
	'image/webp',
	'image/bmp',
	'image/x-ms-bmp'
];
const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'gif', 'webp', 'bmp'];
const CHOOSE = 'choose a PNG, JPEG, GIF, WebP or BMP file';

const megabytes = (bytes: number) => bytes / (1024 * 1024);

/** Size in MB rounded up, so a file just over the limit never reads as equal to it. */
function formatSize(bytes: number): string {
	const mb = megabytes(bytes);
	return mb < 0.1 ? `${Math.ceil(bytes / 1024)} KB` : `${(Math.ceil(mb * 10) / 10).toFixed(1)} MB`;
}

/** What the browser tells us about a file before it is read. */
export interface FileFacts {
	name: string;
	type: string;
	size: number;
}

/** Why this file cannot be used, or null when it may be decoded. */
export function validateImageFile({ name, type, size }: FileFacts): string | null {
	const extension = /\.([^.]+)$/.exec(name)?.[1]?.toLowerCase() ?? '';
	// Some systems give no type for a valid file; trust a known extension then.
	const known = type
		? IMAGE_TYPES.includes(type.toLowerCase())
		: IMAGE_EXTENSIONS.includes(extension);
	if (!known) {
		if (type === 'image/svg+xml') {
			return `"${name}" is an SVG drawing, which is not read here; ${CHOOSE}`;
		}
		if (type.startsWith('image/')) {
			return `"${name}" is an image type this lab does not read (${type}); ${CHOOSE}`;
		}
		return `"${name}" is not an image (type ${type || 'unknown'}); ${CHOOSE}`;
	}
	if (size === 0) return `"${name}" is empty (0 bytes); ${CHOOSE} that shows a digit`;
	if (size > MAX_FILE_BYTES) {
		return `"${name}" is ${formatSize(size)}; the limit is ${megabytes(MAX_FILE_BYTES)} MB`;
	}
	return null;
}

/** Throws when an image is wider or taller than MAX_IMAGE_SIDE. */
function tooLarge(name: string, width: number, height: number) {
	if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE) {
		throw new Error(
			`"${name}" is ${width}x${height} pixels; the limit is ` +
				`${MAX_IMAGE_SIDE}x${MAX_IMAGE_SIDE}: crop or shrink it first`
		);
	}
}

function reason(err: unknown): string {
	return err instanceof Error && err.message ? err.message : String(err);
}

/** A 2D context to draw into: OffscreenCanvas where there is one, a detached canvas otherwise. */
function context2d(width: number, height: number) {
	if (typeof OffscreenCanvas !== 'undefined') {
		return new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
	}
	const canvas = document.createElement('canvas');
	canvas.width = width;
	canvas.height = height;
	return canvas.getContext('2d', { willReadFrequently: true });
}

/**
 * Reads an image file of one digit into 784 MNIST pixels in [0, 1]. Browser only. Rejects with a
 * message naming the file and what to do when it is not a usable image or shows no digit.
 */
export async function readDigitFile(file: File): Promise<Float32Array> {
	const invalid = validateImageFile(file);
	if (invalid) throw new Error(invalid);
	// The size the header declares, checked before a decoder allocates a bitmap that large.
	const declared = imageSize(new Uint8Array(await file.slice(0, HEADER_BYTES).arrayBuffer()));
	if (declared) tooLarge(file.name, declared.width, declared.height);

	let bitmap: ImageBitmap;
	try {
		// Phone photos carry their rotation in EXIF; honour it so the digit is upright.
		bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
	} catch (err) {
		throw new Error(`"${file.name}" could not be decoded as an image: ${reason(err)}`, {
			cause: err
		});
	}
	try {
		const { width, height } = bitmap;
		if (width === 0 || height === 0) {
			throw new Error(`"${file.name}" decodes to an empty ${width}x${height} image; ${CHOOSE}`);
		}
		tooLarge(file.name, width, height);
		const fit = Math.min(1, WORK_SIDE / Math.max(width, height));
		const w = Math.max(1, Math.round(width * fit));
		const h = Math.max(1, Math.round(height * fit));
		const ctx = context2d(w, h);
		if (!ctx) throw new Error(`"${file.name}": this browser gave no 2D canvas to read it with`);
		ctx.imageSmoothingEnabled = true;
		ctx.imageSmoothingQuality = 'high';
		ctx.drawImage(bitmap, 0, 0, w, h);
		const { data } = ctx.getImageData(0, 0, w, h);
		try {
			return toMnist(rgbaToInk(data, w, h), w, h);
		} catch (err) {
			if (!(err instanceof EmptyDigitError)) throw err;
			throw new Error(
				`"${file.name}" shows no digit: the image is blank or too faint; ` +
					'choose a picture of one digit, dark on light paper or light on dark',
				{ cause: err }
			);
		}
	} finally {
		bitmap.close();
	}
}
