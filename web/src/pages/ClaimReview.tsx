import { useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError, issueField, type Me } from '../api.ts';
import {
  CLAIM_REASONS,
  CLAIM_STATUSES,
  documentUrl,
  DOCUMENT_TYPES,
  reviewPath,
  reviewQuery,
  sizeText,
  type BillInput,
  type ClaimDetail,
  type ClaimDocument,
  type ClaimEstimate,
  type ClaimPage,
  type ClaimStatus,
  type ClaimSummary,
  type Decision,
  type DocType,
} from '../claims.ts';
import { BillEditor, BillView, ClaimFacts, ClaimLoaded, ClaimHistory, ClaimStatusBadge, ClockText, ComputationView, useWords } from '../components/ClaimParts.tsx';
import { Card, Empty, ErrorBox, Field, Loaded, PageHeader, Pager, SelectField, tCode, Unbroken, useWide } from '../components/ui.tsx';
import { useFetch } from '../data.ts';
import { dateOfTimestamp } from '../dates.ts';
import { formatYuan } from '../format.ts';
import { useI18n, type MessageKey } from '../i18n.tsx';
import { Link, setQuery, withLastQuery } from '../router.tsx';

const PAGE_SIZE = 20;

/** The insured place's review queue: its region's claims, the earliest due first, with the processing clock. */
export function ClaimQueue({ query }: { query: URLSearchParams }) {
  const { t } = useI18n();
  const wide = useWide();
  const status = query.get('status') ?? 'submitted';
  const reason = query.get('reason') ?? '';
  const overdue = query.get('overdue') === 'true';
  const page = Math.max(1, Number(query.get('page')) || 1);
  const statuses: readonly ClaimStatus[] = status === 'all' ? CLAIM_STATUSES.filter((s) => s !== 'draft') : [status as ClaimStatus];
  const value = useFetch<ClaimPage>(reviewQuery({ statuses, reason, overdue, page, pageSize: PAGE_SIZE }));
  return (
    <>
      <PageHeader title={t('clr.title')} intro={t('clr.intro')} />
      <section className="filters card" aria-label={t('filter.title')}>
        <div className="filter-grid">
          <SelectField
            name="status"
            label={t('clr.filter.status')}
            value={status}
            options={[
              ...CLAIM_STATUSES.filter((s) => s !== 'draft').map((s) => ({ value: s, label: t(`clm.status.${s}`) })),
              { value: 'all', label: t('common.all') },
            ]}
            onChange={(s) => setQuery({ status: s === 'submitted' ? null : s, page: null }, { replace: true })}
          />
          <SelectField
            name="reason"
            label={t('clm.reason')}
            value={reason}
            allLabel={t('common.all')}
            options={CLAIM_REASONS.map((r) => ({ value: r, label: t(`clm.reason.${r}`) }))}
            onChange={(r) => setQuery({ reason: r, page: null }, { replace: true })}
          />
          <label className="checkbox filter-check">
            <input type="checkbox" name="overdue" checked={overdue} onChange={(e) => setQuery({ overdue: e.target.checked ? 'true' : null, page: null }, { replace: true })} />
            {t('clr.filter.overdue')}
          </label>
        </div>
      </section>
      <Loaded value={value}>
        {(data) => (
          <section aria-live="polite">
            {data.items.length === 0 ? <Empty /> : wide ? <QueueTable items={data.items} /> : <QueueCards items={data.items} />}
            {data.total > 0 && <Pager page={page} pageSize={PAGE_SIZE} total={data.total} onPage={(p) => setQuery({ page: p })} />}
          </section>
        )}
      </Loaded>
    </>
  );
}

function Submitted({ c }: { c: ClaimSummary }) {
  return <>{c.first_submitted_at ? dateOfTimestamp(c.first_submitted_at) : '—'}</>;
}

