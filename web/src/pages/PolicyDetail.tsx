import { useState } from 'react';
import type { Band, Benefit, Deductible, MedKind, PersonClass, PolicyDoc, PolicyVersion, TopUp } from '../api.ts';
import { Badge, Card, Facts, Loaded, PageHeader, tCode, useWide } from '../components/ui.tsx';
import { useChronicDiseases, useCodes, useFetch, useRegionIndex } from '../data.ts';
import { formatYuan, todayInChina } from '../format.ts';
import { useI18n, type Translate } from '../i18n.tsx';
import { bandRows, deductibleLines, points, policyState } from '../policyText.ts';
import { Link, withLastQuery } from '../router.tsx';
import { usePolicyTitle } from './Policies.tsx';

const CLASS_ORDER: PersonClass[] = ['in_service', 'retired', 'resident'];
const KIND_ORDER: MedKind[] = ['inpatient', 'outpatient', 'chronic', 'pharmacy'];
const REDUCTIONS = ['referral', 'emergency', 'other_temporary', 'unfiled_manual'] as const;

export function PolicyDetail({ id }: { id: string }) {
  const { t } = useI18n();
  const value = useFetch<PolicyVersion>(`/api/policies/${encodeURIComponent(id)}`);
  return (
    <>
      <Link to={withLastQuery('/policies')} className="back-link">
        ‹ {t('pol.back')}
      </Link>
      <Loaded value={value}>{(policy) => <PolicyView policy={policy} />}</Loaded>
    </>
  );
}

function PolicyView({ policy }: { policy: PolicyVersion }) {
  const { t, nameOf } = useI18n();
  const regions = useRegionIndex();
  const insutypes = useCodes('insutype');
  const title = usePolicyTitle();
  const { doc } = policy;
  const state = policyState(policy, todayInChina());
  const s = doc.settings;

  return (
    <div className="stack policy">
      <PageHeader title={title(policy)} />
      <Card>
        <Facts
          items={[
            ...(doc.name ? ([[t('pol.name'), doc.name]] as [string, string][]) : []),
            [t('pol.area'), nameOf(regions.get(policy.pooling_area), policy.pooling_area)],
            [t('pol.scheme'), nameOf(insutypes.find((c) => c.code === policy.insutype), policy.insutype)],
            [
              t('pol.validity'),
              <>
                {policy.enddate ? t('common.dateRange', { from: policy.begndate, to: policy.enddate }) : t('common.fromDate', { from: policy.begndate })}{' '}
                <Badge tone={state === 'current' ? 'good' : state === 'upcoming' ? 'info' : 'neutral'}>{t(`pol.${state}`)}</Badge>
              </>,
            ],
          ]}
        />
      </Card>

      <Benefits doc={doc} />

      <Card title={t('pol.reductions')}>
        <p className="muted card-intro">{t('pol.reductionsIntro')}</p>
        <Facts
          items={REDUCTIONS.map((k) => {
            const bp = doc.reductions[`${k}_bp`];
            return [t(`filing.${k}`), bp === 0 ? t('pol.reductionNone') : t('pol.reductionPoints', { n: points(bp) })];
          })}
        />
      </Card>

      <Card title={t('pol.topups')}>
        {doc.topups.length === 0 ? (
          <p className="muted">{t('pol.noTopups')}</p>
        ) : (
          <ul className="plain-list">
            {doc.topups.map((u) => (
              <TopUpItem key={u.fund} topup={u} />
            ))}
          </ul>
        )}
      </Card>

      <Card title={t('pol.settings')}>
        <Facts
          stacked
          items={[
            [t('set.temporary_validity_months'), t('common.months', { n: s.temporary_validity_months })],
            [t('set.long_term_min_months'), t('common.months', { n: s.long_term_min_months })],
            [t('set.review_filing_kinds'), s.review_filing_kinds.length === 0 ? t('set.review_none') : s.review_filing_kinds.map((k) => tCode(t, 'filing', k)).join(t('common.listSep'))],
            [t('set.whole_province_filing'), t(s.whole_province_filing ? 'common.yes' : 'common.no')],
            [t('set.claim_submit_months'), t('common.months', { n: s.claim_submit_months })],
            [t('set.claim_process_working_days'), t('common.workingDays', { n: s.claim_process_working_days })],
            [t('set.medical_assistance_joined'), t(s.medical_assistance_joined ? 'common.yes' : 'common.no')],
          ]}
        />
      </Card>
    </div>
  );
}

/** Benefits with the same terms (chronic diseases usually share them) are shown as one row. */
interface Row {
  scope: string;
  deductible: Deductible;
  bands: Band[];
  monthly_quota_fen: number | undefined;
}

function levelsText(t: Translate, levels: readonly number[]): string {
  return levels.length === 3 ? t('pol.levelsAll') : [...levels].sort().map((l) => tCode(t, 'level', l)).join(t('common.listSep'));
}

function rowsOf(t: Translate, benefits: Benefit[], diseaseName: (code: string) => string): Row[] {
  const rows: (Row & { key: string; diseases: string[]; levels: string })[] = [];
  for (const b of benefits) {
    const levels = levelsText(t, b.levels);
    const key = JSON.stringify([b.deductible, b.bands, b.monthly_quota_fen ?? null, levels]);
    const same = b.disease_code ? rows.find((r) => r.key === key && r.diseases.length > 0) : undefined;
    if (same && b.disease_code) {
      same.diseases.push(diseaseName(b.disease_code));
      continue;
    }
    rows.push({ key, scope: '', levels, diseases: b.disease_code ? [diseaseName(b.disease_code)] : [], deductible: b.deductible, bands: b.bands, monthly_quota_fen: b.monthly_quota_fen });
  }
  return rows.map((r) => ({ ...r, scope: r.diseases.length > 0 ? r.diseases.join(t('common.listSep')) + (r.levels === t('pol.levelsAll') ? '' : ` (${r.levels})`) : r.levels }));
}

