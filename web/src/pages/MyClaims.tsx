import { withQuery } from '../api.ts';
import { claimPath, type ClaimPage, type ClaimSummary } from '../claims.ts';
import { ClaimStatusBadge, ClockText } from '../components/ClaimParts.tsx';
import { Loaded, PageHeader, Pager, tCode, Unbroken } from '../components/ui.tsx';
import { useFetch } from '../data.ts';
import { formatYuan, todayInChina } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import { Link, setQuery } from '../router.tsx';

const PAGE_SIZE = 20;

/** The person's manual claims (their own, and those they file as an agent), newest first. */
export function MyClaims({ query }: { query: URLSearchParams }) {
  const { t } = useI18n();
  const page = Math.max(1, Number(query.get('page')) || 1);
  const value = useFetch<ClaimPage>(withQuery('/api/claims', { page, page_size: PAGE_SIZE }));
  return (
    <>
      <PageHeader title={t('clm.title')} intro={t('clm.intro')} />
      <div className="actions claim-start">
        <Link to="/claims/new" className="btn btn-primary btn-large">
          + {t('clm.new')}
        </Link>
      </div>
      <Loaded value={value}>
        {(data) => (
          <section aria-live="polite" className="claim-list-section">
            {data.items.length === 0 ? (
              <p className="empty">{t('clm.none')}</p>
            ) : (
              <ul className="plain-list cards claim-cards" data-testid="claims">
                {data.items.map((c) => (
                  <ClaimCard key={c.id} c={c} />
                ))}
              </ul>
            )}
            {data.total > 0 && <Pager page={page} pageSize={PAGE_SIZE} total={data.total} onPage={(p) => setQuery({ page: p })} />}
          </section>
        )}
      </Loaded>
    </>
  );
}

function ClaimCard({ c }: { c: ClaimSummary }) {
  const { t } = useI18n();
  const today = todayInChina();
  return (
    <li data-claim={c.id}>
      <Link to={claimPath(c.id)} className="card item-card item-link">
        <span className="list-item-head">
          <span className="muted nowrap">{c.begin_date === c.end_date ? c.begin_date : <Unbroken text={t('common.dateRange')} values={{ from: c.begin_date, to: c.end_date }} />}</span>
          <ClaimStatusBadge status={c.status} />
        </span>
        <span className="item-title">{c.institution_name}</span>
        <span className="muted">
          {tCode(t, 'medKind', c.med_kind)} · {t(`clm.reason.${c.reason}`)}
        </span>
        {c.medfee_sumamt_fen !== null && (
          <span>
            {t('clm.billTotal')} <span className="strong nowrap">{formatYuan(c.medfee_sumamt_fen)}</span>
          </span>
        )}
        <span className={`claim-next claim-next-${c.status}`}>
          <NextStep c={c} today={today} />
        </span>
        <span className="chevron" aria-hidden="true">
          ›
        </span>
      </Link>
    </li>
  );
}

/** What the claim waits for, in one line: the person's deadline, the agency's clock, or the outcome. */
function NextStep({ c, today }: { c: ClaimSummary; today: string }) {
  const { t } = useI18n();
  switch (c.status) {
    case 'draft':
      return c.submit_deadline < today ? (
        <span className="text-bad">
          <Unbroken text={t('clm.next.deadlinePassed')} values={{ date: c.submit_deadline }} />
        </span>
      ) : (
        <Unbroken text={t('clm.next.submitBy')} values={{ date: c.submit_deadline }} />
      );
    case 'more_documents_requested':
      return <span className="text-warn">{t('clm.next.answer')}</span>;
    case 'submitted':
      return c.clock ? <ClockText clock={c.clock} status={c.status} /> : <>{t('clm.next.reviewing')}</>;
    case 'approved':
    case 'partly_approved':
      return <>{t('clm.next.payment')}</>;
    case 'rejected':
      return <>{t('clm.next.rejected')}</>;
    case 'paid':
      return <span className="text-good">{t('clm.next.paid')}</span>;
  }
}
