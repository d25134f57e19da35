import { useEffect, useRef, useState, type ReactNode, type RefObject } from 'react';
import { ApiError } from '../api.ts';
import { confirmationOf, type ClearingMonth, type MonthStatus, type Side, type Statement } from '../clearing.ts';
import { beijingTime } from '../clearing.ts';
import { useRegionIndex } from '../data.ts';
import { formatYuan } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import { Badge, ErrorBox, errorMessage, Loading } from './ui.tsx';
import type { Loadable } from '../data.ts';

/** The width an element is drawn at, following it as the window or the phone turns; 0 until measured. */
export function useElementWidth<T extends HTMLElement>(): [RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setWidth(Math.floor(el.getBoundingClientRect().width));
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, width];
}

/** A province (or any region) by code, in the current language; the code until the names are in. */
export function useRegionName(): (code: string) => string {
  const { nameOf } = useI18n();
  const regions = useRegionIndex();
  return (code) => nameOf(regions.get(code), code);
}

export function MonthStatusBadge({ status }: { status: MonthStatus }) {
  const { t } = useI18n();
  const tone = status === 'cleared' ? 'good' : status === 'issued' ? 'info' : 'neutral';
  return (
    <span data-status={status}>
      <Badge tone={tone}>{t(`clg.status.${status}`)}</Badge>
    </span>
  );
}

/** One side's confirmation: given (by whom, when), deemed after the deadline, or still awaited. */
export function ConfirmationBadge({ st, side }: { st: Statement; side: Side }) {
  const { t } = useI18n();
  const c = confirmationOf(st, side);
  const label = t(side === 'insured' ? 'clg.side.insured' : 'clg.side.treatment');
  const state = c === null ? 'awaited' : c.deemed ? 'deemed' : 'confirmed';
  return (
    <span data-confirmation={side} data-state={state} title={c ? t('clg.confirmedAtBy', { at: beijingTime(c.at), by: c.by }) : undefined}>
      <Badge tone={c === null ? 'warn' : 'good'}>
        {label} · {t(`clg.conf.${state}`)}
      </Badge>
    </span>
  );
}

/** Money in fen as yuan, tagged with the field it shows so a test can hold it to the API's figure. */
export function Yuan({ fen, field, strong = false }: { fen: number; field?: string; strong?: boolean }) {
  return (
    <span className={`nowrap${strong ? ' strong' : ''}${fen < 0 ? ' text-bad' : ''}`} data-amount={field}>
      {formatYuan(fen)}
    </span>
  );
}

export function MonthFacts({ m }: { m: ClearingMonth }) {
  const { t } = useI18n();
  return (
    <>
      {m.since_month === null ? t('clg.firstClearing') : t('clg.since', { month: m.since_month })}
      {m.confirm_by && <> · {t('clg.confirmBy', { date: m.confirm_by })}</>}
    </>
  );
}

/**
 * A refusal from the server said in its own words: the clearing is between
 * provinces, so a city agency is told why, not just "forbidden".
 */
export function Refusal({ error, onRetry }: { error: ApiError; onRetry?: () => void }) {
  const { t } = useI18n();
  if (error.status !== 403) return <ErrorBox error={error} onRetry={onRetry} />;
  return (
    <div className="alert alert-warn" role="alert" data-testid="refusal">
      <p className="alert-title">{t('clg.refused')}</p>
      <p>{t('clg.refusedWhy')}</p>
      {error.detail && <p className="muted">{t('clg.serverSaid', { detail: error.detail })}</p>}
    </div>
  );
}

/** `Loaded` with the clearing's refusals spelled out. */
export function LoadedOr<T>({ value, children }: { value: Loadable<T>; children: (data: T) => ReactNode }) {
  if (value.state === 'loading') return <Loading />;
  if (value.state === 'error') return <Refusal error={value.error} onRetry={value.error.status === 0 || value.error.status >= 500 ? value.reload : undefined} />;
  return <>{children(value.data)}</>;
}

/** What a failed write says, for a form's alert. */
export function useErrorText(): (e: unknown) => string {
  const { t } = useI18n();
  return (e) => (e instanceof ApiError ? (e.status === 403 && e.detail ? e.detail : errorMessage(t, e)) : t('err.network'));
}
