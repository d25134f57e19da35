import type { ReactNode } from 'react';
import { withQuery, type Me, type SetlDetail, type Settlement, type SettlementPage } from '../api.ts';
import { useAreaName } from '../components/FilingFacts.tsx';
import { Amount, InstitutionName, SettlementBadges, slipPath, useMedTypeName } from '../components/SettlementParts.tsx';
import { Card, Facts, Loaded, tCode } from '../components/ui.tsx';
import { useCodes, useFetch } from '../data.ts';
import { hasKey, useI18n } from '../i18n.tsx';
import { points } from '../policyText.ts';
import { Link, withLastQuery } from '../router.tsx';

/** One settlement (or cancellation, or reinstatement) as a slip: the bill, who paid what, the terms, and the calculation in words. */
export function SettlementSlip({ setlId, me }: { setlId: string; me: Me }) {
  const { t } = useI18n();
  const value = useFetch<Settlement>(`/api/settlements/${encodeURIComponent(setlId)}`);
  return (
    <>
      <Link to={withLastQuery('/settlements')} className="back-link">
        ‹ {t(me.role === 'person' ? 'setl.back' : 'setl.backAgency')}
      </Link>
      <Loaded value={value}>{(s) => <Slip s={s} showPerson={me.role !== 'person'} />}</Loaded>
    </>
  );
}

/** Fills `{name}` placeholders with elements (amounts that must not break across lines). */
function fill(text: string, values: Record<string, ReactNode>): ReactNode[] {
  return text.split(/\{(\w+)\}/).map((part, i) =>
    i % 2 === 1 ? (
      <span key={i} className="nowrap">
        {values[part] ?? part}
      </span>
    ) : (
      part
    ),
  );
}

type Line = { field: string; label: ReactNode; fen: number; tone?: 'strong' | 'sub'; notes?: ReactNode };

function MoneyLines({ lines, testId }: { lines: Line[]; testId: string }) {
  return (
    <dl className="money-lines" data-testid={testId}>
      {lines.map((l) => (
        <div key={l.field} className={`money-line${l.tone ? ` money-${l.tone}` : ''}${l.notes ? ' money-line-notes' : ''}`}>
          <dt>{l.label}</dt>
          <dd>
            <Amount field={l.field} fen={l.fen} />
          </dd>
          {l.notes && <dd className="money-notes">{l.notes}</dd>}
        </div>
      ))}
    </dl>
  );
}

