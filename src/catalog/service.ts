import { audit } from '../auth/audit.ts';
import type { Principal } from '../auth/model.ts';
import { authorize, regionScope } from '../auth/permissions.ts';
import { DomainError, invalidMany, notFound, type FieldIssue } from '../core/errors.ts';
import { schemaIssues } from '../core/validate.ts';
import type { Queryable } from '../db/pool.ts';
import { bp, type Bp } from '../core/money.ts';
import { getRegion, provinceOf } from '../reference/service.ts';
import type { CatalogItem } from './model.ts';
import { CatalogFileSchema, CatalogItemSchema, itemIssues, itemKey, planImport, type Incoming } from './rules.ts';
import * as store from './store.ts';

const REJECTED = 'the catalogue file was rejected, nothing was imported';

/** Why `code` cannot name a treatment-place catalogue, or null when it can. */
async function provinceProblem(tx: Queryable, code: string): Promise<string | null> {
  try {
    const region = await getRegion(tx, code);
    if (region.level !== 1) return `${code} (${region.name_zh}) is not a province; use ${provinceOf(code)}`;
    if (!region.has_scheme) return `${code} (${region.name_zh}) is outside the mainland insurance scheme`;
    return null;
  } catch (err) {
    if (err instanceof DomainError && err.code === 'not_found') return `there is no province ${code}`;
    throw err;
  }
}

/**
 * Imports catalogue versions (`{ items: CatalogItem[] }`). New versions are
 * added; a version already stored (same province, code and begndate) may only
 * have its end date moved. Any problem anywhere rejects the whole file.
 */
export async function importCatalog(tx: Queryable, actor: Principal | undefined, file: unknown): Promise<{ imported: number; updated: number }> {
  authorize(actor, 'catalog.write', { region: actor ? (regionScope(actor) ?? undefined) : undefined });
  const shape = schemaIssues(CatalogFileSchema, file);
  if (shape.length > 0) throw invalidMany(shape, REJECTED);

  const issues: FieldIssue[] = [];
  const incoming: Incoming[] = [];
  const provinceUses = new Map<string, string[]>();
  (file as { items: unknown[] }).items.forEach((raw, i) => {
    const path = `items[${i}]`;
    const bad = schemaIssues(CatalogItemSchema, raw, path);
    if (bad.length > 0) {
      issues.push(...bad);
      return;
    }
    const item = raw as CatalogItem;
    issues.push(...itemIssues(item, path));
    incoming.push({ path, item });
    const uses = provinceUses.get(item.province);
    if (uses) uses.push(`${path}.province`);
    else provinceUses.set(item.province, [`${path}.province`]);
  });

  for (const province of provinceUses.keys()) authorize(actor, 'catalog.write', { region: province });
  for (const [province, paths] of provinceUses) {
    const problem = await provinceProblem(tx, province);
    if (problem !== null) for (const path of paths) issues.push({ path, message: problem });
  }

  const keys = [...new Map(incoming.map(({ item }) => [itemKey(item), item])).values()];
  const plan = planImport(incoming, await store.versionsOf(tx, keys));
  issues.push(...plan.issues);
  if (issues.length > 0) throw invalidMany(issues, REJECTED);

  await store.setEndDates(tx, plan.endChanges);
  await store.insertItems(tx, plan.inserts);
  if (plan.inserts.length + plan.endChanges.length > 0) {
    await audit(tx, actor, 'import', 'catalog_item', null, {
      inserted: plan.inserts.length,
      end_dates_changed: plan.endChanges.length,
      provinces: [...provinceUses.keys()],
    });
  }
  return { imported: plan.inserts.length, updated: plan.endChanges.length };
}

/** A province's catalogue (or every province's) in the import file's shape. */
export async function exportCatalog(
  tx: Queryable,
  actor: Principal | undefined,
  filter: { province?: string } = {},
): Promise<{ items: CatalogItem[] }> {
  // Searching the catalogue is public; downloading it whole is for signed-in users.
  if (!actor) throw new DomainError('unauthenticated', 'Sign in first.');
  return { items: await store.exportItems(tx, filter.province ?? null) };
}

export interface CatalogQuery {
  province: string;
  /** code prefix or part of the name */
  q?: string;
  list_type?: string;
  chrgitm_lv?: string;
  /** only the versions in force on this day (yyyy-MM-dd) */
  date?: string;
  page: number;
  page_size: number;
}

export async function searchCatalog(
  tx: Queryable,
  query: CatalogQuery,
): Promise<{ items: CatalogItem[]; total: number; page: number; page_size: number }> {
  const { page, page_size, ...filter } = query;
  const found = await store.search(tx, filter, page_size, (page - 1) * page_size);
  return { ...found, page, page_size };
}

/** Every version of one item in a province, oldest first. */
export async function getCatalogVersions(tx: Queryable, province: string, hilistCode: string): Promise<CatalogItem[]> {
  const versions = await store.versionsOf(tx, [{ province, hilist_code: hilistCode }]);
  if (versions.length === 0) throw notFound(`catalogue item ${hilistCode} in ${province}`);
  return versions;
}

/** The version of an item in force in the province on `date`, or null when it is not listed then (fully self-paid). */
export async function classifyOn(tx: Queryable, province: string, hilistCode: string, date: string): Promise<CatalogItem | null> {
  return store.inForce(tx, province, hilistCode, date);
}

/** Finds the catalogue version in force for a (code, day) pair among those looked up together. */
export interface CatalogLookup {
  /** The version in force, null when the item is not listed that day, undefined when the pair was not asked for. */
  get(hilistCode: string, date: string): CatalogItem | null | undefined;
}

const pairKey = (code: string, date: string) => `${code}\u0000${date}`;

/** `classifyOn` for many (code, day) pairs in one query. */
export async function classifyManyOn(tx: Queryable, province: string, pairs: readonly { hilist_code: string; date: string }[]): Promise<CatalogLookup> {
  const found = new Map<string, CatalogItem | null>();
  const asked: { hilist_code: string; date: string }[] = [];
  for (const p of pairs) {
    const key = pairKey(p.hilist_code, p.date);
    if (found.has(key)) continue;
    found.set(key, null);
    asked.push(p);
  }
  for (const { pair, item } of await store.inForceOn(tx, province, asked)) found.set(pairKey(asked[pair]!.hilist_code, asked[pair]!.date), item);
  return { get: (code, date) => found.get(pairKey(code, date)) };
}

/** Which of `codes` the province's catalogue lists in any version (for checking mappings). */
export async function listedHilistCodes(tx: Queryable, province: string, codes: readonly string[]): Promise<Set<string>> {
  return store.listedCodes(tx, province, codes);
}

/**
 * The class-B share an estimate assumes when the person knows only the class-B
 * total: the median share of the province's class-B items in force.
 */
export async function typicalClassBShare(tx: Queryable, province: string, date: string): Promise<Bp> {
  return bp((await store.medianClassBShare(tx, province, date)) ?? 0);
}
