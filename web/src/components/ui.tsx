import { useEffect, useId, useState, type ReactNode } from 'react';
import { ApiError } from '../api.ts';
import type { Loadable } from '../data.ts';
import { hasKey, useI18n, type Translate } from '../i18n.tsx';

/** A dictionary entry for a value from the data (`kind.hospital`), or the value itself when it is a code we have no words for. */
export function tCode(t: Translate, prefix: string, value: string | number): string {
  const key = `${prefix}.${value}`;
  return hasKey(key) ? t(key) : String(value);
}

export function useMediaQuery(query: string): boolean {
  const [matches, setMatches] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const mql = window.matchMedia(query);
    const onChange = () => setMatches(mql.matches);
    onChange();
    mql.addEventListener('change', onChange);
    return () => mql.removeEventListener('change', onChange);
  }, [query]);
  return matches;
}

/** Wide screens get tables; phones get one card per row. */
export function useWide(): boolean {
  return useMediaQuery('(min-width: 900px)');
}

export function PageHeader({ title, intro, children }: { title: string; intro?: string; children?: ReactNode }) {
  return (
    <header className="page-header">
      {children}
      <h1>{title}</h1>
      {intro && <p className="intro">{intro}</p>}
    </header>
  );
}

export function Card({ title, children, className }: { title?: ReactNode; children: ReactNode; className?: string }) {
  return (
    <section className={`card${className ? ` ${className}` : ''}`}>
      {title && <h2 className="card-title">{title}</h2>}
      {children}
    </section>
  );
}

/** A message whose placeholders (dates, amounts) must not break across lines: a phone would split a date at its hyphen. */
export function Unbroken({ text, values }: { text: string; values: Record<string, string> }) {
  const parts = text.split(/\{(\w+)\}/);
  return (
    <>
      {parts.map((part, i) =>
        i % 2 === 1 ? (
          <span key={i} className="nowrap">
            {values[part] ?? part}
          </span>
        ) : (
          part
        ),
      )}
    </>
  );
}

export function Badge({ tone = 'neutral', children }: { tone?: 'neutral' | 'good' | 'warn' | 'bad' | 'info' | 'a' | 'b' | 'c'; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

/** Label and value pairs side by side; `stacked` puts long values under their label on phones. */
/** The key of a bar chart: each colour (a `swatch` class) and what it stands for. */
export function Legend({ items }: { items: { key: string; swatch: string; label: ReactNode }[] }) {
  return (
    <ul className="plain-list legend">
      {items.map((i) => (
        <li key={i.key}>
          <span className={`swatch ${i.swatch}`} aria-hidden="true" />
          {i.label}
        </li>
      ))}
    </ul>
  );
}

export function Facts({ items, stacked = false }: { items: [label: string, value: ReactNode][]; stacked?: boolean }) {
  return (
    <dl className={stacked ? 'facts stacked' : 'facts'}>
      {items.map(([label, value]) => (
        <div className="fact" key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function errorMessage(t: Translate, error: ApiError): string {
  if (error.status === 0) return t('err.network');
  if (error.status === 403) return t('err.forbidden');
  if (error.status === 404) return t('err.notFound');
  if (error.status >= 500) return t('err.server');
  return error.detail ?? error.title;
}

export function ErrorBox({ error, onRetry }: { error: ApiError; onRetry?: (() => void) | undefined }) {
  const { t } = useI18n();
  return (
    <div className="alert alert-error" role="alert">
      <p className="alert-title">{t('err.title')}</p>
      <p>{errorMessage(t, error)}</p>
      {error.issues.length > 0 && (
        <ul>
          {error.issues.map((i) => (
            <li key={`${i.path}:${i.message}`}>
              <code>{i.path}</code> {i.message}
            </li>
          ))}
        </ul>
      )}
      {onRetry && (
        <button type="button" className="btn btn-secondary" onClick={onRetry}>
          {t('err.retry')}
        </button>
      )}
    </div>
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {t('common.loading')}
    </p>
  );
}

/** Renders the loading and error states of a fetch, and `children` with the data once it is there. */
export function Loaded<T>({ value, children }: { value: Loadable<T>; children: (data: T) => ReactNode }) {
  if (value.state === 'loading') return <Loading />;
  if (value.state === 'error') {
    // Only a network failure or a server error may go away by trying again.
    const transient = value.error.status === 0 || value.error.status >= 500;
    return <ErrorBox error={value.error} onRetry={transient ? value.reload : undefined} />;
  }
  return <>{children(value.data)}</>;
}

export function Field({ label, hint, error, children }: { label: string; hint?: string; error?: string | undefined; children: (id: string, describedBy: string | undefined) => ReactNode }) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errId = `${id}-err`;
  const describedBy = [hint ? hintId : null, error ? errId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children(id, describedBy)}
      {hint && (
        <p className="field-hint" id={hintId}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field-error" id={errId}>
          {error}
        </p>
      )}
    </div>
  );
}

export interface Option {
  value: string;
  label: string;
}

export function SelectField({ label, value, options, onChange, allLabel, name }: { label: string; value: string; options: Option[]; onChange: (v: string) => void; allLabel?: string; name: string }) {
  return (
    <Field label={label}>
      {(id) => (
        <select id={id} name={name} value={value} onChange={(e) => onChange(e.target.value)}>
          {allLabel !== undefined && <option value="">{allLabel}</option>}
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

export function Pager({ page, pageSize, total, onPage }: { page: number; pageSize: number; total: number; onPage: (p: number) => void }) {
  const { t } = useI18n();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages === 1 && page === 1) return <p className="pager-status pager-single">{t('common.total', { total })}</p>;
  return (
    <nav className="pager" aria-label={t('common.pageOf', { page, pages })}>
      <button type="button" className="btn btn-secondary" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        ‹ {t('common.prev')}
      </button>
      <span className="pager-status">
        {t('common.pageOf', { page, pages })}
        <br />
        <small>{t('common.total', { total })}</small>
      </span>
      <button type="button" className="btn btn-secondary" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        {t('common.next')} ›
      </button>
    </nav>
  );
}

export function Empty() {
  const { t } = useI18n();
  return <p className="empty">{t('common.empty')}</p>;
}
