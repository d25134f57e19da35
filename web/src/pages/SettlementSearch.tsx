import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { withQuery, type Me, type Settlement, type SettlementPage } from '../api.ts';
import { RegionFilter } from '../components/RegionFilter.tsx';
import { SettlementList } from '../components/SettlementParts.tsx';
import { Empty, Field, Loaded, PageHeader, Pager, useWide } from '../components/ui.tsx';
import { useFetch } from '../data.ts';
import { formatYuan } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import { setQuery } from '../router.tsx';

const PAGE_SIZE = 20;
const PSN_NO = /^\d{20}$/;
const INSTITUTION = /^[HP]\d{11}$/;

/**
 * The agencies' view of settlements: the server narrows it to what the agency
 * may see (its insured persons, or its area); the filters narrow it further.
 * The other side's place is the useful filter: a treatment-place agency asks
 * "whose insured", an insured-place agency "treated where".
 */
export function SettlementSearch({ me, query }: { me: Me; query: URLSearchParams }) {
  const { t } = useI18n();
  const f = {
    month: query.get('month') ?? '',
    psn_no: query.get('psn_no') ?? '',
    fixmedins_code: query.get('fixmedins_code') ?? '',
    province: query.get('province') ?? '',
    area: query.get('area') ?? '',
    page: Math.max(1, Number(query.get('page')) || 1),
  };
  const byInsured = me.role === 'treatment_agency';
  const place = f.area || f.province;
  const value = useFetch<SettlementPage>(
    withQuery('/api/settlements', {
      month: f.month,
      psn_no: f.psn_no,
      fixmedins_code: f.fixmedins_code,
      [byInsured ? 'insuplc_admdvs' : 'mdtrtarea_admvs']: place,
      page: f.page,
      page_size: PAGE_SIZE,
    }),
  );
  const change = (changes: Record<string, string>) => setQuery({ ...changes, page: null }, { replace: true });
  const hasFilters = f.month || f.psn_no || f.fixmedins_code || f.province;
  const role = me.role === 'person' ? 'national' : me.role;

  return (
    <>
      <PageHeader title={t('setl.agencyTitle')} intro={t(`setl.intro.${role}` as const)} />
      <section className="filters card" aria-label={t('filter.title')}>
        <Filters
          f={f}
          onApply={change}
          region={
            <RegionFilter
              province={f.province}
              area={f.area}
              labels={byInsured ? { province: t('setl.filter.insuredProvince'), area: t('setl.filter.insuredArea') } : { province: t('setl.filter.treatmentProvince'), area: t('setl.filter.treatmentArea') }}
              onChange={(province, area) => change({ province, area })}
            />
          }
        />
        {hasFilters && (
          <button type="button" className="btn btn-link" onClick={() => setQuery({ month: null, psn_no: null, fixmedins_code: null, province: null, area: null, page: null }, { replace: true })}>
            {t('common.clear')}
          </button>
        )}
      </section>
      <Loaded value={value}>
        {(data) => (
          <section aria-live="polite" className="stack">
            {data.items.length === 0 ? (
              <Empty />
            ) : (
              <>
                <PageTotals items={data.items} />
                <SettlementList items={data.items} showPerson />
              </>
            )}
            {data.total > 0 && <Pager page={f.page} pageSize={PAGE_SIZE} total={data.total} onPage={(page) => setQuery({ page })} />}
          </section>
        )}
      </Loaded>
    </>
  );
}

/**
 * The person number first (the usual question), then month, institution and
 * place; on a phone those fold away unless in use. Typed codes apply together
 * on submit and a malformed one is named before anything is asked; the month
 * and the place apply as they are chosen.
 */
function Filters({ f, onApply, region }: { f: { month: string; psn_no: string; fixmedins_code: string; province: string }; onApply: (changes: Record<string, string>) => void; region: ReactNode }) {
  const { t } = useI18n();
  const wide = useWide();
  const [text, setText] = useState({ psn_no: f.psn_no, fixmedins_code: f.fixmedins_code });
  const [errors, setErrors] = useState<Record<string, string>>({});
  useEffect(() => {
    setText({ psn_no: f.psn_no, fixmedins_code: f.fixmedins_code });
  }, [f.psn_no, f.fixmedins_code]);

  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    const next = { psn_no: text.psn_no.trim(), fixmedins_code: text.fixmedins_code.trim().toUpperCase() };
    const e: Record<string, string> = {};
    if (next.psn_no && !PSN_NO.test(next.psn_no)) e.psn_no = t('setl.filter.psnNoFormat');
    if (next.fixmedins_code && !INSTITUTION.test(next.fixmedins_code)) e.fixmedins_code = t('setl.filter.institutionFormat');
    setErrors(e);
    if (Object.keys(e).length === 0) onApply(next);
  };
  const textField = (key: keyof typeof text, label: string, props: { inputMode?: 'numeric'; placeholder?: string }) => (
    <Field label={label} error={errors[key]}>
      {(id, describedBy) => (
        <input
          id={id}
          name={key}
          value={text[key]}
          autoComplete="off"
          {...props}
          aria-invalid={errors[key] ? true : undefined}
          aria-describedby={describedBy}
          onChange={(ev) => setText((s) => ({ ...s, [key]: ev.target.value }))}
        />
      )}
    </Field>
  );
  const more = (
    <div className="filter-grid settle-more">
      <Field label={t('setl.month')}>{(id) => <input id={id} name="month" type="month" value={f.month} onChange={(ev) => onApply({ month: ev.target.value })} />}</Field>
      {textField('fixmedins_code', t('setl.filter.institution'), { placeholder: t('setl.filter.institutionPlaceholder') })}
      {region}
    </div>
  );
  return (
    <form className="stack-tight" role="search" onSubmit={submit} noValidate>
      <div className="search-box">
        {textField('psn_no', t('person.psnNo'), { inputMode: 'numeric' })}
        <button type="submit" className="btn btn-primary">
          {t('common.search')}
        </button>
      </div>
      {wide ? (
        more
      ) : (
        <details className="more-filters" open={Boolean(f.month || f.fixmedins_code || f.province)}>
          <summary>{t('setl.filter.more')}</summary>
          {more}
        </details>
      )}
    </form>
  );
}

/** What the page's slips add up to, in integer fen. Cancellations count with their negative amounts. */
function PageTotals({ items }: { items: Settlement[] }) {
  const { t } = useI18n();
  const sum = (pick: (s: Settlement) => number) => items.reduce((acc, s) => acc + pick(s), 0);
  const figures = [
    { key: 'medfee', label: t('setl.total'), fen: sum((s) => s.amounts.medfee_sumamt) },
    { key: 'fund', label: t('setl.fund'), fen: sum((s) => s.amounts.fund_pay_sumamt) },
    { key: 'personal', label: t('setl.psnPart'), fen: sum((s) => s.amounts.psn_part_amt) },
  ];
  return (
    <section className="card page-totals" aria-label={t('setl.pageTotals')} data-testid="page-totals">
      <h2 className="card-title">
        {t('setl.pageTotals')} <span className="muted page-count">{t('setl.pageCount', { n: items.length })}</span>
      </h2>
      <dl className="totals">
        {figures.map((g) => (
          <div key={g.key} className={`total total-${g.key}`}>
            <dt>{g.label}</dt>
            <dd data-total={g.key}>{formatYuan(g.fen)}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
