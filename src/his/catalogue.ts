import Type from 'typebox';
import type { CatalogItem } from '../catalog/model.ts';
import { getCatalogVersions, searchCatalog } from '../catalog/service.ts';
import { DomainError, invalid } from '../core/errors.ts';
import { BP_WHOLE, toYuanNumber, type Bp } from '../core/money.ts';
import type { Queryable } from '../db/pool.ts';
import { provinceOf } from '../reference/service.ts';
import { day, NumberLike, page, wholeNumber } from './fields.ts';
import { transaction, type HisCall, type InstitutionPrincipal } from './model.ts';

/** Catalogue transactions: the treatment province's catalogue, as the institution's HIS downloads and queries it. */

const MAX_PAGE_SIZE = 1000;
const DEFAULT_PAGE_SIZE = 100;

// The catalogue records no usage restrictions (限制使用), so no item carries one.
const NO_RESTRICTION = '0';

/** Basis points as the decimal the HIS reads: 1000 → "0.10", 1250 → "0.125". */
export function bpDecimal(v: Bp): string {
  const whole = Math.trunc(v / BP_WHOLE);
  let fraction = String(v % BP_WHOLE).padStart(4, '0');
  while (fraction.length > 2 && fraction.endsWith('0')) fraction = fraction.slice(0, -1);
  return `${whole}.${fraction}`;
}

export function catalogueRow(item: CatalogItem) {
  return {
    hilist_code: item.hilist_code,
    hilist_name: item.hilist_name,
    insu_admdvs: item.province,
    begndate: item.begndate,
    enddate: item.enddate,
    med_chrgitm_type: item.med_chrgitm_type,
    chrgitm_lv: item.chrgitm_lv,
    lmt_used_flag: NO_RESTRICTION,
    list_type: item.list_type,
    selfpay_prop: bpDecimal(item.selfpay_prop_bp),
    pric_uplmt_amt: item.pric_uplmt_fen === null ? null : toYuanNumber(item.pric_uplmt_fen),
    vali_flag: '1',
  };
}

const Paging = {
  page_num: Type.Optional(NumberLike('page, from 1')),
  page_size: Type.Optional(NumberLike(`rows per page, at most ${MAX_PAGE_SIZE}`)),
  query_date: Type.Optional(Type.String({ description: 'only the versions in force on this day (yyyy-MM-dd)' })),
};

function paging(q: { page_num?: number | string; page_size?: number | string; query_date?: string }, call: HisCall) {
  return {
    pageNum: wholeNumber(q.page_num, `${call.inputPath}.page_num`, { min: 1, max: 1_000_000, fallback: 1 }),
    pageSize: wholeNumber(q.page_size, `${call.inputPath}.page_size`, { min: 1, max: MAX_PAGE_SIZE, fallback: DEFAULT_PAGE_SIZE }),
    date: q.query_date === undefined ? undefined : day(q.query_date, `${call.inputPath}.query_date`),
  };
}

/** The institution's province: the catalogue it settles by. */
function provinceFor(principal: InstitutionPrincipal): string {
  return provinceOf(principal.admdvs);
}

/**
 * One page over several list types shown one after another (1301: western
 * drugs, then patent drugs), each in catalogue order.
 */
async function pageAcross(tx: Queryable, province: string, listTypes: readonly string[], p: ReturnType<typeof paging>) {
  const filter = { province, ...(p.date === undefined ? {} : { date: p.date }) };
  const totals: number[] = [];
  for (const list_type of listTypes) totals.push((await searchCatalog(tx, { ...filter, list_type, page: 1, page_size: 1 })).total);
  const from = (p.pageNum - 1) * p.pageSize;
  const to = from + p.pageSize;
  const rows: CatalogItem[] = [];
  let start = 0;
  for (const [i, list_type] of listTypes.entries()) {
    const lo = Math.max(from, start) - start;
    const hi = Math.min(to, start + totals[i]!) - start;
    start += totals[i]!;
    if (lo >= hi) continue;
    // [lo, hi) is at most one page long, so it lies within two consecutive pages of pageSize.
    const first = Math.floor(lo / p.pageSize) + 1;
    const last = Math.floor((hi - 1) / p.pageSize) + 1;
    const got: CatalogItem[] = [];
    for (let n = first; n <= last; n++) got.push(...(await searchCatalog(tx, { ...filter, list_type, page: n, page_size: p.pageSize })).items);
    const skip = (first - 1) * p.pageSize;
    rows.push(...got.slice(lo - skip, hi - skip));
  }
  return page(rows.map(catalogueRow), start, p.pageNum, p.pageSize);
}

const catalogueQuery = transaction({
  infno: '1312',
  write: false,
  summary: "Paged query of the institution's province catalogue (one item's versions with hilist_code)",
  unwrap: 'data',
  input: Type.Object({
    hilist_code: Type.Optional(Type.String({ maxLength: 60 })),
    insu_admdvs: Type.Optional(Type.String({ description: 'a division of the institution\'s province; the province\'s catalogue answers' })),
    ...Paging,
  }),
  async handler(tx, principal, q, call) {
    const province = provinceFor(principal);
    if (q.insu_admdvs !== undefined && (!/^\d{6}$/.test(q.insu_admdvs) || provinceOf(q.insu_admdvs) !== province)) {
      throw invalid(`${call.inputPath}.insu_admdvs`, `must be a division of your province ${province}: an institution queries the catalogue it settles by`);
    }
    const p = paging(q, call);
    if (q.hilist_code === undefined) {
      const found = await searchCatalog(tx, { province, ...(p.date === undefined ? {} : { date: p.date }), page: p.pageNum, page_size: p.pageSize });
      return page(found.items.map(catalogueRow), found.total, p.pageNum, p.pageSize);
    }
    const versions = await getCatalogVersions(tx, province, q.hilist_code.trim()).catch((err: unknown) => {
      if (err instanceof DomainError && err.code === 'not_found') return [];
      throw err;
    });
    const inForce = p.date === undefined ? versions : versions.filter((v) => v.begndate <= p.date! && (v.enddate === null || v.enddate >= p.date!));
    const from = (p.pageNum - 1) * p.pageSize;
    return page(inForce.slice(from, from + p.pageSize).map(catalogueRow), inForce.length, p.pageNum, p.pageSize);
  },
});

const Download = Type.Object({ ver: Type.Optional(Type.String({ description: 'accepted and ignored: every page is of the current catalogue' })), ...Paging });

const drugDownload = transaction({
  infno: '1301',
  write: false,
  summary: "Western and patent drugs of the institution's province catalogue, paged JSON",
  unwrap: 'data',
  input: Download,
  handler: (tx, principal, q, call) => pageAcross(tx, provinceFor(principal), ['101', '102'], paging(q, call)),
});

const serviceItemDownload = transaction({
  infno: '1305',
  write: false,
  summary: "Medical service items of the institution's province catalogue, paged JSON",
  unwrap: 'data',
  input: Download,
  handler: (tx, principal, q, call) => pageAcross(tx, provinceFor(principal), ['201'], paging(q, call)),
});

export const catalogue = [catalogueQuery, drugDownload, serviceItemDownload];
