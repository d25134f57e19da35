import type { ReactNode } from 'react';
import type { Me } from '../api.ts';
import { useRegionIndex } from '../data.ts';
import { useI18n } from '../i18n.tsx';
import { inSection, navFor } from '../nav.ts';
import { Link } from '../router.tsx';
import { Icon } from './icons.tsx';

export function LangSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <button type="button" className="btn btn-ghost lang-switch" lang={lang === 'en' ? 'zh-CN' : 'en'} aria-label={t('lang.switchLabel')} onClick={() => setLang(lang === 'en' ? 'zh-CN' : 'en')}>
      <Icon name="globe" size={20} />
      <span>{t('lang.other')}</span>
    </button>
  );
}

export function Shell({ me, path, onSignOut, children }: { me: Me; path: string; onSignOut: () => void; children: ReactNode }) {
  const { t, nameOf } = useI18n();
  const regions = useRegionIndex();
  const items = navFor(me.role);
  const region = me.role === 'person' || !me.region ? null : nameOf(regions.get(me.region), me.region_name ?? me.region);
  const who = [t(`role.${me.role}`), region].filter(Boolean).join(' · ');
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <header className="topbar">
        <Link to={items[0]!.to} className="brand">
          <img src="/favicon.svg" alt="" width={32} height={32} />
          <span>{t('app.name')}</span>
        </Link>
        <div className="user" data-testid="user">
          <span className="user-name">{me.display_name}</span>
          <span className="user-role">{who}</span>
        </div>
        <div className="topbar-actions">
          <LangSwitch />
          <button type="button" className="btn btn-ghost" onClick={onSignOut}>
            <Icon name="exit" size={20} />
            <span>{t('nav.signOut')}</span>
          </button>
        </div>
      </header>
      <nav className={items.length > 5 ? 'sidenav sidenav-many sidenav-six' : items.length > 4 ? 'sidenav sidenav-many' : 'sidenav'} aria-label={t('nav.label')}>
        <ul>
          {items.map((item) => {
            const active = inSection(path, item.to);
            return (
              <li key={item.to}>
                <Link to={item.to} className={active ? 'active' : undefined} aria-current={active ? 'page' : undefined}>
                  <Icon name={item.icon} />
                  <span>{t(item.label)}</span>
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      <main id="main" className="content" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
