import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/pool.ts';
import { DomainError } from '../src/core/errors.ts';
import type { Principal } from '../src/auth/model.ts';
import * as filing from '../src/filing/service.ts';
import type { FilingInput } from '../src/filing/model.ts';
import { testDb } from './support/db.ts';
import { addPersons, personActor, personOf, seedPlaces, system } from './support/fixtures.ts';

// Harbin insures; Shenzhen, Guangzhou and Shanghai treat. Harbin keeps long-term filings 3 months
// and reviews referrals.
const HARBIN = '230100';
const SHENZHEN = '440300';
const GUANGZHOU = '440100';
const TODAY = '2026-11-23';

let db: Db;
const retiree = personOf(HARBIN, { name: '王秀英' });
const patient = personOf(HARBIN, { insutype: '390', birth: '1970-02-02' });
const other = personOf(HARBIN);
const suspended = { ...personOf(HARBIN), enrolments: [{ ...personOf(HARBIN).enrolments[0]!, status: 'suspended' as const, suspended_date: '2026-06-30' }] };
const harbinAgency: Principal = { kind: 'insured_agency', userId: 0, username: 'hrb', region: HARBIN };
const shenzhenAgency: Principal = { kind: 'treatment_agency', userId: 0, username: 'sz', region: SHENZHEN };

beforeAll(async () => {
  db = await testDb();
  await db.tx(async (tx) => {
    await seedPlaces(tx, [HARBIN, SHENZHEN, GUANGZHOU, '310000'], {
      long_term_min_months: 3,
      review_filing_kinds: ['referral'],
      temporary_validity_months: 6,
      whole_province_filing: true,
    });
    await addPersons(tx, [retiree, patient, other, suspended]);
  });
});
afterAll(async () => db?.close());

const longTerm = (p = retiree, over: Partial<FilingInput> = {}): FilingInput => ({
  psn_no: p.psn_no,
  insutype: p.enrolments[0]!.insutype,
  kind: 'resettled_retiree',
  area: SHENZHEN,
  begin_date: TODAY,
  channel: 'national_app',
  proof: { type: 'commitment', signed: true },
  ...over,
});

async function rejection(fn: () => Promise<unknown>): Promise<DomainError> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
}