function Slip({ s, showPerson }: { s: Settlement; showPerson: boolean }) {
  const { t, lang, nameOf } = useI18n();
  const medType = useMedTypeName();
  const areaName = useAreaName();
  const insutypes = useCodes('insutype');
  const a = s.amounts;
  const words = (line: { zh: string; en: string }) => (lang === 'en' ? line.en : line.zh);
  // The fund's own name from the server is Chinese; English comes from the dictionary by its code.
  const fundName = (d: SetlDetail) => {
    const key = `fundType.${d.fund_pay_type}`;
    return lang === 'en' && hasKey(key) ? t(key) : d.fund_pay_type_name;
  };
  const hasAccount = a.acct_pay !== 0 || a.balc !== 0 || s.acct_used_flag === '1';
  const basis = s.terms.filing_kind ? tCode(t, 'filing', s.terms.filing_kind) : t(s.terms.emergency ? 'setl.basis.emergency' : 'setl.basis.home');

  const bill: Line[] = [
    { field: 'medfee_sumamt', label: t('est.line.total'), fen: a.medfee_sumamt, tone: 'strong' },
    { field: 'fulamt_ownpay_amt', label: t('est.line.fulamt'), fen: a.fulamt_ownpay_amt },
    { field: 'overlmt_selfpay', label: t('est.line.overlmt'), fen: a.overlmt_selfpay },
    { field: 'preselfpay_amt', label: t('est.line.preselfpay'), fen: a.preselfpay_amt },
    { field: 'inscp_scp_amt', label: t('est.line.inscp'), fen: a.inscp_scp_amt },
  ];
  const funds: Line[] = [
    { field: 'act_pay_dedc', label: t('est.line.deductible'), fen: a.act_pay_dedc },
    ...s.setldetail.map((d, i) => ({
      field: `setldetail.${i}.fund_payamt`,
      label: fundName(d),
      fen: d.fund_payamt,
      notes: (
        <>
          <span className="fund-note">
            {fill(t('setl.fundBase'), {
              base: <Amount field={`setldetail.${i}.inscp_scp_amt`} fen={d.inscp_scp_amt} />,
              left: <Amount field={`setldetail.${i}.crt_payb_lmt_amt`} fen={d.crt_payb_lmt_amt} />,
            })}
          </span>
          {/* the fund's calculation in words comes in Chinese only; the explanation below has both languages */}
          {lang !== 'en' && d.setl_proc_info && <span className="fund-note">{d.setl_proc_info}</span>}
        </>
      ),
    })),
    { field: 'fund_pay_sumamt', label: t('est.line.fundTotal'), fen: a.fund_pay_sumamt, tone: 'strong' },
    ...(a.hosp_part_amt !== 0 ? [{ field: 'hosp_part_amt', label: t('setl.hospPart'), fen: a.hosp_part_amt }] : []),
  ];
  const personal: Line[] = [
    { field: 'psn_part_amt', label: t('est.line.personal'), fen: a.psn_part_amt, tone: 'strong' },
    { field: 'pool_prop_selfpay', label: t('setl.poolSelf'), fen: a.pool_prop_selfpay, tone: 'sub' },
    ...(hasAccount ? [{ field: 'acct_pay', label: t('est.line.account'), fen: a.acct_pay, tone: 'sub' as const }] : []),
    { field: 'psn_cash_pay', label: t('est.line.cash'), fen: a.psn_cash_pay, tone: 'sub' },
    ...(hasAccount ? [{ field: 'balc', label: t('est.line.balance'), fen: a.balc }] : []),
  ];

  return (
    <article className="stack slip" data-testid="slip" data-kind={s.kind}>
      <header className="page-header slip-head">
        <h1>{t('setl.slip')}</h1>
        <p className="slip-institution" data-testid="slip-institution">
          <InstitutionName code={s.fixmedins_code} />
        </p>
      </header>
      <div className="slip-meta">
        <span>{medType(s)}</span>
        <span className="nowrap">{s.setl_time}</span>
        <span className="badges">
          <SettlementBadges s={s} />
        </span>
      </div>
      <ChainNotice s={s} />
      <div className="figures slip-figures">
        <div className="figure figure-total">
          <p className="figure-label">{t('setl.total')}</p>
          <p className="figure-value">
            <Amount field="medfee_sumamt" fen={a.medfee_sumamt} />
          </p>
        </div>
        <div className="figure figure-fund">
          <p className="figure-label">{t('setl.fund')}</p>
          <p className="figure-value">
            <Amount field="fund_pay_sumamt" fen={a.fund_pay_sumamt} />
          </p>
        </div>
        <div className="figure figure-self">
          <p className="figure-label">{t(showPerson ? 'setl.psnPart' : 'setl.self')}</p>
          <p className="figure-value">
            <Amount field="psn_part_amt" fen={a.psn_part_amt} />
          </p>
        </div>
      </div>
      <div className="slip-columns">
        <Card title={t('setl.bill')}>
          <MoneyLines lines={bill} testId="slip-bill" />
        </Card>
        <Card title={t('setl.funds')}>
          <MoneyLines lines={funds} testId="slip-funds" />
        </Card>
        <Card title={t(showPerson ? 'setl.psnPart' : 'setl.personal')}>
          <MoneyLines lines={personal} testId="slip-personal" />
        </Card>
        <Card title={t('setl.terms')}>
          <div data-testid="slip-terms">
            <Facts
              items={[
                [t('setl.basis'), basis],
                ...(s.terms.filing_no ? [[t('fil.no'), <span className="code">{s.terms.filing_no}</span>] as [string, ReactNode]] : []),
                [t('pol.reductions'), s.terms.reduction_bp > 0 ? t('pol.reductionPoints', { n: points(s.terms.reduction_bp) }) : t('pol.reductionNone')],
                [t('filter.level'), tCode(t, 'level', s.terms.level)],
                [t('setl.medType'), medType(s)],
                ...(s.terms.admission_ordinal !== null ? [[t('setl.admission'), t('setl.admissionValue', { n: s.terms.admission_ordinal })] as [string, ReactNode]] : []),
                [t('setl.emergency'), t(s.terms.emergency ? 'common.yes' : 'common.no')],
                [t('enrol.scheme'), nameOf(insutypes.find((c) => c.code === s.insutype), s.insutype)],
                [t('setl.year'), String(s.terms.year)],
              ]}
            />
          </div>
        </Card>
      </div>
      <Card title={t('est.explanation')}>
        <ol className="explanation" data-testid="slip-explanation">
          {s.explanation.map((l, i) => (
            <li key={i}>{words(l)}</li>
          ))}
        </ol>
      </Card>
      <Card title={t('setl.details')} className="slip-details">
        <Facts
          items={[
            ...(showPerson ? [[t('setl.person'), `${s.psn_name} · ${s.psn_no}`] as [string, ReactNode]] : []),
            [t('setl.no'), <span className="code">{s.setl_id}</span>],
            [t('setl.time'), s.setl_time],
            [t('setl.mdtrtId'), <span className="code">{s.mdtrt_id}</span>],
            [t('setl.filter.institution'), <span className="code">{s.fixmedins_code}</span>],
            [t('person.insuplc'), areaName(s.insuplc_admdvs)],
            [t('setl.treatment'), areaName(s.mdtrtarea_admvs)],
            [t('setl.month'), s.setl_month],
          ]}
        />
      </Card>
    </article>
  );
}

