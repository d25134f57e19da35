import { audit } from '../auth/audit.ts';
import type { Principal } from '../auth/model.ts';
import { authorize, regionScope } from '../auth/permissions.ts';
import { DomainError, invalidMany, notFound, type FieldIssue } from '../core/errors.ts';
import { schemaIssues } from '../core/validate.ts';
import type { Queryable } from '../db/pool.ts';
import { listedHilistCodes } from '../catalog/service.ts';
import { listChronicDiseases, provinceOf, requirePoolingArea } from '../reference/service.ts';
import type { CrossRegionalService, Institution, InstitutionItemMapping, InstitutionKind } from './model.ts';
import {
  areaFilter,
  InstitutionSchema,
  InstitutionsFileSchema,
  institutionIssues,
  MappingSchema,
  MappingsFileSchema,
  normaliseInstitution,
  repeatedKeyIssues,
  type InstitutionIn,
} from './rules.ts';
import * as store from './store.ts';

function requireWriter(actor: Principal | undefined): asserts actor is Principal {
  authorize(actor, 'institution.write', { region: actor ? (regionScope(actor) ?? undefined) : undefined });
}

function use(map: Map<string, string[]>, key: string, path: string): void {
  const list = map.get(key);
  if (list) list.push(path);
  else map.set(key, [path]);
}

export interface ImportOptions {
  /** The caller knows none of the codes is stored (the demo generator): skips looking up stored areas. */
  trusted?: boolean;
}

/**
 * Imports institutions (`{ institutions: Institution[] }`): new codes are
 * added, stored codes replaced (an agency re-imports to open or close services).
 * Any problem anywhere rejects the whole file.
 */
export async function importInstitutions(
  tx: Queryable,
  actor: Principal | undefined,
  file: unknown,
  opts: ImportOptions = {},
): Promise<{ imported: number }> {
  requireWriter(actor);
  const rejected = 'the institutions file was rejected, nothing was imported';
  const shape = schemaIssues(InstitutionsFileSchema, file);
  if (shape.length > 0) throw invalidMany(shape, rejected);

  const issues: FieldIssue[] = [];
  const good: { path: string; row: Institution }[] = [];
  (file as { institutions: unknown[] }).institutions.forEach((raw, i) => {
    const path = `institutions[${i}]`;
    const bad = schemaIssues(InstitutionSchema, raw, path);
    if (bad.length > 0) {
      issues.push(...bad);
      return;
    }
    const row = normaliseInstitution(raw as InstitutionIn);
    issues.push(...institutionIssues(row, path));
    good.push({ path, row });
  });
  issues.push(...repeatedKeyIssues(good, (r) => r.code, 'code'));

  // Replacing a stored institution needs the right over its current area too (it may be moving).
  const stored = opts.trusted ? new Map<string, string>() : await store.areasOf(tx, good.map((g) => g.row.code));
  const areaUses = new Map<string, string[]>();
  const diseaseUses = new Map<string, string[]>();
  for (const { path, row } of good) {
    use(areaUses, row.admdvs, `${path}.admdvs`);
    row.chronic_diseases.forEach((d, j) => use(diseaseUses, d, `${path}.chronic_diseases[${j}]`));
  }
  for (const area of new Set([...areaUses.keys(), ...stored.values()])) authorize(actor, 'institution.write', { region: area });

  for (const [area, paths] of areaUses) {
    try {
      await requirePoolingArea(tx, area, paths[0]!);
    } catch (err) {
      if (!(err instanceof DomainError) || err.code !== 'validation') throw err;
      for (const path of paths) issues.push({ path, message: err.issues[0]?.message ?? err.message });
    }
  }
  const diseases = new Set((await listChronicDiseases(tx)).map((d) => d.code));
  for (const [code, paths] of diseaseUses) {
    if (!diseases.has(code)) for (const path of paths) issues.push({ path, message: `${code} is not a known chronic or special disease code` });
  }
  if (issues.length > 0) throw invalidMany(issues, rejected);
  if (good.length === 0) return { imported: 0 };

  await store.upsertInstitutions(
    tx,
    good.map((g) => g.row),
  );
  await audit(tx, actor, 'import', 'institution', null, {
    count: good.length,
    replaced: good.filter((g) => stored.has(g.row.code)).length,
    areas: [...areaUses.keys()],
  });
  return { imported: good.length };
}

/**
 * Imports institutions' local item codes and the national catalogue codes they
 * map to (`{ mappings: InstitutionItemMapping[] }`); a mapping already stored
 * for the same local code is replaced.
 */
