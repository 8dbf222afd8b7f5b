// Runs before any page module, and so before tfjs-core reads the address: see url-guard.ts.
import { guardUrl } from '$lib/runtime/url-guard';

guardUrl();
