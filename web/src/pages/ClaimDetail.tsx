import { useState, type ChangeEvent, type FormEvent, type ReactNode } from 'react';
import { api, ApiError, type Me } from '../api.ts';
import {
  documentUrl,
  editable,
  FILE_ACCEPT,
  requestedDocuments,
  sizeText,
  uploadDocument,
  type BillInput,
  type ClaimBill,
  type ClaimDetail,
  type ClaimDocument,
  type ClaimEstimate,
  type DocType,
} from '../claims.ts';
import { BillEditor, BillView, ClaimFacts, ClaimLoaded, ClaimHistory, ClaimStatusBadge, ClockText, ComputationView, useWords } from '../components/ClaimParts.tsx';
import { Amount } from '../components/SettlementParts.tsx';
import { Card, errorMessage, Field, Loaded, tCode, Unbroken } from '../components/ui.tsx';
import { useFetch, type Loadable } from '../data.ts';
import { formatYuan } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import { Link, withLastQuery } from '../router.tsx';

/** One claim, for the person (or their agent): what is still needed, the papers, the bill, the estimate, submitting and the history. */
export function ClaimPage({ id, me }: { id: number; me: Me }) {
  const { t } = useI18n();
  return (
    <>
      <Link to={withLastQuery('/claims')} className="back-link">
        ‹ {t('clm.back')}
      </Link>
      <ClaimLoaded id={id}>{(c, reload) => <ClaimView c={c} me={me} reload={reload} />}</ClaimLoaded>
    </>
  );
}

function ClaimView({ c, me, reload }: { c: ClaimDetail; me: Me; reload: () => void }) {
  const { t } = useI18n();
  // A draft past its deadline cannot be submitted any more: nothing to add to it either.
  const open = editable(c.status) && !(c.status === 'draft' && c.checklist.deadline_passed);
  const estimate = useFetch<ClaimEstimate>(c.bill && (open || c.status === 'submitted') ? `/api/claims/${c.id}/estimate?bill=${c.bill.id}` : null);
  return (
    <article className="stack claim-page" data-testid="claim" data-status={c.status}>
      <header className="page-header claim-head">
        <h1>{t('clm.claimNo', { id: c.id })}</h1>
        <p className="slip-institution">{c.institution_name}</p>
        <div className="slip-meta">
          <ClaimStatusBadge status={c.status} />
          <span className="muted">{t(`clm.reason.${c.reason}`)}</span>
          {c.agent && me.psn_no !== c.psn_no && <span className="muted">{t('clm.forPerson', { name: c.psn_name })}</span>}
        </div>
      </header>
      <StatusNotice c={c} />
      <div className="claim-columns">
        <div className="stack">
          <ChecklistCard c={c} open={open} onChanged={reload} />
          <BillCard c={c} open={open} onSaved={reload} />
          {c.bill && (open || c.status === 'submitted') && <EstimateCard estimate={estimate} />}
          {c.decision?.amounts && c.decision.explanation && !c.payment && (
            <Card title={t('clm.decisionTitle')}>
              <ComputationView c={{ amounts: c.decision.amounts, explanation: c.decision.explanation }} fundLabel={t('clm.notice.willPay')} selfLabel={t('clm.est.self')} testId="claim-decision" />
            </Card>
          )}
          {c.payment && (
            <Card title={t('clm.paymentTitle')}>
              <ComputationView c={c.payment} fundLabel={t('clm.paid')} selfLabel={t('clm.est.self')} testId="claim-payment" />
            </Card>
          )}
        </div>
        <div className="stack">
          {c.status === 'draft' && <SubmitCard c={c} onDone={reload} />}
          {c.status === 'more_documents_requested' && <AnswerCard c={c} onDone={reload} />}
          <Card title={t('clm.case')}>
            <ClaimFacts claim={c} showPerson={me.psn_no !== c.psn_no} />
          </Card>
          <ClaimHistory claim={c} staffView={false} />
        </div>
      </div>
    </article>
  );
}

