import Type from 'typebox';
import type { FieldIssue } from '../core/errors.ts';
import type { Institution } from './model.ts';

/**
 * Networked designated institutions: hospitals and clinics ('H' codes) and
 * retail pharmacies ('P' codes), the cross-regional services each has open and
 * the outpatient chronic/special diseases it settles directly.
 */

const nullableText = (maxLength: number) => Type.Unsafe<string | null>({ type: ['string', 'null'], maxLength });

export const InstitutionSchema = Type.Object({
  code: Type.String({ pattern: '^[HP]\\d{11}$', description: "'H' + 11 digits (hospital, clinic) or 'P' + 11 digits (pharmacy)" }),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  admdvs: Type.String({ pattern: '^\\d{6}$', description: 'the pooling area it is in' }),
  kind: Type.Enum(['hospital', 'clinic', 'pharmacy']),
  level: Type.Enum([1, 2, 3], { description: 'hospital level 1, 2 or 3' }),
  services: Type.Array(Type.Enum(['inpatient', 'outpatient', 'pharmacy']), { uniqueItems: true, description: 'cross-regional services open here' }),
  chronic_diseases: Type.Array(Type.String({ minLength: 1, maxLength: 20 }), {
    uniqueItems: true,
    description: 'outpatient chronic/special diseases settled directly here',
  }),
  status: Type.Optional(Type.Enum(['active', 'suspended'], { description: "default 'active'" })),
  address: Type.Optional(nullableText(500)),
  phone: Type.Optional(nullableText(40)),
});

export const InstitutionsFileSchema = Type.Object({ institutions: Type.Array(Type.Unknown()) });

export const MappingSchema = Type.Object({
  institution_code: Type.String({ pattern: '^[HP]\\d{11}$' }),
  medins_list_codg: Type.String({ minLength: 1, maxLength: 60, description: "the institution's own item code" }),
  hilist_code: Type.String({ minLength: 1, maxLength: 60, description: 'the national catalogue code it maps to' }),
});

export const MappingsFileSchema = Type.Object({ mappings: Type.Array(Type.Unknown()) });

export type InstitutionIn = Type.Static<typeof InstitutionSchema>;

export function normaliseInstitution(i: InstitutionIn): Institution {
  return {
    code: i.code,
    name: i.name,
    admdvs: i.admdvs,
    kind: i.kind,
    level: i.level,
    services: i.services,
    chronic_diseases: i.chronic_diseases,
    status: i.status ?? 'active',
    address: i.address ?? null,
    phone: i.phone ?? null,
  };
}

/** Checks on one well-formed institution that its schema cannot express. */
export function institutionIssues(i: Institution, path: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const prefix = i.kind === 'pharmacy' ? 'P' : 'H';
  if (i.code[0] !== prefix) issues.push({ path: `${path}.code`, message: `a ${i.kind} code begins with '${prefix}'` });
  if (i.kind === 'pharmacy' && i.services.some((s) => s !== 'pharmacy')) {
    issues.push({ path: `${path}.services`, message: "a pharmacy offers only the 'pharmacy' service" });
  }
  if (i.chronic_diseases.length > 0 && !i.services.includes('outpatient')) {
    issues.push({ path: `${path}.chronic_diseases`, message: "chronic disease settlement needs the 'outpatient' service open" });
  }
  return issues;
}

/** Repeated keys inside one file, reported at the later occurrence. */
export function repeatedKeyIssues<T>(rows: readonly { path: string; row: T }[], key: (r: T) => string, field: string): FieldIssue[] {
  const first = new Map<string, string>();
  const issues: FieldIssue[] = [];
  for (const { path, row } of rows) {
    const k = key(row);
    const prior = first.get(k);
    if (prior !== undefined) issues.push({ path: `${path}.${field}`, message: `repeats ${prior}` });
    else first.set(k, path);
  }
  return issues;
}

/** A province code `PP0000` stands for the whole province (its code prefix); any other code is one area. */
export function areaFilter(admdvs: string | undefined): { prefix: string | null; exact: string | null } {
  if (admdvs === undefined) return { prefix: null, exact: null };
  return admdvs.endsWith('0000') ? { prefix: admdvs.slice(0, 2), exact: null } : { prefix: null, exact: admdvs };
}
