import { PersonOverview } from '../components/PersonOverview.tsx';
import { PageHeader } from '../components/ui.tsx';
import { useI18n } from '../i18n.tsx';

export function MyInsurance({ psnNo }: { psnNo: string }) {
  const { t } = useI18n();
  return (
    <>
      <PageHeader title={t('me.title')} />
      <PersonOverview psnNo={psnNo} audience="self" />
    </>
  );
}
