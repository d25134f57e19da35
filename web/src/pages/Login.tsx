import { useState, type FormEvent } from 'react';
import { api, ApiError, type Me } from '../api.ts';
import { LangSwitch } from '../components/Shell.tsx';
import { errorMessage, Field } from '../components/ui.tsx';
import { useI18n, type MessageKey } from '../i18n.tsx';

type Mode = 'person' | 'staff';

const CERTNO = /^\d{17}[\dX]$/;

export function Login({ notice, onSignedIn }: { notice: MessageKey | null; onSignedIn: (me: Me) => void }) {
  const { t } = useI18n();
  const [mode, setMode] = useState<Mode>('person');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [showPassword, setShowPassword] = useState(false);
  const [fieldErrors, setFieldErrors] = useState<{ username?: string; password?: string }>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const switchMode = (next: Mode) => {
    setMode(next);
    setUsername('');
    setFieldErrors({});
    setFormError(null);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const name = mode === 'person' ? username.trim().toUpperCase() : username.trim();
    const errors: { username?: string; password?: string } = {};
    if (!name) errors.username = t(mode === 'person' ? 'login.required.certno' : 'login.required.username');
    else if (mode === 'person' && !CERTNO.test(name)) errors.username = t('login.certnoFormat');
    if (!password) errors.password = t('login.required.password');
    setFieldErrors(errors);
    setFormError(null);
    if (errors.username || errors.password) return;

    setBusy(true);
    try {
      const { user } = await api.signIn(name, password);
      onSignedIn(user);
    } catch (err) {
      const error = err instanceof ApiError ? err : new ApiError(0, 'network', undefined);
      if (error.status === 401) setFormError(t(mode === 'person' ? 'login.bad.person' : 'login.bad.staff'));
      else {
        const byField: { username?: string; password?: string } = {};
        for (const issue of error.issues) {
          const field = issue.path.replace(/^\/?(body\/)?/, '');
          if (field === 'username' || field === 'password') byField[field] = issue.message;
        }
        setFieldErrors(byField);
        setFormError(errorMessage(t, error));
      }
      setBusy(false);
    }
  };

  return (
    <div className="login-page">
      <div className="login-top">
        <LangSwitch />
      </div>
      <main className="login-main" id="main">
        <div className="login-brand">
          <img src="/favicon.svg" alt="" width={56} height={56} />
          <div>
            <p className="login-name">{t('app.name')}</p>
            <p className="login-tagline">{t('app.tagline')}</p>
          </div>
        </div>
        <section className="card login-card">
          <h1>{t('login.title')}</h1>
          <div className="segmented" role="tablist" aria-label={t('login.tabsLabel')}>
            {(['person', 'staff'] as const).map((m) => (
              <button key={m} type="button" role="tab" aria-selected={mode === m} className={mode === m ? 'selected' : undefined} onClick={() => switchMode(m)}>
                {t(`login.tab.${m}`)}
              </button>
            ))}
          </div>
          {notice && !formError && (
            <p className="alert alert-info" role="status">
              {t(notice)}
            </p>
          )}
          {formError && (
            <p className="alert alert-error" role="alert">
              {formError}
            </p>
          )}
          <form onSubmit={submit} noValidate>
            <Field label={t(mode === 'person' ? 'login.certno' : 'login.username')} hint={mode === 'person' ? t('login.certnoHint') : undefined} error={fieldErrors.username}>
              {(id, describedBy) => (
                <input
                  id={id}
                  name="username"
                  value={username}
                  onChange={(e) => setUsername(e.target.value)}
                  autoComplete="username"
                  autoCapitalize={mode === 'person' ? 'characters' : 'none'}
                  spellCheck={false}
                  inputMode={mode === 'person' ? 'text' : undefined}
                  maxLength={mode === 'person' ? 18 : 64}
                  aria-invalid={fieldErrors.username ? true : undefined}
                  aria-describedby={describedBy}
                />
              )}
            </Field>
            <Field label={t('login.password')} error={fieldErrors.password}>
              {(id, describedBy) => (
                <input
                  id={id}
                  name="password"
                  type={showPassword ? 'text' : 'password'}
                  value={password}
                  onChange={(e) => setPassword(e.target.value)}
                  autoComplete="current-password"
                  aria-invalid={fieldErrors.password ? true : undefined}
                  aria-describedby={describedBy}
                />
              )}
            </Field>
            <label className="checkbox">
              <input type="checkbox" checked={showPassword} onChange={(e) => setShowPassword(e.target.checked)} />
              {t('login.showPassword')}
            </label>
            <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
              {busy ? t('login.submitting') : t('login.submit')}
            </button>
          </form>
        </section>
      </main>
    </div>
  );
}