function Benefits({ doc }: { doc: PolicyDoc }) {
  const { t, nameOf } = useI18n();
  const diseases = useChronicDiseases();
  const classes = CLASS_ORDER.filter((c) => doc.benefits.some((b) => b.person_class === c));
  const [chosen, setChosen] = useState<PersonClass>(classes[0] ?? 'in_service');
  const cls = classes.includes(chosen) ? chosen : classes[0]!;
  const mine = doc.benefits.filter((b) => b.person_class === cls);
  const kinds = KIND_ORDER.filter((k) => mine.some((b) => b.med_kind === k));
  const diseaseName = (code: string) => nameOf(diseases.find((d) => d.code === code), code);

  // Benefits naming the same cap group draw on one annual cap.
  const caps = new Map<string, { kinds: MedKind[]; amounts: Set<number> }>();
  for (const b of mine) {
    const cap = caps.get(b.cap_group) ?? { kinds: [], amounts: new Set() };
    if (!cap.kinds.includes(b.med_kind)) cap.kinds.push(b.med_kind);
    cap.amounts.add(b.annual_cap_fen);
    caps.set(b.cap_group, cap);
  }

  return (
    <section aria-labelledby="benefits" className="stack">
      <h2 id="benefits" className="section-title">
        {t('pol.benefits')}
      </h2>
      {classes.length > 1 && (
        <div className="segmented" role="tablist" aria-label={t('pol.classLabel')}>
          {classes.map((c) => (
            <button key={c} type="button" role="tab" aria-selected={c === cls} className={c === cls ? 'selected' : undefined} onClick={() => setChosen(c)}>
              {t(`personClass.${c}`)}
            </button>
          ))}
        </div>
      )}
      {classes.length === 1 && <h3>{t(`personClass.${cls}`)}</h3>}
      {kinds.map((k) => (
        <Card key={k} title={t(`medKind.${k}`)} className="benefit-card">
          <BenefitRows kind={k} rows={rowsOf(t, mine.filter((b) => b.med_kind === k), diseaseName)} />
        </Card>
      ))}
      <Card title={t('pol.cap')}>
        <p className="muted card-intro">{t('pol.capsIntro')}</p>
        <Facts
          items={[...caps.values()].map((c) => [
            c.kinds.map((k) => t(`medKind.${k}`)).join(t('common.listSep')),
            [...c.amounts].sort((a, b) => a - b).map(formatYuan).join(' / '),
          ])}
        />
      </Card>
    </section>
  );
}

function Lines({ lines }: { lines: string[] }) {
  return (
    <>
      {lines.map((l, i) => (
        <span key={l} className="line">
          {i > 0 && <br />}
          {l}
        </span>
      ))}
    </>
  );
}

function Bands({ bands }: { bands: Band[] }) {
  const { t } = useI18n();
  const rows = bandRows(t, bands);
  if (rows.length === 1 && bands[0]!.up_to_fen === null) return <span className="ratio">{rows[0]!.ratio}</span>;
  return (
    <table className="bands">
      <tbody>
        {rows.map((r) => (
          <tr key={r.range}>
            <th scope="row">{r.range}</th>
            <td className="num ratio">{r.ratio}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function BenefitRows({ kind, rows }: { kind: MedKind; rows: Row[] }) {
  const { t } = useI18n();
  const wide = useWide();
  const withQuota = rows.some((r) => r.monthly_quota_fen !== undefined);
  const scopeLabel = kind === 'chronic' ? t('pol.disease') : t('pol.levels');
  if (wide) {
    return (
      <table className="table benefit-table">
        <thead>
          <tr>
            <th scope="col">{scopeLabel}</th>
            <th scope="col">{t('pol.deductible')}</th>
            <th scope="col">{t('pol.ratio')}</th>
            {withQuota && <th scope="col">{t('pol.monthlyQuota')}</th>}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.scope}>
              <th scope="row">{r.scope}</th>
              <td>
                <Lines lines={deductibleLines(t, r.deductible)} />
              </td>
              <td>
                <Bands bands={r.bands} />
              </td>
              {withQuota && <td>{r.monthly_quota_fen === undefined ? '—' : formatYuan(r.monthly_quota_fen)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    );
  }
  return (
    <ul className="plain-list">
      {rows.map((r) => (
        <li key={r.scope} className="list-item benefit-row">
          <p className="benefit-scope">{r.scope}</p>
          <Facts
            stacked
            items={[
              [t('pol.deductible'), <Lines lines={deductibleLines(t, r.deductible)} />],
              [t('pol.ratio'), <Bands bands={r.bands} />],
              ...(r.monthly_quota_fen !== undefined ? ([[t('pol.monthlyQuota'), formatYuan(r.monthly_quota_fen)]] as [string, string][]) : []),
            ]}
          />
        </li>
      ))}
    </ul>
  );
}

function TopUpItem({ topup: u }: { topup: TopUp }) {
  const { t } = useI18n();
  return (
    <li className="list-item">
      <div className="list-item-head">
        <span className="list-item-title">{tCode(t, 'fund', u.fund)}</span>
      </div>
      <Facts
        stacked
        items={[
          [t('pol.threshold'), formatYuan(u.threshold_fen)],
          [t('pol.ratio'), <Bands bands={u.bands} />],
          [t('pol.cap'), formatYuan(u.annual_cap_fen)],
        ]}
      />
    </li>
  );
}
