import { withQuery } from '../api.ts';
import { daysBetween, MONTH, monthDays, previousMonth, type Daily, type DailyFigure, type Flows, type PrepaidLevel } from '../clearing.ts';
import { LoadedOr, useRegionName } from '../components/ClearingParts.tsx';
import { DailyChart } from '../components/DailyChart.tsx';
import { RegionFilter } from '../components/RegionFilter.tsx';
import { FlowTable, Sankey } from '../components/Sankey.tsx';
import { Badge, Card, Field, Legend, PageHeader, SelectField } from '../components/ui.tsx';
import { useFetch } from '../data.ts';
import { formatYuan, todayInChina } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import { Link, setQuery } from '../router.tsx';

type Metric = 'fund' | 'settlements' | 'medfee';
const METRICS: Metric[] = ['fund', 'settlements', 'medfee'];

/**
 * The national operator's view of a month: settlements and amounts per day and
 * per province, the money between provinces as a Sankey, and the prepaid funds
 * that pay it. Month, side, province and figure live in the URL.
 */
export function Dashboard({ query }: { query: URLSearchParams }) {
  const { t } = useI18n();
  const today = todayInChina();
  const m = query.get('month') ?? '';
  const month = MONTH.test(m) ? m : previousMonth(today.slice(0, 7));
  const side = query.get('side') === 'insured' ? 'insured' : 'treatment';
  const province = query.get('province') ?? '';
  const metric: Metric = METRICS.includes(query.get('metric') as Metric) ? (query.get('metric') as Metric) : 'fund';
  const { from, to: monthEnd } = monthDays(month);
  const to = monthEnd > today ? today : monthEnd;

  const daily = useFetch<Daily>(from <= to ? withQuery('/api/clearing/dashboard/daily', { from, to, side, province }) : null);
  const flows = useFetch<Flows>(`/api/clearing/months/${month}/flows`);
  const prepaid = useFetch<{ items: PrepaidLevel[] }>('/api/clearing/prepaid');
  const change = (changes: Record<string, string>) => setQuery(changes, { replace: true });

  return (
    <>
      <PageHeader title={t('clg.dash.title')} intro={t('clg.dash.intro')} />
      <section className="filters card" aria-label={t('filter.title')}>
        <div className="filter-grid clr-filters">
          <Field label={t('clg.month')}>{(id) => <input id={id} name="month" type="month" value={month} max={today.slice(0, 7)} onChange={(e) => e.target.value && change({ month: e.target.value })} />}</Field>
          <SelectField
            name="side"
            label={t('clg.groupBy')}
            value={side}
            options={[
              { value: 'treatment', label: t('clg.groupBy.treatment') },
              { value: 'insured', label: t('clg.groupBy.insured') },
            ]}
            onChange={(v) => change({ side: v })}
          />
          <RegionFilter province={province} area="" withArea={false} onChange={(p) => change({ province: p })} />
        </div>
      </section>
      <div className="stack">
        <Card title={t('clg.dash.daily')}>
          {from > to ? (
            <p className="empty">{t('clg.dash.future')}</p>
          ) : (
            <LoadedOr value={daily}>{(d) => <DailyFigures daily={d} metric={metric} onMetric={(v) => change({ metric: v })} />}</LoadedOr>
          )}
        </Card>
        <Card title={t('clg.flowsTitle')} className="flows-card">
          <LoadedOr value={flows}>
            {(f) => (
              <div className="stack-tight">
                <p className="muted">{t(f.source === 'statements' ? 'clg.flowsFromStatements' : 'clg.flowsLive', { month: f.month })}</p>
                {f.links.length === 0 ? (
                  <p className="empty">{t('clg.noFlows')}</p>
                ) : (
                  <>
                    <Sankey flows={f} />
                    <FlowTable flows={f} />
                  </>
                )}
              </div>
            )}
          </LoadedOr>
        </Card>
        <Card title={t('clg.prepaid.levels')}>
          <LoadedOr value={prepaid}>{(p) => <PrepaidBars items={p.items} />}</LoadedOr>
          <p className="actions">
            <Link to="/prepaid" className="btn btn-secondary">
              {t('clg.prepaid.manage')}
            </Link>
          </p>
        </Card>
      </div>
    </>
  );
}

