import { withQuery, type SettlementPage } from '../api.ts';
import { SettlementList } from '../components/SettlementParts.tsx';
import { Loaded, PageHeader, Pager } from '../components/ui.tsx';
import { useFetch } from '../data.ts';
import { useI18n } from '../i18n.tsx';
import { setQuery } from '../router.tsx';

const PAGE_SIZE = 20;

/** The person's settlement slips, newest first; each opens as a slip. */
export function MySettlements({ psnNo, query }: { psnNo: string; query: URLSearchParams }) {
  const { t } = useI18n();
  const page = Math.max(1, Number(query.get('page')) || 1);
  const value = useFetch<SettlementPage>(withQuery(`/api/persons/${encodeURIComponent(psnNo)}/settlements`, { page, page_size: PAGE_SIZE }));
  return (
    <>
      <PageHeader title={t('setl.title')} intro={t('setl.intro')} />
      <Loaded value={value}>
        {(data) => (
          <section aria-live="polite">
            {data.items.length === 0 ? <p className="empty">{t('setl.none')}</p> : <SettlementList items={data.items} showPerson={false} />}
            {data.total > 0 && <Pager page={page} pageSize={PAGE_SIZE} total={data.total} onPage={(p) => setQuery({ page: p })} />}
          </section>
        )}
      </Loaded>
    </>
  );
}
