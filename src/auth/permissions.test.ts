import { describe, expect, it } from 'vitest';
import { DomainError } from '../core/errors.ts';
import type { Principal } from './model.ts';
import { authorize, isAllowed, regionCovers, regionScope } from './permissions.ts';

const person: Principal = { kind: 'person', userId: 1, psnNo: '44010000000000000001', name: '王秀英' };
const guangzhouInsured: Principal = { kind: 'insured_agency', userId: 2, username: 'gz', region: '440100' };
const guangdongInsured: Principal = { kind: 'insured_agency', userId: 3, username: 'gd', region: '440000' };
const shenzhenTreatment: Principal = { kind: 'treatment_agency', userId: 4, username: 'sz', region: '440300' };
const national: Principal = { kind: 'national', userId: 5, username: 'nhsa' };

describe('regionCovers', () => {
  it('a province covers its cities, a city only itself', () => {
    expect(regionCovers('440000', '440300')).toBe(true);
    expect(regionCovers('440000', '450100')).toBe(false);
    expect(regionCovers('440100', '440100')).toBe(true);
    expect(regionCovers('440100', '440300')).toBe(false);
  });
});

describe('person data', () => {
  it('a person reads only their own records', () => {
    expect(isAllowed(person, 'person.read', { psnNo: '44010000000000000001', region: '440100' })).toBe(true);
    expect(isAllowed(person, 'person.read', { psnNo: '44010000000000000002', region: '440100' })).toBe(false);
  });

  it('an insured-place agency reads the people of its own region only', () => {
    expect(isAllowed(guangzhouInsured, 'person.read', { psnNo: 'x', region: '440100' })).toBe(true);
    expect(isAllowed(guangzhouInsured, 'person.read', { psnNo: 'x', region: '440300' })).toBe(false);
    expect(isAllowed(guangdongInsured, 'person.read', { psnNo: 'x', region: '440300' })).toBe(true);
    expect(isAllowed(guangdongInsured, 'person.read', { psnNo: 'x', region: '110000' })).toBe(false);
  });

  it('a treatment-place agency does not read insured persons through this permission', () => {
    expect(isAllowed(shenzhenTreatment, 'person.read', { psnNo: 'x', region: '440300' })).toBe(false);
  });

  it('the national operator reads everyone', () => {
    expect(isAllowed(national, 'person.read', { psnNo: 'x', region: '650100' })).toBe(true);
  });
});

describe('writes', () => {
  it('catalogues and institutions belong to the treatment place, policies to the insured place', () => {
    expect(isAllowed(shenzhenTreatment, 'institution.write', { region: '440300' })).toBe(true);
    expect(isAllowed(shenzhenTreatment, 'policy.write', { region: '440300' })).toBe(false);
    expect(isAllowed(guangzhouInsured, 'policy.write', { region: '440100' })).toBe(true);
    expect(isAllowed(guangzhouInsured, 'catalog.write', { region: '440000' })).toBe(false);
    expect(isAllowed(person, 'person.write', { region: '440100' })).toBe(false);
  });
});

describe('authorize', () => {
  it('says unauthenticated without a principal and forbidden otherwise', () => {
    expect(() => authorize(undefined, 'person.read')).toThrow(expect.objectContaining({ code: 'unauthenticated' }));
    try {
      authorize(person, 'person.read', { psnNo: 'other', region: '440100' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).code).toBe('forbidden');
    }
  });

  it('scopes listings to the agency region', () => {
    expect(regionScope(guangzhouInsured)).toBe('440100');
    expect(regionScope(national)).toBeNull();
  });
});