export async function importItemMappings(tx: Queryable, actor: Principal | undefined, file: unknown): Promise<{ imported: number }> {
  requireWriter(actor);
  const rejected = 'the mappings file was rejected, nothing was imported';
  const shape = schemaIssues(MappingsFileSchema, file);
  if (shape.length > 0) throw invalidMany(shape, rejected);

  const issues: FieldIssue[] = [];
  const good: { path: string; row: InstitutionItemMapping }[] = [];
  (file as { mappings: unknown[] }).mappings.forEach((raw, i) => {
    const path = `mappings[${i}]`;
    const bad = schemaIssues(MappingSchema, raw, path);
    if (bad.length > 0) issues.push(...bad);
    else {
      const m = raw as InstitutionItemMapping;
      good.push({ path, row: { institution_code: m.institution_code, medins_list_codg: m.medins_list_codg, hilist_code: m.hilist_code } });
    }
  });
  issues.push(...repeatedKeyIssues(good, (r) => `${r.institution_code}|${r.medins_list_codg}`, 'medins_list_codg'));

  const areas = await store.areasOf(tx, [...new Set(good.map((g) => g.row.institution_code))]);
  for (const area of new Set(areas.values())) authorize(actor, 'institution.write', { region: area });

  // Codes to check per province: the catalogue that applies is the institution's province's.
  const codeUses = new Map<string, Map<string, string[]>>();
  for (const { path, row } of good) {
    const area = areas.get(row.institution_code);
    if (area === undefined) {
      issues.push({ path: `${path}.institution_code`, message: `there is no institution ${row.institution_code}` });
      continue;
    }
    const province = provinceOf(area);
    let uses = codeUses.get(province);
    if (!uses) codeUses.set(province, (uses = new Map()));
    use(uses, row.hilist_code, `${path}.hilist_code`);
  }
  for (const [province, uses] of codeUses) {
    const listed = await listedHilistCodes(tx, province, [...uses.keys()]);
    for (const [code, paths] of uses) {
      if (!listed.has(code)) for (const path of paths) issues.push({ path, message: `${code} is not in the catalogue of ${province}` });
    }
  }
  if (issues.length > 0) throw invalidMany(issues, rejected);
  if (good.length === 0) return { imported: 0 };

  await store.upsertMappings(
    tx,
    good.map((g) => g.row),
  );
  await audit(tx, actor, 'import', 'institution_item_map', null, { count: good.length, institutions: areas.size });
  return { imported: good.length };
}

/** The institutions of an area (a pooling area or a whole province `PP0000`), or all, in the import file's shape. */
export async function exportInstitutions(
  tx: Queryable,
  actor: Principal | undefined,
  filter: { admdvs?: string } = {},
): Promise<{ institutions: Institution[] }> {
  // Searching is public; downloading the register whole is for signed-in users.
  if (!actor) throw new DomainError('unauthenticated', 'Sign in first.');
  const { prefix, exact } = areaFilter(filter.admdvs);
  return { institutions: await store.exportInstitutions(tx, prefix, exact) };
}

export async function exportItemMappings(
  tx: Queryable,
  actor: Principal | undefined,
  filter: { admdvs?: string } = {},
): Promise<{ mappings: InstitutionItemMapping[] }> {
  if (!actor) throw new DomainError('unauthenticated', 'Sign in first.');
  const { prefix, exact } = areaFilter(filter.admdvs);
  return { mappings: await store.exportMappings(tx, prefix, exact) };
}

export interface InstitutionQuery {
  /** a pooling area, or a province `PP0000` for the whole province */
  admdvs?: string;
  kind?: InstitutionKind;
  level?: 1 | 2 | 3;
  service?: CrossRegionalService;
  /** a chronic/special disease code settled here */
  disease?: string;
  /** part of the name */
  q?: string;
  status?: 'active' | 'suspended';
  page: number;
  page_size: number;
}

/** "Check the point" before travelling: public, no sign-in needed. */
export async function searchInstitutions(
  tx: Queryable,
  query: InstitutionQuery,
): Promise<{ items: Institution[]; total: number; page: number; page_size: number }> {
  const { page, page_size, admdvs, ...rest } = query;
  const { prefix, exact } = areaFilter(admdvs);
  const filter: store.SearchFilter = { ...rest, ...(prefix !== null ? { areaPrefix: prefix } : {}), ...(exact !== null ? { area: exact } : {}) };
  const found = await store.search(tx, filter, page_size, (page - 1) * page_size);
  return { ...found, page, page_size };
}

export async function getInstitution(tx: Queryable, code: string): Promise<Institution> {
  const found = await store.byCode(tx, code);
  if (!found) throw notFound(`institution ${code}`);
  return found;
}

/** The national catalogue code an institution's own item code maps to, or null when unmapped. */
export async function mappedHilistCode(tx: Queryable, institutionCode: string, medinsListCodg: string): Promise<string | null> {
  return store.mappedCode(tx, institutionCode, medinsListCodg);
}

/** `mappedHilistCode` for several codes: each distinct code once, one after another on the transaction. */
export async function mappedHilistCodes(tx: Queryable, institutionCode: string, medinsListCodgs: readonly string[]): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  for (const code of new Set(medinsListCodgs)) out.set(code, await store.mappedCode(tx, institutionCode, code));
  return out;
}
