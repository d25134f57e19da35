import { withQuery, type Me, type Page, type PersonSummary } from '../api.ts';
import { PersonOverview } from '../components/PersonOverview.tsx';
import { RegionFilter } from '../components/RegionFilter.tsx';
import { SearchBox } from '../components/SearchBox.tsx';
import { Empty, Loaded, PageHeader, Pager, tCode, useWide } from '../components/ui.tsx';
import { useFetch, useRegionIndex } from '../data.ts';
import { maskCertno } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import { Link, setQuery, withLastQuery } from '../router.tsx';

const PAGE_SIZE = 20;

export function Persons({ me, query }: { me: Me; query: URLSearchParams }) {
  const { t } = useI18n();
  const f = {
    province: query.get('province') ?? '',
    area: query.get('area') ?? '',
    q: query.get('q') ?? '',
    page: Math.max(1, Number(query.get('page')) || 1),
  };
  // An agency sees its own region; the server narrows the list to it in any case.
  const region = me.role === 'national' ? f.area || f.province : (me.region ?? '');
  const value = useFetch<Page<PersonSummary>>(withQuery('/api/persons', { insuplc_admdvs: region, q: f.q, page: f.page, page_size: PAGE_SIZE }));
  const change = (changes: Record<string, string>) => setQuery({ ...changes, page: null }, { replace: true });

  return (
    <>
      <PageHeader title={t('persons.title')} intro={t('persons.intro')} />
      <section className="filters card" aria-label={t('filter.title')}>
        <SearchBox label={t('filter.personQ')} value={f.q} onSearch={(q) => change({ q })} />
        {me.role === 'national' && (
          <div className="filter-grid">
            <RegionFilter province={f.province} area={f.area} onChange={(province, area) => change({ province, area })} />
          </div>
        )}
      </section>
      <Loaded value={value}>
        {(data) => (
          <section aria-live="polite">
            {data.items.length === 0 ? <Empty /> : <PersonList items={data.items} />}
            {data.total > 0 && <Pager page={f.page} pageSize={PAGE_SIZE} total={data.total} onPage={(page) => setQuery({ page })} />}
          </section>
        )}
      </Loaded>
    </>
  );
}

function PersonList({ items }: { items: PersonSummary[] }) {
  const { t, nameOf } = useI18n();
  const wide = useWide();
  const regions = useRegionIndex();
  const href = (p: PersonSummary) => `/persons/${encodeURIComponent(p.psn_no)}`;

  if (wide) {
    return (
      <div className="table-wrap">
        <table className="table" data-testid="persons">
          <thead>
            <tr>
              <th scope="col">{t('person.name')}</th>
              <th scope="col">{t('person.certno')}</th>
              <th scope="col">{t('person.psnNo')}</th>
              <th scope="col">{t('person.gender')}</th>
              <th scope="col">{t('person.birth')}</th>
              <th scope="col">{t('person.insuplc')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((p) => (
              <tr key={p.psn_no}>
                <td>
                  <Link to={href(p)} className="strong">
                    {p.name}
                  </Link>
                </td>
                <td className="code">{maskCertno(p.certno)}</td>
                <td className="code">{p.psn_no}</td>
                <td>{tCode(t, 'gender', p.gender)}</td>
                <td className="nowrap">{p.birth_date}</td>
                <td>{nameOf(regions.get(p.insuplc_admdvs), p.insuplc_admdvs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  }
  return (
    <ul className="plain-list cards" data-testid="persons">
      {items.map((p) => (
        <li key={p.psn_no}>
          <Link to={href(p)} className="card item-card item-link">
            <span className="item-title">{p.name}</span>
            <span className="muted code">{maskCertno(p.certno)}</span>
            <span className="muted">
              {tCode(t, 'gender', p.gender)} · {p.birth_date} · {nameOf(regions.get(p.insuplc_admdvs), p.insuplc_admdvs)}
            </span>
            <span className="chevron" aria-hidden="true">
              ›
            </span>
          </Link>
        </li>
      ))}
    </ul>
  );
}

export function PersonDetail({ psnNo }: { psnNo: string }) {
  const { t } = useI18n();
  return (
    <>
      <Link to={withLastQuery('/persons')} className="back-link">
        ‹ {t('persons.back')}
      </Link>
      <PageHeader title={t('persons.title')} />
      <PersonOverview psnNo={psnNo} audience="agency" />
    </>
  );
}
