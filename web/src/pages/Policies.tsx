import { withQuery, type Me, type Page, type PolicySummary } from '../api.ts';
import { RegionFilter } from '../components/RegionFilter.tsx';
import { Badge, Empty, Loaded, PageHeader, Pager, SelectField, useWide } from '../components/ui.tsx';
import { useCodes, useFetch, useRegionIndex } from '../data.ts';
import { provinceOf, todayInChina } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import { policyState } from '../policyText.ts';
import { Link, setQuery } from '../router.tsx';

const PAGE_SIZE = 20;
const STATE_TONE = { current: 'good', expired: 'neutral', upcoming: 'info' } as const;

export function Policies({ me, query }: { me: Me; query: URLSearchParams }) {
  const { t, nameOf } = useI18n();
  const isProvince = (code: string) => code.endsWith('0000');
  const ownProvince = me.region ? provinceOf(me.region) : '';
  const ownArea = me.region && !isProvince(me.region) ? me.region : '';
  const f = {
    province: query.get('province') ?? ownProvince,
    area: query.get('area') ?? (query.has('province') ? '' : ownArea),
    insutype: query.get('insutype') ?? '',
    page: Math.max(1, Number(query.get('page')) || 1),
  };
  const insutypes = useCodes('insutype');
  const value = useFetch<Page<PolicySummary>>(withQuery('/api/policies', { pooling_area: f.area, province: f.area ? '' : f.province, insutype: f.insutype, page: f.page, page_size: PAGE_SIZE }));
  const change = (changes: Record<string, string>) => setQuery({ ...changes, page: null }, { replace: true });

  return (
    <>
      <PageHeader title={t('pol.title')} intro={t('pol.intro')} />
      <section className="filters card" aria-label={t('filter.title')}>
        <div className="filter-grid">
          <RegionFilter province={f.province} area={f.area} onChange={(province, area) => change({ province, area })} />
          <SelectField name="insutype" label={t('filter.scheme')} value={f.insutype} allLabel={t('common.all')} options={insutypes.map((c) => ({ value: c.code, label: nameOf(c, c.code) }))} onChange={(insutype) => change({ insutype })} />
        </div>
      </section>
      <Loaded value={value}>
        {(data) => (
          <section aria-live="polite">
            {data.items.length === 0 ? <Empty /> : <PolicyList items={data.items} />}
            {data.total > 0 && <Pager page={f.page} pageSize={PAGE_SIZE} total={data.total} onPage={(page) => setQuery({ page })} />}
          </section>
        )}
      </Loaded>
    </>
  );
}

/**
 * "Harbin · Employee basic medical insurance": built from the codes so it reads
 * in the chosen language; the document's own name (in the agency's words) is shown beside it.
 */
export function usePolicyTitle(): (p: Pick<PolicySummary, 'pooling_area' | 'insutype'>) => string {
  const { nameOf } = useI18n();
  const regions = useRegionIndex();
  const insutypes = useCodes('insutype');
  return (p) => `${nameOf(regions.get(p.pooling_area), p.pooling_area)} · ${nameOf(insutypes.find((c) => c.code === p.insutype), p.insutype)}`;
}

function PolicyList({ items }: { items: PolicySummary[] }) {
  const { t, nameOf } = useI18n();
  const wide = useWide();
  const regions = useRegionIndex();
  const insutypes = useCodes('insutype');
  const title = usePolicyTitle();
  const today = todayInChina();
  const period = (p: PolicySummary) => (p.enddate ? t('common.dateRange', { from: p.begndate, to: p.enddate }) : t('common.fromDate', { from: p.begndate }));
  const state = (p: PolicySummary) => {
    const s = policyState(p, today);
    return <Badge tone={STATE_TONE[s]}>{t(`pol.${s}`)}</Badge>;
  };

  if (wide) {
    return (
      <div className="table-wrap">
        <table className="table" data-testid="policies">
          <thead>
            <tr>
              <th scope="col">{t('pol.name')}</th>
              <th scope="col">{t('pol.area')}</th>
              <th scope="col">{t('pol.scheme')}</th>
              <th scope="col">{t('pol.validity')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('pol.current')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((p) => (
              <tr key={p.id}>
                <td>
                  <Link to={`/policies/${p.id}`} className="strong">
                    {title(p)}
                  </Link>
                  {p.name && (
                    <>
                      <br />
                      <small className="muted">{p.name}</small>
                    </>
                  )}
                </td>
                <td>{nameOf(regions.get(p.pooling_area), p.pooling_area)}</td>
                <td>{nameOf(insutypes.find((c) => c.code === p.insutype), p.insutype)}</td>
                <td className="nowrap">{period(p)}</td>
                <td>{state(p)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  }
  return (
    <ul className="plain-list cards" data-testid="policies">
      {items.map((p) => (
        <li key={p.id}>
          <Link to={`/policies/${p.id}`} className="card item-card item-link">
            <span className="item-title">{title(p)}</span>
            {p.name && <span className="muted">{p.name}</span>}
            <span className="badges">
              {state(p)}
              <Badge>{nameOf(insutypes.find((c) => c.code === p.insutype), p.insutype)}</Badge>
            </span>
            <span className="muted">{period(p)}</span>
            <span className="chevron" aria-hidden="true">
              ›
            </span>
          </Link>
        </li>
      ))}
    </ul>
  );
}
