import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Principal } from '../auth/model.ts';
import { certnoFor } from '../core/idcard.ts';
import type { PersonRecord } from './model.ts';
import {
  activeOn,
  duplicateIssues,
  maskCertno,
  maskPerson,
  maskPhone,
  mayReveal,
  normaliseCertno,
  personIssues,
  pickEnrolment,
  scopePrefix,
} from './rules.ts';

const record = (): PersonRecord => ({
  psn_no: '44010000000000000001',
  psn_cert_type: '01',
  certno: certnoFor('440102', '1985-03-04', 123),
  ss_card_no: 'A12345678',
  ss_card_sn: null,
  evoucher_token: 'EV0000000001',
  name: '王五',
  gender: '1',
  naty: '01',
  birth_date: '1985-03-04',
  phone: '13812345678',
  insuplc_admdvs: '440100',
  enrolments: [
    { insutype: '310', psn_type: '1101', insuplc_admdvs: '440100', status: 'active', begin_date: '2005-01-01', suspended_date: null, cvlserv_flag: '0', emp_name: null },
  ],
  qualifications: [],
});

describe('masking', () => {
  it('keeps the first 6 and last 4 characters of an ID number', () => {
    expect(maskCertno('440102198503041234')).toBe('440102********1234');
  });

  it('keeps the first 3 and last 4 digits of a phone number', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
  });

  it('keeps the length, shows only original characters and hides at least a third of any string', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 0, maxLength: 40, unit: 'grapheme-ascii' }), (s) => {
        for (const masked of [maskCertno(s), maskPhone(s)]) {
          expect(masked.length).toBe(s.length);
          const hidden = [...masked].filter((c, i) => c === '*' || c !== s[i]).length;
          expect([...masked].every((c, i) => c === '*' || c === s[i])).toBe(true);
          expect(hidden).toBeGreaterThanOrEqual(Math.ceil(s.length / 3));
        }
      }),
    );
  });

  it('masks every credential of a person, not the name', () => {
    const m = maskPerson(record());
    expect(m.certno).toMatch(/^440102\*{8}\d{3}[\dX]$/);
    expect(m.ss_card_no).toBe('*****5678');
    expect(m.evoucher_token).toBe('********0001');
    expect(m.name).toBe('王五');
  });

  it('reveals to the person themself and the agencies of their insured place only', () => {
    const p = record();
    const cases: [Principal, boolean][] = [
      [{ kind: 'person', userId: 1, psnNo: p.psn_no, name: '' }, true],
      [{ kind: 'person', userId: 2, psnNo: '44010000000000000002', name: '' }, false],
      [{ kind: 'insured_agency', userId: 3, username: 'gz', region: '440100' }, true],
      [{ kind: 'insured_agency', userId: 3, username: 'gd', region: '440000' }, true],
      [{ kind: 'insured_agency', userId: 3, username: 'sz', region: '440300' }, false],
      [{ kind: 'treatment_agency', userId: 4, username: 'gzt', region: '440100' }, false],
      [{ kind: 'national', userId: 5, username: 'n' }, false],
      [{ kind: 'institution', code: 'H44010000001', admdvs: '440100' }, false],
    ];
    for (const [actor, expected] of cases) expect(mayReveal(actor, p), actor.kind).toBe(expected);
  });
});

describe('personIssues', () => {
  it('accepts a consistent record', () => {
    expect(personIssues(record(), 'persons[0]', '2025-01-01')).toEqual([]);
  });

  it('checks the ID number against birth date and gender', () => {
    const r = { ...record(), birth_date: '1985-03-05', gender: '2' as const };
    expect(personIssues(r, 'persons[3]', '2025-01-01')).toEqual([
      { path: 'persons[3].birth_date', message: 'does not agree with the ID number, which gives 1985-03-04' },
      { path: 'persons[3].gender', message: 'does not agree with the ID number, which gives 1' },
    ]);
  });

  it('orders dates and schemes inside a record', () => {
    const r = record();
    r.enrolments.push({ ...r.enrolments[0]!, status: 'suspended', suspended_date: '2004-01-01' });
    r.qualifications = [{ insuplc_admdvs: '320100', disease_code: 'M03900', begin_date: '2020-01-01', end_date: '2019-12-31' }];
    expect(personIssues(r, 'p', '2025-01-01').map((i) => i.path)).toEqual([
      'p.enrolments[1].insutype',
      'p.enrolments[1].suspended_date',
      'p.qualifications[0].insuplc_admdvs',
      'p.qualifications[0].end_date',
    ]);
  });

  it('gives a personal account only to employees and needs psn_no to start with the insured area', () => {
    const r = { ...record(), psn_no: '32010000000000000001', account_balance_fen: 100 as PersonRecord['account_balance_fen'] };
    r.enrolments = [{ ...r.enrolments[0]!, insutype: '390', psn_type: '1501' }];
    expect(personIssues(r, 'p', '2025-01-01').map((i) => i.path)).toEqual(['p.psn_no', 'p.account_balance_fen']);
  });

  it('refuses a birth date after today', () => {
    const r = { ...record(), psn_cert_type: '02', certno: 'P1234567', birth_date: '2026-01-01' };
    r.enrolments = [{ ...r.enrolments[0]!, begin_date: '2026-01-01' }];
    expect(personIssues(r, 'p', '2025-01-01')).toEqual([{ path: 'p.birth_date', message: 'is in the future' }]);
  });
});

describe('helpers', () => {
  it('reports each repeated identifier at its later occurrence', () => {
    const a = record();
    const b = { ...record(), psn_no: '44010000000000000002', ss_card_no: null, evoucher_token: null };
    expect(duplicateIssues([{ path: 'persons[0]', record: a }, { path: 'persons[1]', record: b }])).toEqual([
      { path: 'persons[1].certno', message: 'repeats persons[0].certno' },
    ]);
  });

  it('writes a lowercase x check character as X and turns region scopes into prefixes', () => {
    expect(normaliseCertno('11010119800505001x')).toBe('11010119800505001X');
    expect(normaliseCertno('abc')).toBe('abc');
    expect([scopePrefix('440000'), scopePrefix('440100'), scopePrefix('440106')]).toEqual(['44', '4401', '440106']);
  });
});

describe('insurance on a date', () => {
  const e = (insutype: string, area: string, begin = '2010-01-01', suspended: string | null = null) => ({
    insutype,
    insuplc_admdvs: area,
    begin_date: begin,
    suspended_date: suspended,
  });

  it('is active from the begin date until the day before suspension', () => {
    const x = e('310', '440100', '2020-01-01', '2024-07-01');
    expect([activeOn(x, '2019-12-31'), activeOn(x, '2020-01-01'), activeOn(x, '2024-06-30'), activeOn(x, '2024-07-01')]).toEqual([false, true, true, false]);
  });

  it('picks the named scheme, else the basic scheme of the main insured area', () => {
    const list = [e('320', '440100'), e('390', '320100'), e('310', '440100')];
    expect(pickEnrolment(list, '440100', null)?.insutype).toBe('310');
    expect(pickEnrolment(list, '110000', null)?.insutype).toBe('390');
    expect(pickEnrolment(list, '440100', '320')?.insutype).toBe('320');
    expect(pickEnrolment(list, '440100', '510')).toBeNull();
    expect(pickEnrolment([e('510', '440100')], '440100', null)?.insutype).toBe('510');
  });
});
