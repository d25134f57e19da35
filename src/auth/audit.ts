import type { Queryable } from '../db/pool.ts';
import { actorName, type Principal } from './model.ts';

/** Appends to the audit log inside the caller's transaction, so the record and the change commit together. */
export async function audit(
  tx: Queryable,
  actor: Principal,
  action: string,
  entity: string,
  entityId: string | null,
  detail?: Record<string, unknown>,
): Promise<void> {
  await tx.query('INSERT INTO audit_log (actor, action, entity, entity_id, detail) VALUES ($1, $2, $3, $4, $5)', [
    actorName(actor),
    action,
    entity,
    entityId,
    detail === undefined ? null : JSON.stringify(detail),
  ]);
}
