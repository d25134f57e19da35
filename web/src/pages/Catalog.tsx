import { withQuery, type CatalogItem, type Me, type Page } from '../api.ts';
import { RegionFilter } from '../components/RegionFilter.tsx';
import { SearchBox } from '../components/SearchBox.tsx';
import { Badge, Empty, Loaded, PageHeader, Pager, SelectField, tCode, useWide } from '../components/ui.tsx';
import { useFetch } from '../data.ts';
import { formatPercent, formatYuan, provinceOf } from '../format.ts';
import { useI18n, type Translate } from '../i18n.tsx';
import { setQuery } from '../router.tsx';

const PAGE_SIZE = 20;
const CLASSES = ['01', '02', '03'] as const;
const LIST_TYPES = ['101', '102', '103', '201', '301'] as const;
const CLASS_TONE = { '01': 'a', '02': 'b', '03': 'c' } as const;

export function Catalog({ me, query }: { me: Me; query: URLSearchParams }) {
  const { t } = useI18n();
  const f = {
    province: query.get('province') ?? (me.region ? provinceOf(me.region) : ''),
    q: query.get('q') ?? '',
    cls: query.get('class') ?? '',
    listType: query.get('list_type') ?? '',
    page: Math.max(1, Number(query.get('page')) || 1),
  };
  const path = f.province
    ? withQuery('/api/catalog', { province: f.province, q: f.q, chrgitm_lv: f.cls, list_type: f.listType, page: f.page, page_size: PAGE_SIZE })
    : null;
  const value = useFetch<Page<CatalogItem>>(path);
  const change = (changes: Record<string, string>) => setQuery({ ...changes, page: null }, { replace: true });

  return (
    <>
      <PageHeader title={t('cat.title')} intro={t('cat.intro')} />
      <section className="filters card" aria-label={t('filter.title')}>
        <SearchBox label={t('filter.catalogQ')} placeholder={t('filter.catalogQPlaceholder')} value={f.q} onSearch={(q) => change({ q })} />
        <div className="filter-grid">
          <RegionFilter province={f.province} area="" withArea={false} allowAll={false} onChange={(province) => change({ province })} />
          <SelectField name="class" label={t('filter.class')} value={f.cls} allLabel={t('common.all')} options={CLASSES.map((c) => ({ value: c, label: t(`class.${c}`) }))} onChange={(cls) => change({ class: cls })} />
          <SelectField name="list_type" label={t('filter.listType')} value={f.listType} allLabel={t('common.all')} options={LIST_TYPES.map((l) => ({ value: l, label: t(`listType.${l}`) }))} onChange={(list_type) => change({ list_type })} />
        </div>
      </section>
      {path === null ? (
        <p className="empty">{t('cat.chooseProvince')}</p>
      ) : (
        <Loaded value={value}>
          {(data) => (
            <section aria-live="polite">
              {data.items.length === 0 ? <Empty /> : <CatalogList items={data.items} />}
              {data.total > 0 && <Pager page={f.page} pageSize={PAGE_SIZE} total={data.total} onPage={(page) => setQuery({ page })} />}
            </section>
          )}
        </Loaded>
      )}
    </>
  );
}

function validity(t: Translate, item: CatalogItem): string {
  return item.enddate ? t('common.dateRange', { from: item.begndate, to: item.enddate }) : t('common.fromDate', { from: item.begndate });
}

function ClassBadge({ item }: { item: CatalogItem }) {
  const { t } = useI18n();
  return (
    <Badge tone={CLASS_TONE[item.chrgitm_lv] ?? 'neutral'}>
      <span aria-hidden="true" className="class-letter">
        {tCode(t, 'classShort', item.chrgitm_lv)}
      </span>
      {tCode(t, 'class', item.chrgitm_lv)}
    </Badge>
  );
}

function selfpay(item: CatalogItem): string {
  return item.chrgitm_lv === '02' ? formatPercent(item.selfpay_prop_bp) : '—';
}

function CatalogList({ items }: { items: CatalogItem[] }) {
  const { t } = useI18n();
  const wide = useWide();
  const cap = (item: CatalogItem) => (item.pric_uplmt_fen === null ? t('cat.noCap') : formatYuan(item.pric_uplmt_fen));

  if (wide) {
    return (
      <div className="table-wrap">
        <table className="table" data-testid="catalog">
          <thead>
            <tr>
              <th scope="col">{t('cat.name')}</th>
              <th scope="col">{t('cat.listType')}</th>
              <th scope="col">{t('cat.class')}</th>
              <th scope="col" className="num">
                {t('cat.selfpay')}
              </th>
              <th scope="col" className="num">
                {t('cat.cap')}
              </th>
              <th scope="col">{t('cat.validity')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={`${item.hilist_code}:${item.begndate}`}>
                <td>
                  <span className="strong">{item.hilist_name}</span>
                  <br />
                  <small className="muted code">{item.hilist_code}</small>
                </td>
                <td>{tCode(t, 'listType', item.list_type)}</td>
                <td>
                  <ClassBadge item={item} />
                </td>
                <td className="num">{selfpay(item)}</td>
                <td className="num">{cap(item)}</td>
                <td className="nowrap">{validity(t, item)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  }
  return (
    <ul className="plain-list cards" data-testid="catalog">
      {items.map((item) => (
        <li key={`${item.hilist_code}:${item.begndate}`} className="card item-card">
          <p className="item-title">{item.hilist_name}</p>
          <p className="badges">
            <ClassBadge item={item} />
            {item.chrgitm_lv === '02' && <Badge tone="b">{t('common.labelled', { label: t('cat.selfpay'), value: selfpay(item) })}</Badge>}
            <Badge>{tCode(t, 'listType', item.list_type)}</Badge>
          </p>
          <p>
            {t('common.labelled', { label: t('cat.cap'), value: cap(item) })}
            <br />
            <span className="muted">{t('common.labelled', { label: t('cat.validity'), value: validity(t, item) })}</span>
          </p>
          <p className="muted code">{item.hilist_code}</p>
        </li>
      ))}
    </ul>
  );
}
