import { DomainError, invalid, notFound } from '../core/errors.ts';
import type { Queryable } from '../db/pool.ts';
import { codeTableNames, codeTables, isCodeTableName } from './codes.ts';
import { chronicDiseases } from './diseases.ts';
import type { ChronicDisease, CodeEntry, Region, RegionFilter } from './model.ts';
import { regions } from './regions.ts';
import { isDivisionCode, notPoolingReason, provinceOf } from './rules.ts';
import * as store from './store.ts';

/**
 * Reference data is public and read-only through the API: these use cases take
 * no principal. Other modules use this file (not the store) to check codes.
 */

export { provinceOf, isCrossProvincial } from './rules.ts';
export { codeTables, codeTableNames, codeName, isKnownCode, isCodeTableName, filingClass, type CodeTableName } from './codes.ts';
export { chronicDiseases, diagnoses } from './diseases.ts';
export { regions } from './regions.ts';

/**
 * Loads the divisions and chronic diseases shipped with this release where they
 * are absent; rows already present (possibly edited by an operator) are kept.
 * Safe to run at every start-up.
 */
export async function seedReference(tx: Queryable): Promise<void> {
  await store.insertRegions(tx, regions);
  await store.insertChronicDiseases(tx, chronicDiseases);
}

function requireCode(code: string, field: string): void {
  if (!isDivisionCode(code)) throw invalid(field, `must be a 6-digit division code, got "${code}"`);
}

export async function listRegions(tx: Queryable, filter: RegionFilter = {}): Promise<Region[]> {
  if (filter.parent !== undefined) requireCode(filter.parent, 'parent');
  return store.selectRegions(tx, filter);
}

export async function getRegion(tx: Queryable, code: string): Promise<Region> {
  requireCode(code, 'code');
  const found = (await store.selectRegionsByCode(tx, [code])).get(code);
  if (!found) throw notFound(`division ${code}`);
  return found;
}

/** The Chinese name of a division, or null for a code that is not one. */
export async function regionName(tx: Queryable, code: string): Promise<string | null> {
  if (!isDivisionCode(code)) return null;
  return (await store.selectRegionsByCode(tx, [code])).get(code)?.name_zh ?? null;
}

export async function listPoolingAreas(tx: Queryable): Promise<Region[]> {
  return store.selectRegions(tx, { pooling: true });
}

/**
 * The pooling area `code`, or a validation error on `field` that says why the
 * code is not one and what to use instead.
 */
export async function requirePoolingArea(tx: Queryable, code: string, field: string): Promise<Region> {
  const found = isDivisionCode(code) ? await store.selectRegionsByCode(tx, [code, provinceOf(code)]) : new Map<string, Region>();
  const region = found.get(code);
  const reason = notPoolingReason(code, region, found.get(provinceOf(code)));
  if (reason !== null || !region) throw invalid(field, reason ?? 'is not a pooling area');
  return region;
}

export async function listChronicDiseases(tx: Queryable): Promise<ChronicDisease[]> {
  return store.selectChronicDiseases(tx);
}

/** A code table by name; a name that is not one gets a 404 listing the tables. */
export function getCodeTable(table: string): readonly CodeEntry[] {
  if (!isCodeTableName(table)) {
    throw new DomainError('not_found', `There is no code table "${table}". The tables are: ${codeTableNames.join(', ')}.`);
  }
  return codeTables[table];
}
