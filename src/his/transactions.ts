import { basics } from './basics.ts';
import { catalogue } from './catalogue.ts';
import { visits } from './encounters.ts';
import { files } from './files.ts';
import { filings } from './filings.ts';
import type { HisTransaction } from './model.ts';
import { pharmacy } from './pharmacy.ts';
import { reconciliations } from './reconcile.ts';
import { settlements } from './settlement.ts';

/** Every transaction the interface answers: a group of transactions joins by adding its list here. */
export const transactions: readonly HisTransaction[] = [...basics, ...catalogue, ...visits, ...filings, ...settlements, ...pharmacy, ...files, ...reconciliations];
