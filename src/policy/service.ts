import { Value } from 'typebox/value';
import { audit } from '../auth/audit.ts';
import { actorName, type Principal } from '../auth/model.ts';
import { authorize } from '../auth/permissions.ts';
import { DomainError, invalid, invalidMany, notFound, type FieldIssue } from '../core/errors.ts';
import type { Queryable } from '../db/pool.ts';
import { requirePoolingArea } from '../reference/service.ts';
import { PolicyDocSchema, type PolicyDoc, type PolicyVersion, type PolicyVersionSummary } from './model.ts';
import { isCalendarDate, policyFileIssues } from './rules.ts';
import * as store from './store.ts';

export type PolicyFilter = store.VersionFilter;

export interface ListFilter extends PolicyFilter {
  /** 1-based; default 1 */
  page?: number;
  /** default 50, at most 500 */
  page_size?: number;
}

const REJECTED = 'the policy file was rejected, nothing was imported';

/**
 * Imports a policy file `{ policies: [...] }` as new versions: all of it or
 * nothing. Versions are never edited in place; a change is a new version with
 * a later begndate.
 */
export async function importPolicies(tx: Queryable, actor: Principal, file: unknown): Promise<{ imported: number }> {
  const issues = policyFileIssues(file);
  if (issues.length > 0) throw invalidMany(issues, REJECTED);
  // Unknown keys are tolerated on input but not stored, so an export gives back exactly the policy.
  const docs = (file as { policies: unknown[] }).policies.map((d) => Value.Clean(PolicyDocSchema, Value.Clone(d)) as PolicyDoc);
  for (const d of docs) authorize(actor, 'policy.write', { region: d.pooling_area });

  const stored: FieldIssue[] = [];
  for (const [i, d] of docs.entries()) {
    try {
      await requirePoolingArea(tx, d.pooling_area, `policies[${i}].pooling_area`);
    } catch (err) {
      if (!(err instanceof DomainError) || err.code !== 'validation') throw err;
      stored.push(...err.issues);
    }
    if (await store.versionExists(tx, d.pooling_area, d.insutype, d.begndate)) {
      stored.push({
        path: `policies[${i}].begndate`,
        message: `a version of scheme ${d.insutype} for ${d.pooling_area} beginning ${d.begndate} exists already: versions are never edited, a change is a new version with a later begndate`,
      });
    }
  }
  if (stored.length > 0) throw invalidMany(stored, REJECTED);

  for (const d of docs) {
    const id = await store.insertVersion(tx, d, actorName(actor));
    await audit(tx, actor, 'policy.import', 'policy_version', String(id), {
      pooling_area: d.pooling_area,
      insutype: d.insutype,
      begndate: d.begndate,
    });
  }
  return { imported: docs.length };
}

/**
 * Versions as an import file takes them, oldest first per area and scheme.
 * Policies are public, so the actor (taken like every module's export) needs no permission.
 */
export async function exportPolicies(tx: Queryable, _actor: Principal | undefined, filter: PolicyFilter): Promise<{ policies: PolicyDoc[] }> {
  return { policies: (await store.versions(tx, filter)).map((v) => v.doc) };
}

/** The version of the insured place's policy in force on `date` (yyyy-MM-dd). */
export async function policyInForce(tx: Queryable, poolingArea: string, insutype: string, date: string): Promise<PolicyVersion> {
  if (!isCalendarDate(date)) throw invalid('date', `is not a date (yyyy-MM-dd): "${date}"`);
  const found = await store.versionOn(tx, poolingArea, insutype, date);
  if (found) return found;
  const first = await store.firstBegndate(tx, poolingArea, insutype);
  throw new DomainError(
    'not_found',
    first === null
      ? `pooling area ${poolingArea} has no policy of scheme ${insutype}: its agency has not imported one`
      : `no policy of scheme ${insutype} for pooling area ${poolingArea} is in force on ${date}: the earliest version begins ${first}`,
  );
}

export async function listPolicies(tx: Queryable, filter: ListFilter): Promise<{ items: PolicyVersionSummary[]; total: number }> {
  const page = filter.page ?? 1;
  const pageSize = filter.page_size ?? 50;
  if (!Number.isInteger(page) || page < 1) throw invalid('page', 'must be a whole number from 1');
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 500) throw invalid('page_size', 'must be a whole number from 1 to 500');
  return store.listVersions(tx, filter, { page, page_size: pageSize });
}

export async function getPolicy(tx: Queryable, id: number): Promise<PolicyVersion> {
  const found = await store.versionById(tx, id);
  if (!found) throw notFound(`policy version ${id}`);
  return found;
}
