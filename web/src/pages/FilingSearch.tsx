import { withQuery, type Filing, type Page } from '../api.ts';
import { FilingFacts, FilingStatusBadge, useAreaName, Validity } from '../components/FilingFacts.tsx';
import { FilingTabs } from '../components/FilingTabs.tsx';
import { RegionFilter } from '../components/RegionFilter.tsx';
import { SearchBox } from '../components/SearchBox.tsx';
import { Empty, Loaded, PageHeader, Pager, SelectField, tCode, useWide } from '../components/ui.tsx';
import { useFetch, useProvinces } from '../data.ts';
import { dateOfTimestamp } from '../dates.ts';
import { FILING_KINDS, FILING_STATUSES } from '../filing.ts';
import { useI18n } from '../i18n.tsx';
import { setQuery } from '../router.tsx';
import { PersonName } from './FilingReview.tsx';

const PAGE_SIZE = 20;

/** Filings of the agency's insured persons, by status, kind, filed area and person. */
export function FilingSearch({ path, query }: { path: string; query: URLSearchParams }) {
  const { t } = useI18n();
  const f = {
    status: query.get('status') ?? '',
    kind: query.get('kind') ?? '',
    province: query.get('province') ?? '',
    area: query.get('area') ?? '',
    psn_no: query.get('psn_no') ?? '',
    page: Math.max(1, Number(query.get('page')) || 1),
  };
  // The API filters on one exact area: a province alone finds the filings made for the whole province.
  const value = useFetch<Page<Filing>>(withQuery('/api/filings', { status: f.status, kind: f.kind, area: f.area || f.province, psn_no: f.psn_no, page: f.page, page_size: PAGE_SIZE }));
  const change = (changes: Record<string, string>) => setQuery({ ...changes, page: null }, { replace: true });
  const provinces = useProvinces();
  const hasFilters = f.status || f.kind || f.province || f.psn_no;
  return (
    <>
      <PageHeader title={t('af.title')} />
      <FilingTabs path={path} />
      <p className="intro muted tab-intro">{t('af.searchIntro')}</p>
      <section className="filters card" aria-label={t('filter.title')}>
        <SearchBox label={t('person.psnNo')} value={f.psn_no} onSearch={(psn_no) => change({ psn_no })} />
        <div className="filter-grid">
          <SelectField name="status" label={t('fil.status')} value={f.status} allLabel={t('common.all')} options={FILING_STATUSES.map((s) => ({ value: s, label: tCode(t, 'fstatus', s) }))} onChange={(status) => change({ status })} />
          <SelectField name="kind" label={t('fil.kind')} value={f.kind} allLabel={t('common.all')} options={FILING_KINDS.map((k) => ({ value: k, label: tCode(t, 'filing', k) }))} onChange={(kind) => change({ kind })} />
          <RegionFilter province={f.province} area={f.area} onChange={(province, area) => change({ province, area })} />
        </div>
        {f.province && !f.area && !provinces.find((p) => p.code === f.province)?.is_pooling && <p className="field-hint">{t('af.provinceOnly')}</p>}
        {hasFilters && (
          <button type="button" className="btn btn-link" onClick={() => setQuery({ status: null, kind: null, province: null, area: null, psn_no: null, page: null }, { replace: true })}>
            {t('common.clear')}
          </button>
        )}
      </section>
      <Loaded value={value}>
        {(data) => (
          <section aria-live="polite">
            {data.items.length === 0 ? <Empty /> : <FilingList items={data.items} />}
            {data.total > 0 && <Pager page={f.page} pageSize={PAGE_SIZE} total={data.total} onPage={(page) => setQuery({ page })} />}
          </section>
        )}
      </Loaded>
    </>
  );
}

function FilingList({ items }: { items: Filing[] }) {
  const { t } = useI18n();
  const wide = useWide();
  const areaName = useAreaName();
  if (wide) {
    return (
      <div className="table-wrap">
        <table className="table" data-testid="filings">
          <thead>
            <tr>
              <th scope="col">{t('af.person')}</th>
              <th scope="col">{t('fil.kind')}</th>
              <th scope="col">{t('fil.area')}</th>
              <th scope="col">{t('fil.validity')}</th>
              <th scope="col">{t('fil.status')}</th>
              <th scope="col">{t('fil.channel')}</th>
              <th scope="col">{t('fil.filedOn')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((f) => (
              <tr key={f.id}>
                <td>
                  <span className="strong">
                    <PersonName psnNo={f.psn_no} />
                  </span>
                  <br />
                  <small className="muted code nowrap">{f.psn_no}</small>
                  <br />
                  <small className="muted code nowrap">{f.filing_no}</small>
                </td>
                <td className="nowrap">{tCode(t, 'filing', f.kind)}</td>
                <td>{areaName(f.area)}</td>
                <td>
                  <Validity filing={f} />
                </td>
                <td>
                  <FilingStatusBadge status={f.status} />
                  {f.review_reason && (f.status === 'rejected' || f.status === 'cancelled') && (
                    <>
                      <br />
                      <small className="muted">{f.review_reason}</small>
                    </>
                  )}
                </td>
                <td>{tCode(t, 'channel', f.channel)}</td>
                <td className="nowrap">{dateOfTimestamp(f.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  }
  return (
    <ul className="plain-list cards" data-testid="filings">
      {items.map((f) => (
        <li key={f.id} className="card item-card">
          <div className="list-item-head">
            <p className="item-title">
              <PersonName psnNo={f.psn_no} />
            </p>
            <FilingStatusBadge status={f.status} />
          </div>
          <p className="muted code">{f.psn_no}</p>
          <FilingFacts filing={f} withStatus={false} />
        </li>
      ))}
    </ul>
  );
}
