import { forbidden, DomainError } from '../core/errors.ts';
import type { Principal } from './model.ts';

/**
 * The one permission check every service calls. Region scopes are division
 * codes: a province code (PP0000) covers every area in the province, a city
 * code (PPCC00) covers itself.
 */
export type Permission =
  /** read a person's records; target: the person's psn_no and insured place */
  | 'person.read'
  /** create or change persons, enrolments, accounts, qualifications; target: insured place */
  | 'person.write'
  /** designated institutions and their catalogue mappings; target: the institution's area */
  | 'institution.write'
  /** treatment-place catalogue; target: the province */
  | 'catalog.write'
  /** insured-place policy; target: the pooling area */
  | 'policy.write'
  /** file, change or cancel a person's filing; target: the person and their insured place */
  | 'filing.write'
  /** approve or reject filings sent to review; target: the insured place */
  | 'filing.review'
  /** find a person by a credential presented at a desk (HIS 1101); target: the person's insured place */
  | 'person.identify'
  /** ask whether a person is covered in a treatment place; target: the treatment place */
  | 'coverage.read'
  /** the audit log; target: none (national) */
  | 'audit.read'
  /** post ledger transfers: the platform only (services post as the system on behalf of the caller they authorised) */
  | 'ledger.post'
  /** register visits, change them and upload their fee lines: an institution, on its own visits only; target: the visit's institution */
  | 'encounter.write'
  /** a designated hospital files for a patient insured in its own area (referral 2501, chronic disease qualification 2503); target: the insured place */
  | 'hospital.file'
  /** read settlements: the person their own, the insured place its insured persons', the treatment place its area's, an institution its own; target: psnNo, region (insured place), treatment, institution */
  | 'settlement.read'
  /** start, fill in and submit a manual claim: the person, the agent the claim names, or their insured place's counter; target: psnNo, agent, region (insured place) */
  | 'claim.write'
  /** read a manual claim and its history: whoever may write it, and the national operator; target as claim.write */
  | 'claim.read'
  /** review, decide and pay manual claims: the insured place's agency; target: the insured place */
  | 'claim.review'
  /** read a claim's documents (invoices, medical records): the person, their agent and the insured place only, not the national operator; target as claim.write */
  | 'claim.documents'
  /** close and clear months, size and top up prepaid funds, the national dashboard: the national operator only; target: none */
  | 'clearing.operate'
  /** read a province's clearing statements and the settlements behind them: that province's agency; target: region (the side's province) */
  | 'clearing.read'
  /** confirm a province's side of a clearing statement or exclude a disputed row from it: that province's agency; target: region (the side's province) */
  | 'clearing.confirm'
  /** record payments of a treatment-place agency to its institutions; target: region (the institution's area) */
  | 'payable.write';

export interface Target {
  region?: string;
  psnNo?: string;
  /** the institution code a visit belongs to */
  institution?: string;
  /** the treatment place of a settlement (region is its insured place) */
  treatment?: string;
  /** the psn_no of the agent a claim names */
  agent?: string;
}

export function regionCovers(scope: string, code: string): boolean {
  if (scope.endsWith('0000')) return scope.slice(0, 2) === code.slice(0, 2);
  if (scope.endsWith('00')) return scope.slice(0, 4) === code.slice(0, 4);
  return scope === code;
}

export function isAllowed(p: Principal, perm: Permission, target: Target = {}): boolean {
  if (p.kind === 'system') return true;
  // Medical papers are read by those who handle the claim, not by the national operator.
  if (p.kind === 'national') return perm !== 'claim.documents';
  const inRegion = (kind: Principal['kind']) =>
    p.kind === kind && 'region' in p && target.region !== undefined && regionCovers(p.region, target.region);
  switch (perm) {
    case 'filing.write':
    case 'person.read':
      return (p.kind === 'person' && target.psnNo !== undefined && p.psnNo === target.psnNo) || inRegion('insured_agency');
    case 'person.write':
    case 'policy.write':
    case 'filing.review':
      return inRegion('insured_agency');
    case 'institution.write':
    case 'catalog.write':
      return inRegion('treatment_agency');
    case 'coverage.read':
      return (
        inRegion('treatment_agency') ||
        (p.kind === 'institution' && target.region !== undefined && regionCovers(p.admdvs, target.region))
      );
    case 'person.identify':
      // Patients come to a desk from anywhere: the desks of treatment places identify anyone who presents a credential.
      return p.kind === 'institution' || p.kind === 'treatment_agency' || inRegion('insured_agency');
    case 'encounter.write':
      return p.kind === 'institution' && target.institution !== undefined && p.code === target.institution;
    case 'hospital.file':
      return p.kind === 'institution' && target.region !== undefined && regionCovers(p.admdvs, target.region);
    case 'settlement.read':
      return (
        (p.kind === 'person' && target.psnNo !== undefined && p.psnNo === target.psnNo) ||
        inRegion('insured_agency') ||
        (p.kind === 'treatment_agency' && target.treatment !== undefined && regionCovers(p.region, target.treatment)) ||
        (p.kind === 'institution' && target.institution !== undefined && p.code === target.institution)
      );
    case 'claim.write':
    case 'claim.read':
    case 'claim.documents':
      return (
        (p.kind === 'person' && ((target.psnNo !== undefined && p.psnNo === target.psnNo) || (target.agent !== undefined && p.psnNo === target.agent))) ||
        inRegion('insured_agency')
      );
    case 'claim.review':
      return inRegion('insured_agency');
    case 'clearing.read':
    case 'clearing.confirm':
      // A province's statements are the province agency's, whichever side of the scheme it serves.
      return inRegion('insured_agency') || inRegion('treatment_agency');
    case 'payable.write':
      return inRegion('treatment_agency');
    case 'audit.read':
    case 'ledger.post':
    case 'clearing.operate':
      return false;
  }
}

export function authorize(p: Principal | undefined, perm: Permission, target: Target = {}): asserts p is Principal {
  if (!p) throw new DomainError('unauthenticated', 'Sign in first.');
  if (!isAllowed(p, perm, target)) {
    const where = target.region ? ` in ${target.region}` : '';
    throw forbidden(`${p.kind} may not ${perm}${where}`);
  }
}

/** The region filter a listing must apply for this principal, or null for all. */
export function regionScope(p: Principal): string | null {
  return p.kind === 'insured_agency' || p.kind === 'treatment_agency' ? p.region : null;
}