const count = async (table: string) => (await db.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;

describe('filing', () => {
  it('files a long-term filing, open-ended, reported to the national database in the same transaction', async () => {
    const { filing: f } = await db.tx((tx) => filing.file(tx, personActor(retiree), longTerm(), TODAY));
    expect(f).toMatchObject({ status: 'active', end_date: null, area: SHENZHEN, kind: 'resettled_retiree', acted_by: `person:${retiree.psn_no}` });
    const national = await db.query('SELECT status, certno FROM national_filing WHERE filing_id = $1', [f.id]);
    expect(national.rows).toEqual([{ status: 'active', certno: retiree.certno }]);
  });

  it('answers "already filed" with the existing record and its channel, writing nothing', async () => {
    const before = await count('filing');
    const err = await rejection(() => db.tx((tx) => filing.file(tx, personActor(retiree), longTerm(retiree, { area: GUANGZHOU, channel: 'mini_program' }), TODAY)));
    expect(err.code).toBe('conflict');
    expect(err.message).toMatch(/Already filed, no need to file again/);
    expect(err.extra?.existing).toMatchObject({ area: SHENZHEN, channel: 'national_app', kind: 'resettled_retiree' });
    expect(await count('filing')).toBe(before);
  });

  it('covers every institution of the filed area and nothing outside it', async () => {
    const here = await filing.coverage(db, shenzhenAgency, { psn_no: retiree.psn_no, place: SHENZHEN, date: TODAY });
    expect(here.covered).toBe(true);
    expect(here.filing?.kind).toBe('resettled_retiree');
    const gzAgency: Principal = { kind: 'treatment_agency', userId: 0, username: 'gz', region: GUANGZHOU };
    const elsewhere = await filing.coverage(db, gzAgency, { psn_no: retiree.psn_no, place: GUANGZHOU, date: TODAY });
    expect(elsewhere).toMatchObject({ covered: false, emergency_only: true });
  });

  it('does not let a treatment agency ask about another place', async () => {
    const err = await rejection(() => filing.coverage(db, shenzhenAgency, { psn_no: retiree.psn_no, place: GUANGZHOU, date: TODAY }));
    expect(err.code).toBe('forbidden');
  });

  it('refuses a change before the minimum period and says from which date it is possible', async () => {
    const [f] = (await filing.filingsOf(db, personActor(retiree), retiree.psn_no, TODAY)).filings;
    const err = await rejection(() => db.tx((tx) => filing.cancel(tx, personActor(retiree), f!.id, 'moving back', TODAY)));
    expect(err.code).toBe('business_rule');
    expect(err.message).toContain('from 2027-02-23');
    expect(err.extra).toEqual({ possible_from: '2027-02-23' });
  });

  it('changes the area after the minimum period: the old filing ends, a new one begins, both in the national record', async () => {
    const later = '2027-03-01';
    const [f] = (await filing.filingsOf(db, personActor(retiree), retiree.psn_no, later)).filings;
    const { filing: next } = await db.tx((tx) => filing.changeArea(tx, personActor(retiree), f!.id, { area: GUANGZHOU, begin_date: later, channel: 'local_platform' }, later));
    expect(next).toMatchObject({ area: GUANGZHOU, status: 'active', replaces_id: f!.id });
    const mine = await filing.filingsOf(db, personActor(retiree), retiree.psn_no, later);
    expect(mine.filings.map((x) => [x.area, x.status, x.end_date])).toEqual([
      [GUANGZHOU, 'active', null],
      [SHENZHEN, 'changed', '2027-02-28'],
    ]);
    expect(mine.national_records.map((r) => r.channel).sort()).toEqual(['local_platform', 'national_app']);
  });

  it('keeps the old area covered until a change takes effect', async () => {
    const p = personOf(HARBIN);
    await db.tx((tx) => addPersons(tx, [p]));
    const later = '2027-03-01';
    const { filing: f } = await db.tx((tx) => filing.file(tx, personActor(p), longTerm(p, { begin_date: '2026-11-23' }), TODAY));
    await db.tx((tx) => filing.changeArea(tx, personActor(p), f.id, { area: GUANGZHOU, begin_date: '2027-04-01', channel: 'national_app' }, later));
    expect((await filing.coverage(db, system, { psn_no: p.psn_no, place: SHENZHEN, date: later })).covered).toBe(true);
    expect((await filing.coverage(db, system, { psn_no: p.psn_no, place: GUANGZHOU, date: later })).covered).toBe(false);
    expect((await filing.coverage(db, system, { psn_no: p.psn_no, place: SHENZHEN, date: '2027-04-01' })).covered).toBe(false);
    expect((await filing.coverage(db, system, { psn_no: p.psn_no, place: GUANGZHOU, date: '2027-04-01' })).covered).toBe(true);
  });

  it('gives a temporary filing at least the configured validity, and it expires by itself', async () => {
    const { filing: f } = await db.tx((tx) =>
      filing.file(tx, personActor(other), longTerm(other, { kind: 'other_temporary', area: '310000', begin_date: '2026-12-01' }), TODAY),
    );
    expect(f.end_date).toBe('2027-05-31');
    const after = await filing.filingsOf(db, personActor(other), other.psn_no, '2027-06-01');
    expect(after.filings[0]!.status).toBe('expired');
    const cov = await filing.coverage(db, system, { psn_no: other.psn_no, place: '310000', date: '2027-06-01' });
    expect(cov.covered).toBe(false);
    // once expired, filing again is possible and records the expiry
    const again = await db.tx((tx) => filing.file(tx, personActor(other), longTerm(other, { kind: 'other_temporary', area: '310000', begin_date: '2027-06-01' }), '2027-06-01'));
    expect(again.filing.status).toBe('active');
    const statuses = (await db.query('SELECT status FROM filing WHERE psn_no = $1 ORDER BY id', [other.psn_no])).rows.map((r) => r.status);
    expect(statuses).toEqual(['expired', 'active']);
  });

  it('sends referrals to review; the agency approves or rejects with a reason the person sees', async () => {
    const referral = longTerm(patient, {
      kind: 'referral',
      area: '110000',
      proof: { type: 'referral_certificate', referring_institution_code: 'H23010000001', referring_institution_name: '哈尔滨医科大学附属第一医院', diag_code: 'C34.9', diag_name: '肺恶性肿瘤', reason: '需上级医院进一步治疗' },
    });
    await db.tx((tx) => seedPlaces(tx, ['110000']).catch(() => undefined));
    const { filing: f, message } = await db.tx((tx) => filing.file(tx, personActor(patient), referral, TODAY));
    expect(f.status).toBe('pending_review');
    expect(message).toMatch(/review/);
    const queue = await filing.search(db, harbinAgency, { status: 'pending_review', page: 1, page_size: 10 });
    expect(queue.items.map((x) => x.id)).toContain(f.id);
    const coveredBefore = await filing.coverage(db, system, { psn_no: patient.psn_no, place: '110000', date: TODAY });
    expect(coveredBefore.covered).toBe(false);

    const emptyReason = await rejection(() => db.tx((tx) => filing.review(tx, harbinAgency, f.id, { approve: false, reason: ' ' })));
    expect(emptyReason.issues[0]?.path).toBe('reason');
    const approved = await db.tx((tx) => filing.review(tx, harbinAgency, f.id, { approve: true, reason: '' }));
    expect(approved.status).toBe('active');
    expect((await filing.coverage(db, system, { psn_no: patient.psn_no, place: '110000', date: TODAY })).covered).toBe(true);
  });

  it('does not let another region review', async () => {
    const err = await rejection(() => db.tx((tx) => filing.review(tx, { ...harbinAgency, region: '440100' }, 1, { approve: true, reason: '' })));
    expect(err.code).toBe('forbidden');
  });

  it('lets an agent file with the authorisation recorded, and a late filing cover an ongoing stay', async () => {
    const p = personOf(HARBIN);
    await db.tx((tx) => addPersons(tx, [p]));
    const { filing: f } = await db.tx((tx) =>
      filing.file(
        tx,
        harbinAgency,
        longTerm(p, {
          kind: 'long_term_resident',
          channel: 'local_platform',
          begin_date: '2026-11-10',
          ongoing_stay_since: '2026-11-10',
          agent: { name: '王小红', certno: '11010519491231002X', relation: 'daughter' },
        }),
        TODAY,
      ),
    );
    expect(f).toMatchObject({ late: true, acted_by: 'insured_agency:hrb', agent: { relation: 'daughter', certno: '110105********002X' } });
    expect((await filing.coverage(db, system, { psn_no: p.psn_no, place: SHENZHEN, date: '2026-11-12' })).covered).toBe(true);
    const log = await db.query("SELECT detail FROM audit_log WHERE entity = 'filing' AND entity_id = $1", [f.filing_no]);
    expect(log.rows[0].detail.agent_relation).toBe('daughter');
  });

  it('ends coverage when the insurance is suspended', async () => {
    const cov = await filing.coverage(db, system, { psn_no: suspended.psn_no, place: SHENZHEN, date: TODAY });
    expect(cov).toMatchObject({ covered: false, emergency_only: false });
  });
});

describe('bad filings name the field and write nothing', () => {
  const cases: [string, Partial<FilingInput>, string][] = [
    ['unknown area', { area: '999900' }, 'area'],
    ['non-pooling area', { area: '110100' }, 'area'],
    ['own insured area', { area: HARBIN }, 'area'],
    ['start in the past', { begin_date: '2026-01-01' }, 'begin_date'],
    ['not a date', { begin_date: '2026-02-30' }, 'begin_date'],
    ['missing commitment', { proof: { type: 'commitment' } as never }, 'proof.signed'],
    ['wrong proof for kind', { kind: 'stationed_worker', proof: { type: 'residence_permit', number: 'x' } }, 'proof.type'],
    ['posting certificate without employer', { kind: 'stationed_worker', proof: { type: 'posting_certificate', certificate_no: 'P1' } as never }, 'proof.employer_name'],
    ['agent with a bad ID number', { agent: { name: '李', certno: '110105194912310021', relation: 'son' } }, 'agent.certno'],
    ['late filing in the future', { ongoing_stay_since: '2026-12-30', begin_date: '2026-12-30' }, 'ongoing_stay_since'],
  ];
  for (const [name, over, path] of cases) {
    it(name, async () => {
      const p = personOf(HARBIN);
      await db.tx((tx) => addPersons(tx, [p]));
      const before = await count('national_filing');
      const err = await rejection(() => db.tx((tx) => filing.file(tx, personActor(p), longTerm(p, over), TODAY)));
      expect(err.code).toBe('validation');
      expect(err.issues.map((i) => i.path)).toContain(path);
      expect(await count('national_filing')).toBe(before);
    });
  }

  it('a person cannot file for someone else', async () => {
    const err = await rejection(() => db.tx((tx) => filing.file(tx, personActor(other), longTerm(patient), TODAY)));
    expect(err.code).toBe('forbidden');
  });
});