interface Tally {
  settlements: number;
  reversals: number;
  medfee_fen: number;
  fund_fen: number;
  acct_fen: number;
}

const zero = (): Tally => ({ settlements: 0, reversals: 0, medfee_fen: 0, fund_fen: 0, acct_fen: 0 });
function add(into: Tally, f: DailyFigure): void {
  into.settlements += f.settlements;
  into.reversals += f.reversals;
  into.medfee_fen += f.medfee_fen;
  into.fund_fen += f.fund_fen;
  into.acct_fen += f.acct_fen;
}

function DailyFigures({ daily, metric, onMetric }: { daily: Daily; metric: Metric; onMetric: (m: Metric) => void }) {
  const { t } = useI18n();
  const regionName = useRegionName();
  const days = daysBetween(daily.from, daily.to);
  const byDay = new Map(days.map((d) => [d, zero()]));
  const byProvince = new Map<string, Tally>();
  const all = zero();
  for (const f of daily.items) {
    add(byDay.get(f.date) ?? zero(), f);
    const p = byProvince.get(f.province) ?? zero();
    add(p, f);
    byProvince.set(f.province, p);
    add(all, f);
  }
  const pick = (x: Tally) => (metric === 'settlements' ? x.settlements : metric === 'medfee' ? x.medfee_fen : x.fund_fen);
  const format = (v: number) => (metric === 'settlements' ? String(v) : formatYuan(v));
  const provinces = [...byProvince.entries()].sort((a, b) => b[1].fund_fen - a[1].fund_fen || a[0].localeCompare(b[0]));

  return (
    <div className="stack-tight">
      <dl className="clr-figures">
        <div>
          <dt>{t('clg.settlements')}</dt>
          <dd data-total="settlements">{all.settlements}</dd>
        </div>
        <div>
          <dt>{t('clg.reversals')}</dt>
          <dd data-total="reversals">{all.reversals}</dd>
        </div>
        <div>
          <dt>{t('clg.medfee')}</dt>
          <dd data-total="medfee">{formatYuan(all.medfee_fen)}</dd>
        </div>
        <div>
          <dt>{t('clg.fund')}</dt>
          <dd data-total="fund">{formatYuan(all.fund_fen)}</dd>
        </div>
      </dl>
      <div className="segmented segmented-3" role="tablist" aria-label={t('clg.metric')}>
        {METRICS.map((m) => (
          <button key={m} type="button" role="tab" aria-selected={metric === m} className={metric === m ? 'selected' : undefined} onClick={() => onMetric(m)}>
            {t(`clg.metric.${m}`)}
          </button>
        ))}
      </div>
      <DailyChart days={days} values={days.map((d) => pick(byDay.get(d)!))} format={format} label={t('clg.chartLabel', { metric: t(`clg.metric.${metric}`), from: daily.from, to: daily.to })} />
      {provinces.length === 0 ? (
        <p className="empty">{t('clg.noSettlements')}</p>
      ) : (
        <div className="table-scroll">
          <table className="table counts-table clr-table" data-testid="daily-by-province">
            <thead>
              <tr>
                <th scope="col">{t('filter.province')}</th>
                <th scope="col" className="num">
                  {t('clg.settlements')}
                </th>
                <th scope="col" className="num hide-phone">
                  {t('clg.reversals')}
                </th>
                <th scope="col" className="num hide-phone">
                  {t('clg.medfee')}
                </th>
                <th scope="col" className="num">
                  {t('clg.fund')}
                </th>
                <th scope="col" className="num hide-phone">
                  {t('clg.acct')}
                </th>
              </tr>
            </thead>
            <tbody>
              {provinces.map(([p, x]) => (
                <tr key={p} data-province={p}>
                  <th scope="row">{regionName(p)}</th>
                  <td className="num">{x.settlements}</td>
                  <td className="num hide-phone">{x.reversals}</td>
                  <td className="num nowrap hide-phone">{formatYuan(x.medfee_fen)}</td>
                  <td className="num nowrap">{formatYuan(x.fund_fen)}</td>
                  <td className="num nowrap hide-phone">{formatYuan(x.acct_fen)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">{t('clg.total')}</th>
                <td className="num">{all.settlements}</td>
                <td className="num hide-phone">{all.reversals}</td>
                <td className="num nowrap hide-phone">{formatYuan(all.medfee_fen)}</td>
                <td className="num nowrap">{formatYuan(all.fund_fen)}</td>
                <td className="num nowrap hide-phone">{formatYuan(all.acct_fen)}</td>
              </tr>
            </tfoot>
          </table>
        </div>
      )}
      {all.settlements + all.reversals > 0 && (
        <details className="more-filters">
          <summary>{t('clg.byDay')}</summary>
          <div className="table-scroll">
            <table className="table counts-table clr-table" data-testid="daily-by-day">
              <thead>
                <tr>
                  <th scope="col">{t('clg.date')}</th>
                  <th scope="col" className="num">
                    {t('clg.settlements')}
                  </th>
                  <th scope="col" className="num">
                    {t('clg.reversals')}
                  </th>
                  <th scope="col" className="num">
                    {t('clg.fund')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {days
                  .filter((d) => byDay.get(d)!.settlements + byDay.get(d)!.reversals > 0)
                  .map((d) => (
                    <tr key={d}>
                      <th scope="row" className="nowrap">
                        {d}
                      </th>
                      <td className="num">{byDay.get(d)!.settlements}</td>
                      <td className="num">{byDay.get(d)!.reversals}</td>
                      <td className="num nowrap">{formatYuan(byDay.get(d)!.fund_fen)}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        </details>
      )}
    </div>
  );
}

/**
 * Each province's prepaid funds as one bar, warnings first: the part already
 * owed to treatment provinces, the part still free, and a shortfall when the
 * debts are larger than the funds.
 */
export function PrepaidBars({ items }: { items: PrepaidLevel[] }) {
  const { t, nameOf } = useI18n();
  const shown = [...items].filter((p) => p.prepaid_fen !== 0 || p.uncleared_fen !== 0 || p.target_fen !== null).sort((a, b) => Number(b.warning) - Number(a.warning) || a.available_fen - b.available_fen);
  if (shown.length === 0) return <p className="empty">{t('clg.prepaid.none')}</p>;
  return (
    <>
      <ul className="plain-list bars prepaid-bars" data-testid="prepaid-bars">
        {shown.map((p) => {
          const scale = Math.max(p.target_fen ?? 0, p.prepaid_fen, p.uncleared_fen, 1);
          const pct = (v: number) => `${Math.max(0, Math.min(100, (v * 100) / scale))}%`;
          const committed = Math.min(Math.max(p.prepaid_fen, 0), p.uncleared_fen);
          return (
            <li key={p.province} className="bar-row" data-province={p.province} data-warning={p.warning}>
              <span className="bar-label">
                {nameOf(p, p.province)} {p.warning && <Badge tone="bad">{t('clg.prepaid.warning')}</Badge>}
              </span>
              <span className="bar-track" aria-hidden="true">
                <span className="bar-fill prepaid-committed" style={{ width: pct(committed) }} />
                <span className="bar-fill split-fund" style={{ width: pct(Math.max(0, p.available_fen)) }} />
                <span className="bar-fill prepaid-low" style={{ width: pct(Math.max(0, -p.available_fen)) }} />
              </span>
              <span className={`bar-value nowrap${p.available_fen < 0 ? ' text-bad' : ''}`} data-amount="available_fen">
                {formatYuan(p.available_fen)}
              </span>
              <span className="muted bar-note">
                {t('clg.prepaid.barNote', { prepaid: formatYuan(p.prepaid_fen), uncleared: formatYuan(p.uncleared_fen) })} ·{' '}
                {p.target_fen === null ? t('clg.prepaid.noTarget') : t('clg.prepaid.ofTarget', { target: formatYuan(p.target_fen) })}
              </span>
            </li>
          );
        })}
      </ul>
      <Legend
        items={[
          { key: 'available', swatch: 'split-fund', label: t('clg.prepaid.available') },
          { key: 'uncleared', swatch: 'prepaid-committed', label: t('clg.prepaid.uncleared') },
          { key: 'shortfall', swatch: 'prepaid-low', label: t('clg.prepaid.shortfall') },
        ]}
      />
    </>
  );
}
