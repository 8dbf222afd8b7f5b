// Saving what a lab measured: CSV text and PNG images, as files the browser downloads.

/** Quotes a CSV field when it needs it (RFC 4180). */
function csvField(value: string | number | null): string {
	if (value === null) return '';
	const text = typeof value === 'number' ? String(value) : value;
	return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: string[], rows: (string | number | null)[][]): string {
	return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

export function downloadUrl(url: string, filename: string) {
	const a = document.createElement('a');
	a.href = url;
	a.download = filename;
	document.body.append(a);
	a.click();
	a.remove();
}

export function downloadText(text: string, filename: string, type = 'text/csv;charset=utf-8') {
	const url = URL.createObjectURL(new Blob([text], { type }));
	downloadUrl(url, filename);
	setTimeout(() => URL.revokeObjectURL(url), 1000);
}
