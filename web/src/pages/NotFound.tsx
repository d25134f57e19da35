import { useI18n } from '../i18n.tsx';
import { Link } from '../router.tsx';

export function NotFound({ home }: { home: string }) {
  const { t } = useI18n();
  return (
    <div className="not-found">
      <p className="not-found-code" aria-hidden="true">
        404
      </p>
      <h1>{t('nf.title')}</h1>
      <p>{t('nf.body')}</p>
      <Link to={home} className="btn btn-primary">
        {t('nf.home')}
      </Link>
    </div>
  );
}
