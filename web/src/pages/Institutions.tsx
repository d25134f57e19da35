import { withQuery, type CoveredInstitution, type Institution, type Me, type Page } from '../api.ts';
import { RegionFilter } from '../components/RegionFilter.tsx';
import { SearchBox } from '../components/SearchBox.tsx';
import { Badge, Empty, Loaded, PageHeader, Pager, SelectField, tCode, useWide } from '../components/ui.tsx';
import { useChronicDiseases, useFetch, useRegionIndex } from '../data.ts';
import { useI18n, type Translate } from '../i18n.tsx';
import { setQuery } from '../router.tsx';

const PAGE_SIZE = 20;
const KINDS = ['hospital', 'clinic', 'pharmacy'] as const;
const LEVELS = ['3', '2', '1'] as const;
const SERVICES = ['inpatient', 'outpatient', 'pharmacy'] as const;

/** A person's search says, for each institution, whether their filing covers it; staff see the plain list. */
type Found = Institution & Partial<Pick<CoveredInstitution, 'covered' | 'covered_by'>>;

export function Institutions({ me, query }: { me: Me; query: URLSearchParams }) {
  const { t, nameOf } = useI18n();
  const diseases = useChronicDiseases();
  const f = {
    province: query.get('province') ?? '',
    area: query.get('area') ?? '',
    kind: query.get('kind') ?? '',
    level: query.get('level') ?? '',
    service: query.get('service') ?? '',
    disease: query.get('disease') ?? '',
    q: query.get('q') ?? '',
    page: Math.max(1, Number(query.get('page')) || 1),
  };
  const forPerson = me.role === 'person' && me.psn_no !== null;
  const path = withQuery(forPerson ? `/api/persons/${encodeURIComponent(me.psn_no!)}/institutions` : '/api/institutions', {
    admdvs: f.area || f.province,
    kind: f.kind,
    level: f.level,
    service: f.service,
    disease: f.disease,
    q: f.q,
    page: f.page,
    page_size: PAGE_SIZE,
  });
  const value = useFetch<Page<Found>>(path);
  const change = (changes: Record<string, string>) => setQuery({ ...changes, page: null }, { replace: true });
  const hasFilters = f.province || f.kind || f.level || f.service || f.disease || f.q;
  const wide = useWide();
  const region = <RegionFilter province={f.province} area={f.area} onChange={(province, area) => change({ province, area })} />;
  const more = (
    <>
      <SelectField name="kind" label={t('filter.kind')} value={f.kind} allLabel={t('common.all')} options={KINDS.map((k) => ({ value: k, label: t(`kind.${k}`) }))} onChange={(kind) => change({ kind })} />
      <SelectField name="level" label={t('filter.level')} value={f.level} allLabel={t('common.all')} options={LEVELS.map((l) => ({ value: l, label: t(`level.${l}`) }))} onChange={(level) => change({ level })} />
      <SelectField name="service" label={t('filter.service')} value={f.service} allLabel={t('common.all')} options={SERVICES.map((s) => ({ value: s, label: t(`service.${s}`) }))} onChange={(service) => change({ service })} />
      <SelectField name="disease" label={t('inst.chronic')} value={f.disease} allLabel={t('common.all')} options={diseases.map((d) => ({ value: d.code, label: nameOf(d, d.code) }))} onChange={(disease) => change({ disease })} />
    </>
  );

  return (
    <>
      <PageHeader title={t(me.role === 'person' ? 'inst.findTitle' : 'inst.title')} intro={t(forPerson ? 'inst.coverIntro' : 'inst.intro')} />
      <section className="filters card" aria-label={t('filter.title')}>
        <SearchBox label={t('filter.name')} placeholder={t('filter.namePlaceholder')} value={f.q} onSearch={(q) => change({ q })} />
        {wide ? (
          <div className="filter-grid">
            {region}
            {more}
          </div>
        ) : (
          <>
            <div className="filter-grid">{region}</div>
            {/* On a phone the results matter more than the rarely used filters: fold them away unless in use. */}
            <details className="more-filters" open={Boolean(f.kind || f.level || f.service || f.disease)}>
              <summary>{t('filter.more')}</summary>
              <div className="filter-grid">{more}</div>
            </details>
          </>
        )}
        {hasFilters && (
          <button type="button" className="btn btn-link" onClick={() => setQuery({ province: null, area: null, kind: null, level: null, service: null, disease: null, q: null, page: null }, { replace: true })}>
            {t('common.clear')}
          </button>
        )}
      </section>
      <Loaded value={value}>
        {(data) => (
          <section aria-live="polite">
            {data.items.length === 0 ? <Empty /> : <InstitutionList items={data.items} />}
            {data.total > 0 && <Pager page={f.page} pageSize={PAGE_SIZE} total={data.total} onPage={(page) => setQuery({ page })} />}
          </section>
        )}
      </Loaded>
    </>
  );
}

