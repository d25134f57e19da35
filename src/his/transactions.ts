import { basics } from './basics.ts';
import { catalogue } from './catalogue.ts';
import type { HisTransaction } from './model.ts';

/** Every transaction the interface answers: a group of transactions joins by adding its list here. */
export const transactions: readonly HisTransaction[] = [...basics, ...catalogue];
