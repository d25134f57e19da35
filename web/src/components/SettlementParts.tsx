import type { Settlement } from '../api.ts';
import { useCodes, useInstitution } from '../data.ts';
import { formatYuan } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import { Link } from '../router.tsx';
import { Badge, tCode, useWide } from './ui.tsx';

/** An amount as the slip shows it; `data-amount` names the API field it shows, so a test can hold every figure to the API. */
export function Amount({ field, fen }: { field: string; fen: number }) {
  return (
    <span className="amount" data-amount={field}>
      {formatYuan(fen)}
    </span>
  );
}

/** A cancellation, a cancelled settlement and a reinstatement are told apart at a glance; a settlement in force needs no badge. */
export function SettlementBadges({ s }: { s: Pick<Settlement, 'kind' | 'live'> }) {
  const { t } = useI18n();
  return (
    <>
      {s.kind === 'cancel' && <Badge tone="warn">{t('setl.badge.cancel')}</Badge>}
      {s.kind === 'reinstate' && <Badge tone="good">{t('setl.badge.reinstate')}</Badge>}
      {s.kind !== 'cancel' && !s.live && <Badge tone="bad">{t('setl.badge.cancelled')}</Badge>}
    </>
  );
}

export function InstitutionName({ code }: { code: string }) {
  return <>{useInstitution(code)?.name ?? code}</>;
}

/** The kind of care from the visit's med_type (普通住院, 急诊 …), or the benefit's kind until the code table is loaded. */
export function useMedTypeName(): (s: Pick<Settlement, 'med_type' | 'terms'>) => string {
  const { t, nameOf } = useI18n();
  const medTypes = useCodes('med_type');
  return (s) => nameOf(medTypes.find((c) => c.code === s.med_type), tCode(t, 'medKind', s.terms.med_kind));
}

export function slipPath(setlId: string): string {
  return `/settlements/${encodeURIComponent(setlId)}`;
}

/** Settlement slips, newest first: a table on a wide screen, one card per slip on a phone. */
export function SettlementList({ items, showPerson }: { items: Settlement[]; showPerson: boolean }) {
  const { t } = useI18n();
  const wide = useWide();
  const medType = useMedTypeName();

  if (wide) {
    return (
      <div className="table-wrap">
        <table className="table settlement-table" data-testid="settlements">
          <thead>
            <tr>
              <th scope="col">{t('setl.date')}</th>
              {showPerson && <th scope="col">{t('setl.person')}</th>}
              <th scope="col">{t('setl.institution')}</th>
              <th scope="col" className="num">
                {t('setl.total')}
              </th>
              <th scope="col" className="num">
                {t('setl.fund')}
              </th>
              <th scope="col" className="num">
                {t(showPerson ? 'setl.psnPart' : 'setl.self')}
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((s) => (
              <tr key={s.setl_id} data-setl={s.setl_id}>
                <td>
                  <Link to={slipPath(s.setl_id)} className="strong nowrap">
                    {s.setl_date}
                  </Link>
                  <br />
                  <small className="muted code nowrap">{s.setl_id}</small>
                  {(s.kind !== 'settle' || !s.live) && (
                    <span className="badges table-badges">
                      <SettlementBadges s={s} />
                    </span>
                  )}
                </td>
                {showPerson && (
                  <td>
                    <span className="strong">{s.psn_name}</span>
                    <br />
                    <small className="muted code nowrap">{s.psn_no}</small>
                  </td>
                )}
                <td>
                  <InstitutionName code={s.fixmedins_code} />
                  <br />
                  <small className="muted">{medType(s)}</small>
                </td>
                <td className="num">
                  <Amount field="medfee_sumamt" fen={s.amounts.medfee_sumamt} />
                </td>
                <td className="num">
                  <Amount field="fund_pay_sumamt" fen={s.amounts.fund_pay_sumamt} />
                </td>
                <td className="num strong">
                  <Amount field="psn_part_amt" fen={s.amounts.psn_part_amt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  }
  return (
    <ul className="plain-list cards" data-testid="settlements">
      {items.map((s) => (
        <li key={s.setl_id} data-setl={s.setl_id}>
          <Link to={slipPath(s.setl_id)} className={`card item-card item-link slip-card${s.kind === 'cancel' ? ' slip-card-cancel' : ''}`}>
            <span className="list-item-head">
              <span className="muted nowrap">{s.setl_date}</span>
              <span className="badges">
                <SettlementBadges s={s} />
              </span>
            </span>
            <span className="item-title">
              <InstitutionName code={s.fixmedins_code} />
            </span>
            <span className="muted">{showPerson ? `${s.psn_name} · ${medType(s)}` : medType(s)}</span>
            <span className="slip-sums">
              <span className="slip-sum">
                <span className="slip-sum-label">{t('setl.total')}</span>
                <Amount field="medfee_sumamt" fen={s.amounts.medfee_sumamt} />
              </span>
              <span className="slip-sum slip-sum-fund">
                <span className="slip-sum-label">{t('setl.fund')}</span>
                <Amount field="fund_pay_sumamt" fen={s.amounts.fund_pay_sumamt} />
              </span>
              <span className="slip-sum slip-sum-self">
                <span className="slip-sum-label">{t(showPerson ? 'setl.psnPart' : 'setl.self')}</span>
                <Amount field="psn_part_amt" fen={s.amounts.psn_part_amt} />
              </span>
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