function servicesText(t: Translate, inst: Found): string {
  return inst.services.length === 0 ? t('inst.noServices') : inst.services.map((s) => tCode(t, 'service', s)).join(' · ');
}

/** Covered or not, in words and a colour: the one thing a filed person looks for. */
function CoverBadge({ inst }: { inst: Found }) {
  const { t } = useI18n();
  if (inst.covered === undefined) return null;
  return inst.covered ? (
    <span className="cover cover-yes" data-covered="true">
      {t('inst.covered')}
    </span>
  ) : (
    <span className="cover cover-no" data-covered="false">
      {t('inst.notCovered')}
    </span>
  );
}

function InstitutionList({ items }: { items: Found[] }) {
  const { t, nameOf } = useI18n();
  const wide = useWide();
  const regions = useRegionIndex();
  const diseases = useChronicDiseases();
  const diseaseNames = (inst: Found) => inst.chronic_diseases.map((c) => nameOf(diseases.find((d) => d.code === c), c)).join(t('common.listSep'));

  if (wide) {
    return (
      <div className="table-wrap">
        <table className="table" data-testid="institutions">
          <thead>
            <tr>
              <th scope="col">{t('filter.name')}</th>
              <th scope="col">{t('filter.area')}</th>
              <th scope="col">{t('filter.kind')}</th>
              <th scope="col">{t('filter.level')}</th>
              <th scope="col">{t('inst.services')}</th>
              <th scope="col">{t('inst.phone')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((inst) => (
              <tr key={inst.code}>
                <td>
                  <span className="strong">{inst.name}</span>
                  {inst.status === 'suspended' && <Badge tone="warn">{t('inst.suspended')}</Badge>}
                  {inst.covered !== undefined && (
                    <>
                      <br />
                      <CoverBadge inst={inst} />
                    </>
                  )}
                  <br />
                  <small className="muted">
                    {inst.code}
                    {inst.address ? ` · ${inst.address}` : ''}
                  </small>
                  {inst.chronic_diseases.length > 0 && (
                    <>
                      <br />
                      <small className="muted">
                        {t('common.labelled', { label: t('inst.chronic'), value: diseaseNames(inst) })}
                      </small>
                    </>
                  )}
                </td>
                <td>{nameOf(regions.get(inst.admdvs), inst.admdvs)}</td>
                <td>{tCode(t, 'kind', inst.kind)}</td>
                <td>{tCode(t, 'level', inst.level)}</td>
                <td>{servicesText(t, inst)}</td>
                <td className="nowrap">{inst.phone ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  }
  return (
    <ul className="plain-list cards" data-testid="institutions">
      {items.map((inst) => (
        <li key={inst.code} className="card item-card">
          <p className="item-title">{inst.name}</p>
          <CoverBadge inst={inst} />
          <p className="badges">
            <Badge tone="info">{tCode(t, 'level', inst.level)}</Badge>
            <Badge>{tCode(t, 'kind', inst.kind)}</Badge>
            {inst.status === 'suspended' && <Badge tone="warn">{t('inst.suspended')}</Badge>}
          </p>
          <dl className="facts">
            <div className="fact">
              <dt>{t('filter.area')}</dt>
              <dd>{nameOf(regions.get(inst.admdvs), inst.admdvs)}</dd>
            </div>
            <div className="fact">
              <dt>{t('inst.services')}</dt>
              <dd>{servicesText(t, inst)}</dd>
            </div>
            {inst.chronic_diseases.length > 0 && (
              <div className="fact">
                <dt>{t('inst.chronic')}</dt>
                <dd>{diseaseNames(inst)}</dd>
              </div>
            )}
            {inst.address && (
              <div className="fact">
                <dt>{t('inst.address')}</dt>
                <dd>{inst.address}</dd>
              </div>
            )}
          </dl>
          {inst.phone && (
            <a className="btn btn-secondary btn-block" href={`tel:${inst.phone.replace(/[^\d+]/g, '')}`}>
              {t('inst.phone')} {inst.phone}
            </a>
          )}
        </li>
      ))}
    </ul>
  );
}
