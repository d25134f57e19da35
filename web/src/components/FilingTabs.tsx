import { useI18n, type MessageKey } from '../i18n.tsx';
import { Link } from '../router.tsx';

const TABS: { to: string; label: MessageKey }[] = [
  { to: '/filings', label: 'af.tab.review' },
  { to: '/filings/search', label: 'af.tab.search' },
  { to: '/filings/stats', label: 'af.tab.stats' },
];

/** The agency's three views of filings: the review queue, the search, the counts. */
export function FilingTabs({ path }: { path: string }) {
  const { t } = useI18n();
  return (
    <nav className="tabs" aria-label={t('af.title')}>
      {TABS.map((tab) => (
        <Link key={tab.to} to={tab.to} className={path === tab.to ? 'selected' : undefined} aria-current={path === tab.to ? 'page' : undefined}>
          {t(tab.label)}
        </Link>
      ))}
    </nav>
  );
}