/** Where the claim stands, in one box at the top: what the person does next, or what the agency decided. */
function StatusNotice({ c }: { c: ClaimDetail }) {
  const { t } = useI18n();
  const words = useWords();
  const contact = words(c.contact);
  const box = (tone: 'info' | 'warn' | 'error' | 'success', title: string, body: ReactNode) => (
    <div className={`alert alert-${tone} claim-notice`} data-testid="claim-notice" role={tone === 'error' ? 'alert' : 'status'}>
      <p className="alert-title">{title}</p>
      {body}
    </div>
  );
  switch (c.status) {
    case 'draft':
      return c.checklist.deadline_passed
        ? box('error', t('clm.notice.lateTitle'), <p>{t('clm.notice.lateBody', { date: c.submit_deadline, contact })}</p>)
        : box(
            'info',
            t('clm.notice.draftTitle'),
            <p>
              <Unbroken text={t('clm.notice.draftBody')} values={{ date: c.submit_deadline }} />
            </p>,
          );
    case 'more_documents_requested': {
      const asked = requestedDocuments(c);
      return box(
        'warn',
        t('clm.notice.moreTitle'),
        <>
          {asked?.message && <p className="claim-message" data-testid="agency-message">{asked.message}</p>}
          {asked && asked.documents.length > 0 && <p>{t('clm.askedFor', { docs: asked.documents.map((d) => tCode(t, 'clm.doc', d)).join(t('common.listSep')) })}</p>}
          <p>{t('clm.notice.moreBody')}</p>
        </>,
      );
    }
    case 'submitted':
      return box('info', t('clm.notice.submittedTitle'), <p>{c.clock ? <ClockText clock={c.clock} status={c.status} /> : t('clm.next.reviewing')}</p>);
    case 'approved':
    case 'partly_approved':
      return box(
        'success',
        t(c.status === 'approved' ? 'clm.notice.approvedTitle' : 'clm.notice.partlyTitle'),
        <>
          {c.decision?.reimbursement_fen != null && (
            <p>
              {t('clm.notice.willPay')} <span className="strong nowrap">{formatYuan(c.decision.reimbursement_fen)}</span>
            </p>
          )}
          {c.decision?.reason && <p className="claim-message">{c.decision.reason}</p>}
        </>,
      );
    case 'rejected':
      return box(
        'error',
        t('clm.notice.rejectedTitle'),
        <>
          {c.decision?.reason && <p className="claim-message">{c.decision.reason}</p>}
          <p>{t('clm.notice.contact', { contact })}</p>
        </>,
      );
    case 'paid':
      return box(
        'success',
        t('clm.notice.paidTitle'),
        c.payment && (
          <p data-testid="paid-amount">
            <span className="strong nowrap">
              <Amount field="reimbursement_fen" fen={c.payment.reimbursement_fen} />
            </span>{' '}
            · {t('clm.paymentRef')} <span className="code">{c.payment.payment_ref}</span> · <span className="nowrap">{c.payment.business_date}</span>
          </p>
        ),
      );
  }
}

/** The checklist: each document the case needs, whether it is there, and (while the claim is open) an upload for it. */
function ChecklistCard({ c, open, onChanged }: { c: ClaimDetail; open: boolean; onChanged: () => void }) {
  const { t } = useI18n();
  const words = useWords();
  const asked = requestedDocuments(c);
  const askedTypes = new Set(asked?.documents ?? []);
  // Asked-for types outside the checklist (and "other") get a row too.
  // The reason's own list shares one "why": said once, and only the additions say theirs.
  const common = c.checklist.items[0] ? words(c.checklist.items[0].why) : null;
  const rows: { type: DocType; why: string | null; provided: boolean }[] = [
    ...c.checklist.items.map((i) => ({ type: i.type, why: words(i.why) === common ? null : words(i.why), provided: i.provided })),
    ...[...askedTypes].filter((d) => !c.checklist.items.some((i) => i.type === d)).map((d) => ({ type: d, why: null, provided: c.documents.some((x) => x.doc_type === d) })),
  ];
  const extra = c.documents.filter((d) => !rows.some((r) => r.type === d.doc_type));
  const done = c.checklist.items.filter((i) => i.provided).length;
  return (
    <Card title={t('clm.checklist')}>
      <p className="muted card-intro" data-testid="checklist-progress">
        {t('clm.checklistProgress', { done, total: c.checklist.items.length })}
        {open && (
          <>
            {' · '}
            {t('clm.fileRule', { size: sizeText(c.document_max_bytes) })}
          </>
        )}
      </p>
      {common && <p className="muted claim-doc-why">{t('clm.whyAll', { why: common })}</p>}
      <ul className="plain-list claim-checklist" data-testid="checklist">
        {rows.map((r) => (
          <DocRow
            key={r.type}
            claimId={c.id}
            type={r.type}
            why={r.why}
            provided={r.provided}
            askedNow={askedTypes.has(r.type)}
            docs={c.documents.filter((d) => d.doc_type === r.type)}
            open={open}
            onUploaded={onChanged}
            maxBytes={c.document_max_bytes}
          />
        ))}
        {(open || extra.length > 0) && (
          <DocRow claimId={c.id} type="other" why={null} provided={null} askedNow={false} docs={extra} open={open} onUploaded={onChanged} maxBytes={c.document_max_bytes} />
        )}
      </ul>
    </Card>
  );
}

