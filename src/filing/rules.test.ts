import { describe, expect, it } from 'vitest';
import type { PolicySettings } from '../policy/model.ts';
import type { NationalRecord } from './model.ts';
import { areaIncludes, changeableFrom, coverageOn, endDateFor, statusOn } from './rules.ts';

const settings: PolicySettings = {
  long_term_min_months: 6,
  temporary_validity_months: 6,
  review_filing_kinds: [],
  whole_province_filing: true,
  claim_submit_months: 6,
  claim_process_working_days: 30,
  medical_assistance_joined: false,
};

const record = (over: Partial<NationalRecord> = {}): NationalRecord => ({
  filing_id: 1,
  filing_no: 'BA1',
  psn_no: 'p',
  insutype: '310',
  insuplc_admdvs: '230100',
  kind: 'other_temporary',
  area: '440300',
  begin_date: '2026-01-31',
  end_date: '2026-07-30',
  status: 'active',
  channel: 'national_app',
  filed_at: '2026-01-31',
  ...over,
});

describe('validity', () => {
  it('temporary filings hold the configured months (never fewer than six), long-term ones are open', () => {
    expect(endDateFor('other_temporary', '2026-01-31', settings)).toBe('2026-07-30');
    expect(endDateFor('referral', '2026-03-01', { ...settings, temporary_validity_months: 12 })).toBe('2027-02-28');
    expect(endDateFor('resettled_retiree', '2026-03-01', settings)).toBeNull();
  });

  it('long-term filings change only after the minimum period', () => {
    expect(changeableFrom({ kind: 'stationed_worker', begin_date: '2026-08-31' }, settings)).toBe('2027-02-28');
    expect(changeableFrom({ kind: 'other_temporary', begin_date: '2026-08-31' }, settings)).toBe('2026-08-31');
  });

  it('a temporary filing expires by itself, and a suspended enrolment ends a live one', () => {
    expect(statusOn(record(), '2026-07-30')).toBe('active');
    expect(statusOn(record(), '2026-07-31')).toBe('expired');
    expect(statusOn(record({ end_date: null }), '2030-01-01', false)).toBe('ended');
    expect(statusOn(record({ status: 'cancelled' }), '2026-02-01', false)).toBe('cancelled');
  });
});

describe('coverage', () => {
  const visit = { place: '440300', date: '2026-03-01', insuredArea: '230100', enrolmentActive: true };

  it('a province-wide filing covers its pooling areas only', () => {
    expect(areaIncludes('440000', '440300')).toBe(true);
    expect(areaIncludes('440000', '450100')).toBe(false);
    expect(areaIncludes('440300', '440100')).toBe(false);
    expect(coverageOn([record({ area: '440000' })], visit).covered).toBe(true);
  });

  it('outside the dates or the area only an emergency is settled directly', () => {
    expect(coverageOn([record()], { ...visit, date: '2026-08-01' })).toMatchObject({ covered: false, emergency_only: true });
    expect(coverageOn([record()], { ...visit, place: '440100' })).toMatchObject({ covered: false, emergency_only: true });
  });

  it('a filing waiting for review does not cover yet, and says so', () => {
    const c = coverageOn([record({ status: 'pending_review' })], visit);
    expect(c.covered).toBe(false);
    expect(c.reason).toMatch(/review/);
  });

  it('treatment at home needs no filing; suspended insurance gets no direct settlement at all', () => {
    expect(coverageOn([], { ...visit, place: '230100' }).covered).toBe(true);
    expect(coverageOn([record()], { ...visit, enrolmentActive: false })).toMatchObject({ covered: false, emergency_only: false });
  });
});
