import { useState, type FormEvent } from 'react';
import { api, ApiError, issueField, withQuery, type Filing, type Page, type PersonView } from '../api.ts';
import { FilingFacts } from '../components/FilingFacts.tsx';
import { FilingTabs } from '../components/FilingTabs.tsx';
import { ProofFacts } from '../components/ProofFacts.tsx';
import { errorMessage, Field, Loaded, PageHeader, Pager, SelectField, tCode } from '../components/ui.tsx';
import { useFetch } from '../data.ts';
import { FILING_KINDS } from '../filing.ts';
import { useI18n } from '../i18n.tsx';
import { setQuery } from '../router.tsx';

const PAGE_SIZE = 20;

/** The insured-place agency's queue: filings its policy sends to review, oldest decisions first to hand. */
export function FilingReview({ path, query }: { path: string; query: URLSearchParams }) {
  const { t } = useI18n();
  const kind = query.get('kind') ?? '';
  const page = Math.max(1, Number(query.get('page')) || 1);
  const value = useFetch<Page<Filing>>(withQuery('/api/filings', { status: 'pending_review', kind, page, page_size: PAGE_SIZE }));
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <>
      <PageHeader title={t('af.title')} />
      <FilingTabs path={path} />
      <p className="intro muted tab-intro">{t('af.reviewIntro')}</p>
      {notice && (
        <p className="alert alert-success" role="status" data-testid="review-notice">
          {notice}
        </p>
      )}
      <section className="filters card" aria-label={t('filter.title')}>
        <div className="filter-grid">
          <SelectField name="kind" label={t('fil.kind')} value={kind} allLabel={t('common.all')} options={FILING_KINDS.map((k) => ({ value: k, label: tCode(t, 'filing', k) }))} onChange={(k) => setQuery({ kind: k, page: null }, { replace: true })} />
        </div>
      </section>
      <Loaded value={value}>
        {(data) => (
          <section aria-live="polite">
            {data.items.length === 0 ? (
              <p className="empty">{t('af.queueEmpty')}</p>
            ) : (
              <ul className="plain-list cards" data-testid="review-queue">
                {data.items.map((f) => (
                  <ReviewItem
                    key={f.id}
                    filing={f}
                    onDecided={(message) => {
                      setNotice(message);
                      value.reload();
                    }}
                  />
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

/** The person's name, which the filing itself does not carry. */
export function PersonName({ psnNo }: { psnNo: string }) {
  const person = useFetch<PersonView>(`/api/persons/${encodeURIComponent(psnNo)}`);
  return <>{person.data?.person.name ?? psnNo}</>;
}

function ReviewItem({ filing, onDecided }: { filing: Filing; onDecided: (message: string) => void }) {
  const { t } = useI18n();
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | undefined>(undefined);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const decide = async (approve: boolean) => {
    setBusy(true);
    setError(null);
    try {
      await api.post(`/api/filings/${filing.id}/review`, { approve, reason: approve ? '' : reason.trim() });
      onDecided(t(approve ? 'af.approved' : 'af.rejected', { no: filing.filing_no }));
    } catch (err) {
      const problem = err instanceof ApiError ? err : new ApiError(0, 'network', undefined);
      const issue = problem.issues.find((i) => issueField(i.path) === 'reason');
      setReasonError(issue ? t('err.serverField', { message: issue.message }) : undefined);
      setError(problem);
      setBusy(false);
    }
  };

  const reject = (e: FormEvent) => {
    e.preventDefault();
    if (reason.trim() === '') {
      setReasonError(t('af.reasonRequired'));
      return;
    }
    setReasonError(undefined);
    void decide(false);
  };

  return (
    <li className="card item-card review-item" data-filing={filing.filing_no}>
      <div className="list-item-head">
        <p className="item-title">
          <PersonName psnNo={filing.psn_no} />
        </p>
        <span className="badges">
          <span className="badge badge-info">{tCode(t, 'filing', filing.kind)}</span>
          {filing.late && <span className="badge badge-warn">{t('fil.late')}</span>}
        </span>
      </div>
      <p className="muted code">
        {t('common.labelled', { label: t('person.psnNo'), value: filing.psn_no })}
      </p>
      <div className="review-body">
        <FilingFacts filing={filing} withKind={false} withStatus={false} />
        <ProofFacts proof={filing.proof} />
      </div>
      {error && !reasonError && (
        <p className="alert alert-error" role="alert">
          {errorMessage(t, error)}
        </p>
      )}
      {rejecting ? (
        <form className="inline-form" onSubmit={reject} noValidate>
          <Field label={t('af.rejectReason')} error={reasonError}>
            {(id, describedBy) => <input id={id} name="reason" value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} aria-describedby={describedBy} />}
          </Field>
          <div className="actions">
            <button type="submit" className="btn btn-primary btn-danger" disabled={busy}>
              {t('af.confirmReject')}
            </button>
            <button type="button" className="btn btn-ghost" onClick={() => setRejecting(false)}>
              {t('common.close')}
            </button>
          </div>
        </form>
      ) : (
        <div className="actions">
          <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void decide(true)}>
            {t('af.approve')}
          </button>
          <button type="button" className="btn btn-secondary btn-danger" disabled={busy} onClick={() => setRejecting(true)}>
            {t('af.reject')}
          </button>
        </div>
      )}
    </li>
  );
}
