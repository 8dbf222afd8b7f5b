/**
 * The course pages in reading order, for the site header. Each page adds itself here when its
 * route lands (resolve() is typed, so an entry only compiles once the route exists).
 */
import { resolve } from '$app/paths';

export interface CoursePage {
	href: string;
	title: string;
}

export const COURSE_PAGES: readonly CoursePage[] = [
	{ href: resolve('/learn/'), title: 'Lesson' },
	{ href: resolve('/exercise/'), title: 'Exercise' },
	{ href: resolve('/quiz/'), title: 'Quiz' }
];
