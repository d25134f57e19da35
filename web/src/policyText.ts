import type { Band, Deductible, PolicySummary } from './api.ts';
import { formatPercent, formatYuan } from './format.ts';
import type { Translate } from './i18n.tsx';

export type PolicyState = 'current' | 'expired' | 'upcoming';

export function policyState(p: Pick<PolicySummary, 'begndate' | 'enddate'>, today: string): PolicyState {
  if (p.begndate > today) return 'upcoming';
  if (p.enddate !== null && p.enddate < today) return 'expired';
  return 'current';
}

/** One line per amount: an admission deductible has two. */
export function deductibleLines(t: Translate, d: Deductible): string[] {
  switch (d.per) {
    case 'admission':
      return [t('ded.first', { amount: formatYuan(d.first_fen) }), t('ded.later', { amount: formatYuan(d.later_fen) })];
    case 'year':
      return [t('ded.year', { amount: formatYuan(d.amount_fen) })];
    case 'none':
      return [t('ded.none')];
  }
}

/** Each band covers the eligible amount from the previous band's upper end to its own. */
export function bandRows(t: Translate, bands: Band[]): { range: string; ratio: string }[] {
  let from = 0;
  return bands.map((b) => {
    let range: string;
    if (b.up_to_fen === null) range = from === 0 ? t('band.all') : t('band.above', { from: formatYuan(from) });
    else if (from === 0) range = t('band.upTo', { to: formatYuan(b.up_to_fen) });
    else range = t('band.between', { from: formatYuan(from), to: formatYuan(b.up_to_fen) });
    if (b.up_to_fen !== null) from = b.up_to_fen;
    return { range, ratio: formatPercent(b.ratio_bp) };
  });
}

/** A reduction in basis points as percentage points: 1000 → "10". */
export function points(bp: number): string {
  return formatPercent(bp).replace('%', '');
}
