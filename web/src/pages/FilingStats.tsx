import type { FilingCount, FilingKind, FilingStatus } from '../api.ts';
import { useAreaName } from '../components/FilingFacts.tsx';
import { FilingTabs } from '../components/FilingTabs.tsx';
import { Card, Legend, Loaded, PageHeader, tCode } from '../components/ui.tsx';
import { useFetch } from '../data.ts';
import { FILING_KINDS } from '../filing.ts';
import { useI18n } from '../i18n.tsx';

interface Tally {
  active: number;
  pending_review: number;
  other: number;
  total: number;
}

const empty = (): Tally => ({ active: 0, pending_review: 0, other: 0, total: 0 });

function add(t: Tally, status: FilingStatus, n: number): void {
  if (status === 'active' || status === 'pending_review') t[status] += n;
  else t.other += n;
  t.total += n;
}

/** How many filings the agency's insured persons hold, by kind and by filed area. */
export function FilingStats({ path }: { path: string }) {
  const { t } = useI18n();
  const value = useFetch<{ counts: FilingCount[] }>('/api/filings/stats');
  return (
    <>
      <PageHeader title={t('af.title')} />
      <FilingTabs path={path} />
      <p className="intro muted tab-intro">{t('af.statsIntro')}</p>
      <Loaded value={value}>{(data) => (data.counts.length === 0 ? <p className="empty">{t('af.noCounts')}</p> : <Counts counts={data.counts} />)}</Loaded>
    </>
  );
}

function Counts({ counts }: { counts: FilingCount[] }) {
  const { t } = useI18n();
  const areaName = useAreaName();
  const byKind = new Map<FilingKind, Tally>(FILING_KINDS.map((k) => [k, empty()]));
  const byArea = new Map<string, Tally>();
  for (const c of counts) {
    const k = byKind.get(c.kind) ?? empty();
    add(k, c.status, c.n);
    byKind.set(c.kind, k);
    const a = byArea.get(c.area) ?? empty();
    add(a, c.status, c.n);
    byArea.set(c.area, a);
  }
  const max = Math.max(1, ...[...byKind.values()].map((x) => x.total));
  const areas = [...byArea.entries()].sort((a, b) => b[1].total - a[1].total || a[0].localeCompare(b[0]));
  const all = empty();
  for (const [, x] of areas) {
    all.active += x.active;
    all.pending_review += x.pending_review;
    all.other += x.other;
    all.total += x.total;
  }

  return (
    <div className="stack">
      <Card title={t('af.byKind')}>
        <ul className="plain-list bars" data-testid="counts-by-kind">
          {[...byKind.entries()].map(([kind, x]) => (
            <li key={kind} className="bar-row">
              <span className="bar-label">{tCode(t, 'filing', kind)}</span>
              <span className="bar-track" aria-hidden="true">
                <span className="bar-fill split-fund" style={{ width: `${(x.active * 100) / max}%` }} />
                <span className="bar-fill split-account" style={{ width: `${(x.pending_review * 100) / max}%` }} />
                <span className="bar-fill split-other" style={{ width: `${(x.other * 100) / max}%` }} />
              </span>
              <span className="bar-value" data-kind={kind}>
                {x.total}
              </span>
            </li>
          ))}
        </ul>
        <Legend
          items={[
            { key: 'active', swatch: 'split-fund', label: t('fstatus.active') },
            { key: 'pending_review', swatch: 'split-account', label: t('fstatus.pending_review') },
            { key: 'other', swatch: 'split-other', label: t('af.other') },
          ]}
        />
      </Card>
      <Card title={t('af.byArea')}>
        <div className="table-scroll">
          <table className="table counts-table" data-testid="counts-by-area">
            <thead>
              <tr>
                <th scope="col">{t('fil.area')}</th>
                <th scope="col" className="num">
                  {t('fstatus.active')}
                </th>
                <th scope="col" className="num">
                  {t('fstatus.pending_review')}
                </th>
                <th scope="col" className="num">
                  {t('af.other')}
                </th>
                <th scope="col" className="num">
                  {t('af.total')}
                </th>
              </tr>
            </thead>
            <tbody>
              {areas.map(([area, x]) => (
                <tr key={area} data-area={area}>
                  <th scope="row">{areaName(area)}</th>
                  <td className="num">{x.active}</td>
                  <td className="num">{x.pending_review}</td>
                  <td className="num">{x.other}</td>
                  <td className="num strong">{x.total}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">{t('af.total')}</th>
                <td className="num">{all.active}</td>
                <td className="num">{all.pending_review}</td>
                <td className="num">{all.other}</td>
                <td className="num strong">{all.total}</td>
              </tr>
            </tfoot>
          </table>
        </div>
      </Card>
    </div>
  );
}
