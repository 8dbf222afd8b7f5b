/**
 * The presenter's keyboard, as a pure function from a key press to what it means. Clickers send
 * PageUp/PageDown (and arrows). Nothing fires while the learner types in a field; on a focused
 * control the arrows keep their own meaning (a slider moves itself).
 */

export type Shortcut =
	| 'present'
	| 'fullscreen'
	| 'help'
	| 'next'
	| 'previous'
	| 'slider-up'
	| 'slider-down'
	| 'run'
	| 'cancel'
	| 'explain';

/** What the shortcut list shows, in order. */
export const SHORTCUTS: { keys: string; does: string; presenting: boolean }[] = [
	{ keys: 'p', does: 'presenter view on or off', presenting: false },
	{ keys: 'f', does: 'full screen on or off', presenting: false },
	{ keys: '?', does: 'this list', presenting: false },
	{ keys: 'Page Down, clicker forward', does: 'next scene', presenting: true },
	{ keys: 'Page Up, clicker back', does: 'previous scene', presenting: true },
	{ keys: '→ / ↑', does: "move the lab's main slider up", presenting: true },
	{ keys: '← / ↓', does: "move the lab's main slider down", presenting: true },
	{ keys: 'r', does: "run the lab's main action", presenting: true },
	{ keys: 'e', does: 'show or hide the explanations', presenting: true },
	{ keys: 'Esc', does: 'cancel a run, close this list', presenting: false }
];

export interface KeyPress {
	key: string;
	ctrlKey?: boolean;
	metaKey?: boolean;
	altKey?: boolean;
	/** the focused element's tag and type, e.g. { tag: 'INPUT', type: 'number' } */
	target?: { tag: string; type?: string; editable?: boolean } | null;
}

const TYPING_INPUTS = new Set([
	'text',
	'number',
	'search',
	'email',
	'url',
	'tel',
	'password',
	'date',
	'time',
	'datetime-local',
	'month',
	'week'
]);

/** Whether the focused element takes typed text (so letters and arrows belong to it). */
export function isTyping(target: KeyPress['target']): boolean {
	if (!target) return false;
	if (target.editable) return true;
	if (target.tag === 'TEXTAREA' || target.tag === 'SELECT') return true;
	return target.tag === 'INPUT' && TYPING_INPUTS.has((target.type ?? 'text').toLowerCase());
}

/** A form control that has its own use for the arrows (a slider, a radio group). */
function ownsArrows(target: KeyPress['target']): boolean {
	return (
		!!target && (target.tag === 'INPUT' || target.tag === 'SELECT' || target.tag === 'TEXTAREA')
	);
}

export function shortcutFor(press: KeyPress, presenting: boolean): Shortcut | null {
	if (press.ctrlKey || press.metaKey || press.altKey) return null;
	if (isTyping(press.target)) return press.key === 'Escape' ? 'cancel' : null;
	switch (press.key) {
		case 'p':
		case 'P':
			return 'present';
		case 'f':
		case 'F':
			return 'fullscreen';
		case '?':
			return 'help';
		case 'Escape':
			return 'cancel';
	}
	if (!presenting) return null;
	switch (press.key) {
		case 'PageDown':
			return 'next';
		case 'PageUp':
			return 'previous';
		case 'r':
		case 'R':
			return 'run';
		case 'e':
		case 'E':
			return 'explain';
	}
	if (ownsArrows(press.target)) return null;
	switch (press.key) {
		case 'ArrowRight':
		case 'ArrowUp':
			return 'slider-up';
		case 'ArrowLeft':
		case 'ArrowDown':
			return 'slider-down';
	}
	return null;
}
