import type { Band, Benefit, PersonClass, PolicyVersion, Reductions, TopUp } from '../api.ts';
import { Badge, Card, Facts, Loaded, PageHeader, tCode } from '../components/ui.tsx';
import { useChronicDiseases, useCodes, useFetch, useRegionIndex } from '../data.ts';
import { formatYuan, todayInChina } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import { bandRows, deductibleText, points, policyState } from '../policyText.ts';
import { Link, withLastQuery } from '../router.tsx';
import { usePolicyTitle } from './Policies.tsx';

const CLASS_ORDER: PersonClass[] = ['in_service', 'retired', 'resident'];
const REDUCTIONS: (keyof Reductions)[] = ['referral_bp', 'emergency_bp', 'other_temporary_bp', 'unfiled_manual_bp'];

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
  const classes = CLASS_ORDER.filter((c) => doc.benefits.some((b) => b.person_class === c));
  const s = doc.settings;

  return (
    <div className="stack policy">
      <PageHeader title={title({ ...policy, name: doc.name })} />
      <Card>
        <Facts
          items={[
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

      <section aria-labelledby="benefits">
        <h2 id="benefits" className="section-title">
          {t('pol.benefits')}
        </h2>
        {classes.map((c) => (
          <div key={c} className="benefit-class">
            <h3>{t(`personClass.${c}`)}</h3>
            <div className="benefit-grid">
              {doc.benefits
                .filter((b) => b.person_class === c)
                .map((b, i) => (
                  <BenefitCard key={`${b.med_kind}:${b.disease_code ?? ''}:${b.levels.join()}:${i}`} benefit={b} />
                ))}
            </div>
          </div>
        ))}
      </section>

      <Card title={t('pol.reductions')}>
        <p className="muted">{t('pol.reductionsIntro')}</p>
        <Facts items={REDUCTIONS.map((k) => [t(`filing.${k.replace(/_bp$/, '') as 'referral' | 'emergency' | 'other_temporary' | 'unfiled_manual'}`), doc.reductions[k] === 0 ? t('pol.reductionNone') : t('pol.reductionPoints', { n: points(doc.reductions[k]) })])} />
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

function Bands({ bands }: { bands: Band[] }) {
  const { t } = useI18n();
  return (
    <table className="bands">
      <tbody>
        {bandRows(t, bands).map((r) => (
          <tr key={r.range}>
            <th scope="row">{r.range}</th>
            <td className="num">{r.ratio}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function BenefitCard({ benefit: b }: { benefit: Benefit }) {
  const { t, nameOf } = useI18n();
  const diseases = useChronicDiseases();
  const levels = [...b.levels].sort();
  const levelText = levels.length === 3 ? t('pol.levelsAll') : levels.map((l) => tCode(t, 'level', l)).join(t('common.listSep'));
  return (
    <article className="benefit">
      <header className="benefit-head">
        <span className="benefit-kind">{t(`medKind.${b.med_kind}`)}</span>
        <Badge tone="info">{levelText}</Badge>
      </header>
      <Facts
        items={[
          ...(b.disease_code ? ([[t('pol.disease'), nameOf(diseases.find((d) => d.code === b.disease_code), b.disease_code)]] as [string, string][]) : []),
          [t('pol.deductible'), deductibleText(t, b.deductible)],
          [t('pol.ratio'), <Bands bands={b.bands} />],
          [t('pol.cap'), formatYuan(b.annual_cap_fen)],
          [t('pol.capGroup'), b.cap_group],
          ...(b.monthly_quota_fen !== undefined ? ([[t('pol.monthlyQuota'), formatYuan(b.monthly_quota_fen)]] as [string, string][]) : []),
        ]}
      />
    </article>
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
        items={[
          [t('pol.threshold'), formatYuan(u.threshold_fen)],
          [t('pol.ratio'), <Bands bands={u.bands} />],
          [t('pol.cap'), formatYuan(u.annual_cap_fen)],
        ]}
      />
    </li>
  );
}