function DocRow({
  claimId,
  type,
  why,
  provided,
  askedNow,
  docs,
  open,
  onUploaded,
  maxBytes,
}: {
  claimId: number;
  type: DocType;
  why: string | null;
  /** null: not on the checklist (other material) */
  provided: boolean | null;
  askedNow: boolean;
  docs: ClaimDocument[];
  open: boolean;
  onUploaded: () => void;
  maxBytes: number;
}) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const label = tCode(t, 'clm.doc', type);

  const choose = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      await uploadDocument(claimId, type, file);
      setDone(t('clm.uploaded', { name: file.name }));
      onUploaded();
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'network', undefined));
    } finally {
      setBusy(false);
    }
  };

  const state = provided === null ? null : provided ? 'provided' : 'missing';
  return (
    <li className={`claim-doc${state ? ` claim-doc-${state}` : ''}${askedNow ? ' claim-doc-asked' : ''}`} data-doc={type} data-state={state ?? 'extra'}>
      <span className="claim-doc-mark" aria-hidden="true">
        {state === 'provided' ? '✓' : state === 'missing' ? '!' : '+'}
      </span>
      <div className="claim-doc-body">
        <div className="claim-doc-head">
          <span className="strong">{label}</span>
          {state === 'provided' && <span className="badge badge-good">{t('clm.doc.provided')}</span>}
          {state === 'missing' && <span className="badge badge-warn">{t('clm.doc.missing')}</span>}
          {askedNow && <span className="badge badge-bad">{t('clm.doc.asked')}</span>}
        </div>
        {why && <p className="muted claim-doc-why">{why}</p>}
        {docs.length > 0 && (
          <ul className="plain-list claim-files">
            {docs.map((d) => (
              <li key={d.id}>
                <a href={documentUrl(claimId, d.id)} target="_blank" rel="noreferrer" className="claim-file">
                  {d.file_name}
                </a>{' '}
                <small className="muted nowrap">{sizeText(d.size_bytes)}</small>
              </li>
            ))}
          </ul>
        )}
        {done && (
          <p className="claim-upload-done" role="status">
            {done}
          </p>
        )}
        {error && (
          <div className="alert alert-error claim-upload-error" role="alert" data-testid="upload-error">
            <p className="alert-title">{error.status === 413 ? t('clm.uploadTooLarge', { size: sizeText(maxBytes) }) : t('clm.uploadRefused')}</p>
            <p>{errorMessage(t, error)}</p>
          </div>
        )}
      </div>
      {open && (
        <label className={`btn btn-secondary file-button${busy ? ' is-busy' : ''}`}>
          <input type="file" className="visually-hidden" name={`doc-${type}`} accept={FILE_ACCEPT} disabled={busy} onChange={(e) => void choose(e)} aria-label={t('clm.uploadFor', { doc: label })} />
          {busy ? t('clm.uploading') : docs.length > 0 ? t('clm.uploadMore') : t('clm.upload')}
        </label>
      )}
    </li>
  );
}

