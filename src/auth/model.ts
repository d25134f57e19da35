/** Who is acting. Every service takes one and checks it with `authorize`. */
export type Principal =
  | { kind: 'person'; userId: number; psnNo: string; name: string }
  | { kind: 'institution'; code: string; admdvs: string }
  | { kind: 'insured_agency'; userId: number; username: string; region: string }
  | { kind: 'treatment_agency'; userId: number; username: string; region: string }
  | { kind: 'national'; userId: number; username: string }
  /** The CLI, the demo generator and start-up: trusted local operators. */
  | { kind: 'system'; name: string };

export type StaffRole = 'insured_agency' | 'treatment_agency' | 'national';
export type Role = 'person' | StaffRole;

/** A stable, log-safe name for the audit log (never a personal ID number). */
export function actorName(p: Principal): string {
  switch (p.kind) {
    case 'person':
      return `person:${p.psnNo}`;
    case 'institution':
      return `institution:${p.code}`;
    case 'insured_agency':
    case 'treatment_agency':
    case 'national':
      return `${p.kind}:${p.username}`;
    case 'system':
      return `system:${p.name}`;
  }
}
