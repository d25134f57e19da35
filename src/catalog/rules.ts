import Type from 'typebox';
import type { FieldIssue } from '../core/errors.ts';
import type { CatalogItem } from './model.ts';

/**
 * A treatment-place catalogue is a set of versions per (province, item): each
 * version in force from `begndate` to `enddate` inclusive (open when null),
 * never two at once, so an item has exactly one classification on any day.
 */

export const CatalogItemSchema = Type.Object({
  province: Type.String({ pattern: '^\\d{2}0000$', description: 'province code PP0000' }),
  hilist_code: Type.String({ pattern: '^[0-9A-Za-z._\\-]{1,60}$', description: 'national catalogue code' }),
  hilist_name: Type.String({ minLength: 1, maxLength: 200 }),
  list_type: Type.String({ pattern: '^\\d{3}$', description: '101 western drug, 102 patent drug, 103 herbal pieces, 201 service item, 301 consumable' }),
  med_chrgitm_type: Type.String({ pattern: '^\\d{2}$', description: 'charge item type, 01 bed … 14 other' }),
  chrgitm_lv: Type.Enum(['01', '02', '03'], { description: '01 class A, 02 class B, 03 class C' }),
  selfpay_prop_bp: Type.Integer({ minimum: 0, maximum: 10000, description: 'class B first self-paid share (basis points); 0 for A and C' }),
  pric_uplmt_fen: Type.Unsafe<number | null>({
    type: ['integer', 'null'],
    minimum: 1,
    maximum: Number.MAX_SAFE_INTEGER,
    description: 'unit price cap (fen); null when uncapped',
  }),
  begndate: Type.String({ format: 'date', description: 'in force from (yyyy-MM-dd)' }),
  enddate: Type.Unsafe<string | null>({ type: ['string', 'null'], format: 'date', description: 'in force until, inclusive; null while open' }),
});

export const CatalogFileSchema = Type.Object({ items: Type.Array(Type.Unknown()) });

/** The checks on one well-formed item that its schema cannot express. */
export function itemIssues(item: CatalogItem, path: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (item.chrgitm_lv === '02' && item.selfpay_prop_bp < 1) {
    issues.push({ path: `${path}.selfpay_prop_bp`, message: 'a class B item needs its first self-paid share, 1..10000 basis points (usually 500 to 2000)' });
  }
  if (item.chrgitm_lv !== '02' && item.selfpay_prop_bp !== 0) {
    issues.push({ path: `${path}.selfpay_prop_bp`, message: 'must be 0 for class A and class C items' });
  }
  if (item.enddate !== null && item.enddate < item.begndate) issues.push({ path: `${path}.enddate`, message: 'is before begndate' });
  return issues;
}

export function itemKey(i: Pick<CatalogItem, 'province' | 'hilist_code'>): string {
  return `${i.province}|${i.hilist_code}`;
}

function span(i: Pick<CatalogItem, 'begndate' | 'enddate'>): string {
  return `${i.begndate} to ${i.enddate ?? 'open'}`;
}

function overlaps(a: Pick<CatalogItem, 'begndate' | 'enddate'>, b: Pick<CatalogItem, 'begndate' | 'enddate'>): boolean {
  return (a.enddate === null || a.enddate >= b.begndate) && (b.enddate === null || b.enddate >= a.begndate);
}

/** Whether an incoming version only restates a stored one, apart from its end date. */
export function sameExceptEnd(a: CatalogItem, b: CatalogItem): boolean {
  return (
    a.hilist_name === b.hilist_name &&
    a.list_type === b.list_type &&
    a.med_chrgitm_type === b.med_chrgitm_type &&
    a.chrgitm_lv === b.chrgitm_lv &&
    a.selfpay_prop_bp === b.selfpay_prop_bp &&
    a.pric_uplmt_fen === b.pric_uplmt_fen
  );
}

export interface Incoming {
  path: string;
  item: CatalogItem;
}

/**
 * What an import does against the stored versions: a file item with the key of
 * a stored version (same province, code and begndate) may only move that
 * version's end date (closing it before a new version starts); any other change
 * to a version that settlements may already have used must be a new version.
 * Validity must not overlap, within the file or with the stored versions that
 * stay; each overlap is reported at the later-listed file item.
 */
export function planImport(
  incoming: readonly Incoming[],
  stored: readonly CatalogItem[],
): { issues: FieldIssue[]; inserts: CatalogItem[]; endChanges: CatalogItem[] } {
  const issues: FieldIssue[] = [];
  const inserts: CatalogItem[] = [];
  const endChanges: CatalogItem[] = [];
  const storedByKey = new Map(stored.map((s) => [`${itemKey(s)}|${s.begndate}`, s]));
  const replaced = new Set<string>();
  const firstAt = new Map<string, string>();
  const accepted: Incoming[] = [];

  for (const { path, item } of incoming) {
    const versionKey = `${itemKey(item)}|${item.begndate}`;
    const prior = firstAt.get(versionKey);
    if (prior !== undefined) {
      issues.push({ path: `${path}.begndate`, message: `repeats the version of ${prior} (same province, hilist_code and begndate)` });
      continue;
    }
    firstAt.set(versionKey, path);
    const existing = storedByKey.get(versionKey);
    if (existing === undefined) {
      inserts.push(item);
      accepted.push({ path, item });
    } else if (!sameExceptEnd(existing, item)) {
      issues.push({
        path,
        message: `the version of ${item.hilist_code} from ${item.begndate} is stored with other content; only its enddate may change: start a new version instead`,
      });
    } else {
      replaced.add(versionKey);
      accepted.push({ path, item });
      if (existing.enddate !== item.enddate) endChanges.push(item);
    }
  }

  // Per item key: the stored versions that stay plus every incoming version, checked pairwise.
  const byKey = new Map<string, { path: string | null; item: CatalogItem }[]>();
  const add = (path: string | null, item: CatalogItem) => {
    const k = itemKey(item);
    let list = byKey.get(k);
    if (!list) byKey.set(k, (list = []));
    list.push({ path, item });
  };
  for (const s of stored) if (!replaced.has(`${itemKey(s)}|${s.begndate}`)) add(null, s);
  for (const { path, item } of accepted) add(path, item);

  const order = new Map(incoming.map((x, i) => [x.path, i]));
  for (const versions of byKey.values()) {
    if (versions.length < 2) continue;
    for (let i = 0; i < versions.length; i++) {
      const a = versions[i]!;
      if (a.path === null) continue;
      for (let j = 0; j < versions.length; j++) {
        const b = versions[j]!;
        if (i === j || !overlaps(a.item, b.item)) continue;
        // Report each overlapping pair once, at the file item listed later.
        if (b.path !== null && order.get(b.path)! > order.get(a.path)!) continue;
        const other = b.path === null ? `the stored version in force ${span(b.item)}` : `${b.path} (in force ${span(b.item)})`;
        issues.push({ path: `${a.path}.begndate`, message: `in force ${span(a.item)}, overlaps ${other}` });
      }
    }
  }
  return { issues, inserts, endChanges };
}