function QueueTable({ items }: { items: ClaimSummary[] }) {
  const { t } = useI18n();
  return (
    <div className="table-wrap">
      <table className="table claim-table" data-testid="claim-queue">
        <thead>
          <tr>
            <th scope="col">{t('setl.person')}</th>
            <th scope="col">{t('clm.institution')}</th>
            <th scope="col">{t('clr.submitted')}</th>
            <th scope="col" className="num">
              {t('clm.billTotal')}
            </th>
            <th scope="col">{t('clr.clock')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((c) => (
            <tr key={c.id} data-claim={c.id}>
              <td>
                <Link to={reviewPath(c.id)} className="strong">
                  {c.psn_name}
                </Link>
                <br />
                <small className="muted code nowrap">{c.psn_no}</small>
              </td>
              <td>
                {c.institution_name}
                <br />
                <small className="muted">
                  {tCode(t, 'medKind', c.med_kind)} · {t(`clm.reason.${c.reason}`)}
                </small>
              </td>
              <td className="nowrap">
                <Submitted c={c} />
                <br />
                <ClaimStatusBadge status={c.status} />
              </td>
              <td className="num">{c.medfee_sumamt_fen === null ? '—' : formatYuan(c.medfee_sumamt_fen)}</td>
              <td>{c.clock ? <ClockText clock={c.clock} status={c.status} /> : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function QueueCards({ items }: { items: ClaimSummary[] }) {
  const { t } = useI18n();
  return (
    <ul className="plain-list cards" data-testid="claim-queue">
      {items.map((c) => (
        <li key={c.id} data-claim={c.id}>
          <Link to={reviewPath(c.id)} className="card item-card item-link">
            <span className="list-item-head">
              <span className="muted nowrap">
                <Submitted c={c} />
              </span>
              <ClaimStatusBadge status={c.status} />
            </span>
            <span className="item-title">{c.psn_name}</span>
            <span className="muted">
              {c.institution_name} · {t(`clm.reason.${c.reason}`)}
            </span>
            {c.medfee_sumamt_fen !== null && (
              <span>
                {t('clm.billTotal')} <span className="strong nowrap">{formatYuan(c.medfee_sumamt_fen)}</span>
              </span>
            )}
            {c.clock && <ClockText clock={c.clock} status={c.status} />}
            <span className="chevron" aria-hidden="true">
              ›
            </span>
          </Link>
        </li>
      ))}
    </ul>
  );
}

/** One claim under review: the papers beside the case, the engine's amount, and the agency's decisions. */
export function ClaimReviewPage({ id, me }: { id: number; me: Me }) {
  const { t } = useI18n();
  return (
    <>
      <Link to={withLastQuery('/claim-review')} className="back-link">
        ‹ {t('clr.back')}
      </Link>
      <ClaimLoaded id={id}>{(c, reload) => <Review c={c} me={me} reload={reload} />}</ClaimLoaded>
    </>
  );
}

function Review({ c, me, reload }: { c: ClaimDetail; me: Me; reload: () => void }) {
  const { t } = useI18n();
  const words = useWords();
  const reviewer = me.role === 'insured_agency';
  const estimate = useFetch<ClaimEstimate>(c.bill && !c.decision ? `/api/claims/${c.id}/estimate?bill=${c.bill.id}` : null);
  // The key, not the words: the notice follows a change of language.
  const [notice, setNotice] = useState<MessageKey | null>(null);
  const done = (message: MessageKey) => {
    setNotice(message);
    reload();
    window.scrollTo(0, 0);
  };
  return (
    <article className="stack claim-page claim-review" data-testid="claim" data-status={c.status}>
      <header className="page-header claim-head">
        <h1>{t('clm.claimNo', { id: c.id })}</h1>
        <p className="slip-institution">
          {c.psn_name} <span className="muted code">{c.psn_no}</span>
        </p>
        <div className="slip-meta">
          <ClaimStatusBadge status={c.status} />
          <span className="muted">{c.institution_name}</span>
          {c.clock && <ClockText clock={c.clock} status={c.status} />}
        </div>
      </header>
      {notice && (
        <p className="alert alert-success" role="status" data-testid="review-notice">
          {t(notice)}
        </p>
      )}
      <div className="review-columns">
        <Documents c={c} canRead={reviewer} />
        <div className="stack">
          {c.payment ? (
            <Card title={t('clm.paymentTitle')}>
              <p className="muted">
                {t('clm.paymentRef')} <span className="code">{c.payment.payment_ref}</span> · {c.payment.business_date}
              </p>
              <ComputationView c={c.payment} fundLabel={t('clm.paid')} selfLabel={t('clr.self')} testId="claim-payment" />
            </Card>
          ) : c.decision ? (
            <Card title={t('clr.decisionTitle')}>
              <p data-testid="decision-amount">
                <ClaimStatusBadge status={c.decision.decision} />
                {c.decision.reimbursement_fen !== null && <span className="strong nowrap"> {formatYuan(c.decision.reimbursement_fen)}</span>}
              </p>
              {c.decision.reason && <p className="claim-message">{c.decision.reason}</p>}
              {c.decision.amounts && c.decision.explanation && (
                <ComputationView c={{ amounts: c.decision.amounts, explanation: c.decision.explanation }} fundLabel={t('clr.fundApproved')} selfLabel={t('clr.self')} testId="claim-decision" />
              )}
            </Card>
          ) : (
            c.bill && (
              <Card title={t('clr.computed')}>
                <Loaded value={estimate}>{(e) => <ComputationView c={e} fundLabel={t('clr.fund')} selfLabel={t('clr.self')} testId="claim-estimate" assumptions={e.assumptions} />}</Loaded>
              </Card>
            )
          )}
          {reviewer && c.status === 'submitted' && <DecisionCard c={c} onDone={done} />}
          {reviewer && (c.status === 'approved' || c.status === 'partly_approved') && <PaymentCard c={c} onDone={done} />}
          <Card title={t('clm.bill')}>{c.bill ? <BillView bill={c.bill} /> : <p className="muted">{t('clm.bill.none')}</p>}</Card>
          <Card title={t('clm.case')}>
            <ClaimFacts claim={c} showPerson />
            <p className="muted note">
              <Unbroken text={t('clr.deadline')} values={{ date: c.submit_deadline }} /> · {words(c.contact)}
            </p>
          </Card>
          <ClaimHistory claim={c} staffView />
        </div>
      </div>
    </article>
  );
}

/** The papers, grouped by what the checklist asks, beside a viewer: images inline, a PDF in its own frame. */
function Documents({ c, canRead }: { c: ClaimDetail; canRead: boolean }) {
  const { t } = useI18n();
  const [selected, setSelected] = useState<number | null>(c.documents[0]?.id ?? null);
  const doc = c.documents.find((d) => d.id === selected) ?? null;
  const groups: { type: DocType; needed: boolean; docs: ClaimDocument[] }[] = [
    ...c.checklist.items.map((i) => ({ type: i.type, needed: true, docs: c.documents.filter((d) => d.doc_type === i.type) })),
    ...DOCUMENT_TYPES.filter((d) => !c.checklist.items.some((i) => i.type === d))
      .map((d) => ({ type: d, needed: false, docs: c.documents.filter((x) => x.doc_type === d) }))
      .filter((g) => g.docs.length > 0),
  ];
  return (
    <Card title={t('clr.documents')} className="review-docs">
      <ul className="plain-list review-doc-list" data-testid="review-documents">
        {groups.map((g) => (
          <li key={g.type} data-doc={g.type}>
            <div className="claim-doc-head">
              <span className="strong">{tCode(t, 'clm.doc', g.type)}</span>
              {g.needed && (g.docs.length > 0 ? <span className="badge badge-good">{t('clm.doc.provided')}</span> : <span className="badge badge-warn">{t('clm.doc.missing')}</span>)}
            </div>
            {g.docs.length > 0 && (
              <ul className="plain-list review-doc-files">
                {g.docs.map((d) => (
                  <li key={d.id}>
                    <button type="button" className={`doc-pick${d.id === selected ? ' selected' : ''}`} aria-pressed={d.id === selected} onClick={() => setSelected(d.id)} data-document={d.id}>
                      <span className="doc-pick-name">{d.file_name}</span>
                      <small className="muted nowrap">
                        {d.media_type === 'application/pdf' ? 'PDF' : d.media_type === 'image/png' ? 'PNG' : 'JPEG'} · {sizeText(d.size_bytes)} · {dateOfTimestamp(d.uploaded_at)}
                      </small>
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
      <div className="doc-viewer" data-testid="doc-viewer">
        {!canRead ? (
          <p className="muted">{t('clr.docsNational')}</p>
        ) : doc === null ? (
          <p className="muted">{t('clr.noDocument')}</p>
        ) : (
          <>
            <div className="doc-viewer-head">
              <span className="strong">{doc.file_name}</span>
              <a href={documentUrl(c.id, doc.id)} target="_blank" rel="noreferrer">
                {t('clr.openDocument')}
              </a>
            </div>
            {doc.media_type === 'application/pdf' ? (
              <iframe key={doc.id} className="doc-frame" src={documentUrl(c.id, doc.id)} title={doc.file_name} />
            ) : (
              <img key={doc.id} className="doc-image" src={documentUrl(c.id, doc.id)} alt={`${tCode(t, 'clm.doc', doc.doc_type)}: ${doc.file_name}`} />
            )}
            <p className="muted doc-sha">
              SHA-256 <span className="code">{doc.sha256.slice(0, 16)}…</span>
            </p>
          </>
        )}
      </div>
    </Card>
  );
}

type Action = 'approve' | 'partly_approve' | 'reject' | 'request_documents';
const ACTIONS: readonly Action[] = ['approve', 'partly_approve', 'reject', 'request_documents'];

function DecisionCard({ c, onDone }: { c: ClaimDetail; onDone: (message: MessageKey) => void }) {
  const { t } = useI18n();
  const [action, setAction] = useState<Action>('approve');
  const [text, setText] = useState('');
  const [docs, setDocs] = useState<DocType[]>([]);
  const [textError, setTextError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<ApiError | null>(null);

  const send = async (d: Decision) => {
    setBusy(true);
    setFailure(null);
    try {
      await api.post<ClaimDetail>(`/api/claims/${c.id}/decision`, d);
      onDone(`clr.done.${d.decision}`);
    } catch (err) {
      const problem = err instanceof ApiError ? err : new ApiError(0, 'network', undefined);
      const issue = problem.issues.find((i) => ['reason', 'message'].includes(issueField(i.path)));
      setTextError(issue ? t('err.serverField', { message: issue.message }) : undefined);
      setFailure(problem);
      setBusy(false);
    }
  };

  const needsText = action !== 'approve';
  const textRequired = () => {
    if (needsText && text.trim() === '') {
      setTextError(t('err.required'));
      return false;
    }
    setTextError(undefined);
    return true;
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!textRequired()) return;
    if (action === 'approve') void send({ decision: 'approve', ...(text.trim() ? { message: text.trim() } : {}) });
    if (action === 'reject') void send({ decision: 'reject', reason: text.trim() });
    if (action === 'request_documents') void send({ decision: 'request_documents', message: text.trim(), documents: docs });
  };
  const partly = (bill: BillInput) => {
    if (!textRequired()) return;
    void send({ decision: 'partly_approve', reason: text.trim(), bill });
  };

  const textField = (
    <Field label={t(`clr.text.${action}`)} error={textError}>
      {(id, describedBy) => (
        <textarea id={id} name="decision_text" rows={3} maxLength={2000} value={text} onChange={(e) => setText(e.target.value)} aria-invalid={textError ? true : undefined} aria-describedby={describedBy} />
      )}
    </Field>
  );
  const errorBox: ReactNode = failure && <ErrorBox error={failure} />;
  const docOrder = [...c.checklist.items.map((i) => i.type), ...DOCUMENT_TYPES.filter((d) => !c.checklist.items.some((i) => i.type === d))];

  return (
    <Card title={t('clr.decide')} className="claim-decide">
      <fieldset className="segmented-choice decision-choice">
        <legend className="visually-hidden">{t('clr.decide')}</legend>
        {ACTIONS.map((a) => (
          <label key={a} className={`pill${action === a ? ' selected' : ''}${a === 'reject' ? ' pill-danger' : ''}`}>
            <input
              type="radio"
              name="action"
              value={a}
              checked={action === a}
              onChange={() => {
                setAction(a);
                setTextError(undefined);
                setFailure(null);
              }}
            />
            {t(`clr.action.${a}`)}
          </label>
        ))}
      </fieldset>
      {action === 'partly_approve' ? (
        <div className="stack-tight decision-form">
          <p className="muted card-intro">{t('clr.partlyIntro')}</p>
          <BillEditor initial={c.bill} busy={busy} failure={null} submitLabel={t('clr.action.partly_approve')} onSubmit={partly}>
            {textField}
            {errorBox}
          </BillEditor>
        </div>
      ) : (
        <form className="stack-tight decision-form" onSubmit={submit} noValidate>
          {action === 'request_documents' && (
            <fieldset className="doc-checks">
              <legend>{t('clr.whichDocs')}</legend>
              {docOrder.map((d) => (
                <label key={d} className="checkbox">
                  <input type="checkbox" name="documents" value={d} checked={docs.includes(d)} onChange={(e) => setDocs((ds) => (e.target.checked ? [...ds, d] : ds.filter((x) => x !== d)))} />
                  {tCode(t, 'clm.doc', d)}
                </label>
              ))}
            </fieldset>
          )}
          {textField}
          {errorBox}
          <button type="submit" className={`btn btn-primary btn-block${action === 'reject' ? ' btn-danger' : ''}`} disabled={busy}>
            {t(`clr.action.${action}`)}
          </button>
        </form>
      )}
    </Card>
  );
}

function PaymentCard({ c, onDone }: { c: ClaimDetail; onDone: (message: MessageKey) => void }) {
  const { t } = useI18n();
  const [ref, setRef] = useState('');
  const [refError, setRefError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!/^[\x21-\x7e]{1,100}$/.test(ref.trim())) {
      setRefError(t('clr.refFormat'));
      return;
    }
    setRefError(undefined);
    setBusy(true);
    setFailure(null);
    try {
      await api.post<ClaimDetail>(`/api/claims/${c.id}/payment`, { payment_ref: ref.trim() });
      onDone('clr.done.pay');
    } catch (err) {
      const problem = err instanceof ApiError ? err : new ApiError(0, 'network', undefined);
      const issue = problem.issues.find((i) => issueField(i.path) === 'payment_ref');
      setRefError(issue ? t('err.serverField', { message: issue.message }) : undefined);
      setFailure(problem);
      setBusy(false);
    }
  };
  return (
    <Card title={t('clr.payTitle')} className="claim-decide">
      <form className="stack-tight" onSubmit={submit} noValidate>
        {c.decision?.reimbursement_fen != null && (
          <p>
            {t('clr.payAmount')} <span className="strong nowrap">{formatYuan(c.decision.reimbursement_fen)}</span>
          </p>
        )}
        <p className="muted card-intro">{t('clr.payIntro')}</p>
        <Field label={t('clm.paymentRef')} error={refError}>
          {(id, describedBy) => <input id={id} name="payment_ref" value={ref} maxLength={100} autoComplete="off" onChange={(e) => setRef(e.target.value)} aria-invalid={refError ? true : undefined} aria-describedby={describedBy} />}
        </Field>
        {failure && <ErrorBox error={failure} />}
        <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
          {t('clr.pay')}
        </button>
      </form>
    </Card>
  );
}