/**
 * Where the slip stands in its chain: a cancelled settlement links its
 * cancellation, a cancellation its original, a reinstatement the cancellation
 * it undid. The API names only the row a slip reverses, so the rows pointing
 * back at it are found among the visit's settlements.
 */
function ChainNotice({ s }: { s: Settlement }) {
  const { t } = useI18n();
  const visit = useFetch<SettlementPage>(withQuery('/api/settlements', { mdtrt_id: s.mdtrt_id, page_size: 100 }));
  const reversedBy = visit.data?.items.find((r) => r.origin_setl_id === s.origin_setl_id && r.reverses === s.setl_id) ?? null;
  const link = (id: string, label: string) => (
    <Link to={slipPath(id)} className="btn btn-secondary" data-testid="chain-link" data-setl={id}>
      {label}
    </Link>
  );

  if (s.kind === 'cancel') {
    return (
      <div className="alert alert-warn chain-notice" data-testid="chain-notice">
        <p className="alert-title">{t('setl.cancelTitle')}</p>
        <p>{t('setl.cancelBody')}</p>
        {s.reverses && link(s.reverses, t('setl.viewOriginal'))}
        {reversedBy && (
          <>
            <p className="alert-title">{t('setl.undoneTitle')}</p>
            <p>{t('setl.undoneBody')}</p>
            {link(reversedBy.setl_id, t('setl.viewReinstatement'))}
          </>
        )}
      </div>
    );
  }
  if (!s.live) {
    return (
      <div className="alert alert-error chain-notice" data-testid="chain-notice">
        <p className="alert-title">{t('setl.cancelledTitle')}</p>
        <p>{t('setl.cancelledBody')}</p>
        {reversedBy && link(reversedBy.setl_id, t('setl.viewCancellation'))}
      </div>
    );
  }
  const undone = s.kind === 'reinstate' ? s.reverses : reversedBy?.setl_id;
  if (!undone) return null;
  return (
    <div className="alert alert-info chain-notice" data-testid="chain-notice">
      <p className="alert-title">{t('setl.reinstateTitle')}</p>
      {s.kind === 'reinstate' && <p>{t('setl.reinstateBody')}</p>}
      {link(undone, t('setl.viewCancellation'))}
    </div>
  );
}