function BillCard({ c, open, onSaved }: { c: ClaimDetail; open: boolean; onSaved: () => void }) {
  const { t } = useI18n();
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<ApiError | null>(null);

  const save = async (bill: BillInput) => {
    setBusy(true);
    setFailure(null);
    try {
      await api.put<ClaimBill>(`/api/claims/${c.id}/bill`, bill);
      setEditing(false);
      onSaved();
    } catch (err) {
      setFailure(err instanceof ApiError ? err : new ApiError(0, 'network', undefined));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title={t('clm.bill')}>
      {open && (editing || !c.bill) ? (
        <>
          {!c.bill && <p className="card-intro muted">{t('clm.bill.intro')}</p>}
          <BillEditor initial={c.bill} busy={busy} failure={failure} submitLabel={t('clm.bill.save')} onSubmit={(b) => void save(b)}>
            {c.bill && (
              <button type="button" className="btn btn-ghost" onClick={() => setEditing(false)}>
                {t('common.close')}
              </button>
            )}
          </BillEditor>
        </>
      ) : c.bill ? (
        <>
          <BillView bill={c.bill} />
          {open && (
            <div className="actions">
              <button type="button" className="btn btn-secondary" onClick={() => setEditing(true)}>
                {t('clm.bill.edit')}
              </button>
            </div>
          )}
        </>
      ) : (
        <p className="muted">{t('clm.bill.none')}</p>
      )}
    </Card>
  );
}

function EstimateCard({ estimate }: { estimate: Loadable<ClaimEstimate> }) {
  const { t } = useI18n();
  return (
    <Card title={t('clm.estimate')}>
      <Loaded value={estimate}>
        {(e) => (
          <>
            <ComputationView c={e} fundLabel={t('clm.est.fund')} selfLabel={t('clm.est.self')} testId="claim-estimate" assumptions={e.assumptions} />
            <p className="muted note">{t('clm.est.note')}</p>
          </>
        )}
      </Loaded>
    </Card>
  );
}

/** Submitting: enabled once the checklist is complete, a bill is entered and the deadline has not passed; otherwise it says what is missing. */
function SubmitCard({ c, onDone }: { c: ClaimDetail; onDone: () => void }) {
  const { t } = useI18n();
  const words = useWords();
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const blockers: string[] = [
    ...c.checklist.missing.map((d) => t('clm.submit.missingDoc', { doc: tCode(t, 'clm.doc', d) })),
    ...(c.bill ? [] : [t('clm.submit.noBill')]),
    ...(c.checklist.deadline_passed ? [t('clm.submit.late', { date: c.submit_deadline, contact: words(c.contact) })] : []),
  ];
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setFailure(null);
    try {
      await api.post<ClaimDetail>(`/api/claims/${c.id}/submit`, message.trim() ? { message: message.trim() } : {});
      onDone();
    } catch (err) {
      setFailure(err instanceof ApiError ? err : new ApiError(0, 'network', undefined));
      setBusy(false);
    }
  };
  return (
    <Card title={t('clm.submitTitle')} className="claim-submit">
      <form className="stack-tight" onSubmit={submit} noValidate>
        {blockers.length > 0 && (
          <div className="claim-blockers" id="submit-blockers" data-testid="submit-blockers">
            <p className="strong">{t('clm.submit.notYet')}</p>
            <ul>
              {blockers.map((b) => (
                <li key={b}>{b}</li>
              ))}
            </ul>
          </div>
        )}
        <Field label={t('clm.submit.message')} hint={t('clm.submit.messageHint')}>
          {(id, describedBy) => <textarea id={id} name="message" rows={2} maxLength={2000} value={message} onChange={(e) => setMessage(e.target.value)} aria-describedby={describedBy} />}
        </Field>
        {failure && (
          <div className="alert alert-error" role="alert" data-testid="submit-error">
            <p>{errorMessage(t, failure)}</p>
          </div>
        )}
        <button type="submit" className="btn btn-primary btn-block btn-large" disabled={busy || blockers.length > 0} aria-describedby={blockers.length > 0 ? 'submit-blockers' : undefined}>
          {t('clm.submit')}
        </button>
      </form>
    </Card>
  );
}

/** Answering a request for documents: upload them above, then send them back to the agency with a note. */
function AnswerCard({ c, onDone }: { c: ClaimDetail; onDone: () => void }) {
  const { t } = useI18n();
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const asked = requestedDocuments(c);
  const stillAsked = (asked?.documents ?? []).filter((d) => !c.documents.some((x) => x.doc_type === d && x.uploaded_at >= asked!.at));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setFailure(null);
    try {
      await api.post<ClaimDetail>(`/api/claims/${c.id}/answer`, message.trim() ? { message: message.trim() } : {});
      onDone();
    } catch (err) {
      setFailure(err instanceof ApiError ? err : new ApiError(0, 'network', undefined));
      setBusy(false);
    }
  };
  return (
    <Card title={t('clm.answerTitle')} className="claim-submit">
      <form className="stack-tight" onSubmit={submit} noValidate>
        {stillAsked.length > 0 && (
          <div className="claim-blockers" data-testid="answer-blockers">
            <p className="strong">{t('clm.answer.upload')}</p>
            <ul>
              {stillAsked.map((d) => (
                <li key={d}>{tCode(t, 'clm.doc', d)}</li>
              ))}
            </ul>
          </div>
        )}
        <Field label={t('clm.answer.message')}>
          {(id) => <textarea id={id} name="answer" rows={3} maxLength={2000} value={message} onChange={(e) => setMessage(e.target.value)} />}
        </Field>
        {failure && (
          <div className="alert alert-error" role="alert" data-testid="answer-error">
            <p>{errorMessage(t, failure)}</p>
          </div>
        )}
        <button type="submit" className="btn btn-primary btn-block btn-large" disabled={busy}>
          {t('clm.answer')}
        </button>
      </form>
    </Card>
  );
}
