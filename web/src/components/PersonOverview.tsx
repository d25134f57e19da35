import type { PersonView } from '../api.ts';
import { useChronicDiseases, useCodes, useFetch, useRegionIndex } from '../data.ts';
import { formatYuan, maskCertno, todayInChina } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import { Link } from '../router.tsx';
import { Badge, Card, Facts, Loaded, tCode } from './ui.tsx';

/** One person's cover, account and qualifications: the person's own page and the agency's view of them. */
export function PersonOverview({ psnNo, audience }: { psnNo: string; audience: 'self' | 'agency' }) {
  const value = useFetch<PersonView>(`/api/persons/${encodeURIComponent(psnNo)}`);
  return <Loaded value={value}>{(view) => <Overview view={view} audience={audience} />}</Loaded>;
}

function Overview({ view, audience }: { view: PersonView; audience: 'self' | 'agency' }) {
  const { t, nameOf } = useI18n();
  const regions = useRegionIndex();
  const insutypes = useCodes('insutype');
  const psnTypes = useCodes('psn_type');
  const diseases = useChronicDiseases();
  const today = todayInChina();
  const { person, enrolments, account, qualifications } = view;
  const regionName = (code: string) => nameOf(regions.get(code), code);

  const facts: [string, string][] = [
    [t('person.certno'), maskCertno(person.certno)],
    [t('person.insuplc'), regionName(person.insuplc_admdvs)],
    [t('person.psnNo'), person.psn_no],
  ];
  if (audience === 'agency') {
    facts.push([t('person.gender'), tCode(t, 'gender', person.gender)], [t('person.birth'), person.birth_date]);
    if (person.phone) facts.push([t('person.phone'), person.phone]);
  }

  return (
    <div className="stack">
      <Card className="person-card">
        <p className="person-name" data-testid="person-name">
          {person.name}
        </p>
        <Facts items={facts} />
      </Card>

      <Card className="balance-card" title={t('me.balance')}>
        {account ? (
          <p className="balance" data-testid="balance">
            {formatYuan(account.balance_fen)}
          </p>
        ) : (
          <p className="muted">{t('me.noAccount')}</p>
        )}
      </Card>

      <Card title={t('me.enrolments')}>
        {enrolments.length === 0 ? (
          <p className="muted">{t('me.noEnrolments')}</p>
        ) : (
          <ul className="plain-list">
            {enrolments.map((e) => (
              <li key={e.insutype} className="list-item enrolment">
                <div className="list-item-head">
                  <span className="list-item-title">{nameOf(insutypes.find((c) => c.code === e.insutype), e.insutype)}</span>
                  <Badge tone={e.status === 'active' ? 'good' : 'warn'}>{tCode(t, 'status', e.status)}</Badge>
                </div>
                <Facts
                  items={[
                    [t('enrol.psnType'), nameOf(psnTypes.find((c) => c.code === e.psn_type), e.psn_type)],
                    [t('person.insuplc'), regionName(e.insuplc_admdvs)],
                    [t('enrol.since'), e.begin_date],
                    ...(e.suspended_date ? ([[t('enrol.suspendedOn'), e.suspended_date]] as [string, string][]) : []),
                    ...(e.emp_name ? ([[t('enrol.employer'), e.emp_name]] as [string, string][]) : []),
                    ...(e.cvlserv_flag === '1' ? ([[t('enrol.cvlserv'), t('common.yes')]] as [string, string][]) : []),
                  ]}
                />
              </li>
            ))}
          </ul>
        )}
      </Card>

      <Card title={t('me.qualifications')}>
        {qualifications.length === 0 ? (
          <p className="muted">{t('me.noQualifications')}</p>
        ) : (
          <ul className="plain-list">
            {qualifications.map((q) => {
              const disease = diseases.find((d) => d.code === q.disease_code);
              const state = q.begin_date > today ? 'pending' : q.end_date !== null && q.end_date < today ? 'expired' : 'valid';
              return (
                <li key={`${q.disease_code}:${q.begin_date}`} className="list-item enrolment">
                  <div className="list-item-head">
                    <span className="list-item-title">{nameOf(disease, q.disease_code)}</span>
                    <Badge tone={state === 'valid' ? 'good' : state === 'pending' ? 'info' : 'neutral'}>{t(`qual.${state}`)}</Badge>
                  </div>
                  {disease?.cross_province && <p className="muted">{t('qual.crossProvince')}</p>}
                  <Facts
                    items={[
                      [t('qual.validity'), q.end_date ? t('common.dateRange', { from: q.begin_date, to: q.end_date }) : `${t('common.fromDate', { from: q.begin_date })} · ${t('common.openEnded')}`],
                      ...(q.insuplc_admdvs !== person.insuplc_admdvs ? ([[t('person.insuplc'), regionName(q.insuplc_admdvs)]] as [string, string][]) : []),
                    ]}
                  />
                </li>
              );
            })}
          </ul>
        )}
      </Card>

      {audience === 'self' && (
        <Card className="cta-card" title={t('me.findTitle')}>
          <p>{t('me.findBody')}</p>
          <Link to="/institutions" className="btn btn-primary">
            {t('me.findAction')}
          </Link>
        </Card>
      )}
    </div>
  );
}
