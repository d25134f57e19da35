import fs from 'node:fs';
import path from 'node:path';
import type { Principal } from '../auth/model.ts';
import { createInstitutionKey, createPersonLogin, createStaffUser } from '../auth/service.ts';
import { importCatalog } from '../catalog/service.ts';
import { systemClock, today as todayOf } from '../core/clock.ts';
import { DomainError, invalid } from '../core/errors.ts';
import type { Db, Queryable } from '../db/pool.ts';
import { importInstitutions, importItemMappings } from '../institutions/service.ts';
import { importPersons } from '../people/service.ts';
import { importPolicies } from '../policy/service.ts';
import { listChronicDiseases, listPoolingAreas, listRegions, seedReference } from '../reference/service.ts';
import {
  credentialInstitutions,
  DEFAULT_CATALOG_ITEMS,
  DEFAULT_INSTITUTIONS,
  DEFAULT_YEAR,
  CATALOG_CAPACITY,
  generateInstitutions,
  generateItemMappings,
  generatePersonas,
  generatePersons,
  generateStaff,
  MAX_PERSONS,
  nationalCatalog,
  provinceCatalog,
} from './generate.ts';
import type { DemoCredentials, Persona, PersonaFiling } from './model.ts';
import { buildNation, type Nation } from './nation.ts';
import { generatePolicies } from './policies.ts';
import { file as fileFiling, review as reviewFiling } from '../filing/service.ts';
import type { FilingProof } from '../filing/model.ts';
import { Rng } from './rng.ts';
import * as store from './store.ts';

export type { DemoCredentials } from './model.ts';

const actor: Principal = { kind: 'system', name: 'demo' };
/** Policies are in force from this many years before the demo year, so the personas' older filings fall under one. */
const POLICY_YEARS_BACK = 5;

export interface SeedOptions {
  seed: number;
  persons: number;
  institutions?: number;
  catalogItems?: number;
  /** the policy year: policies begin on 1 January of it (default 2026) */
  year?: number;
  /** yyyy-MM-dd the personas' filings are dated from (default: today in Asia/Shanghai) */
  today?: string;
  /** persons per transaction (default 10 000) */
  batchSize?: number;
  onProgress?: (phase: string, done: number, total: number) => void;
}

function checkOptions(o: SeedOptions): void {
  const whole = (v: number | undefined, field: string, min: number, max: number) => {
    if (v !== undefined && (!Number.isInteger(v) || v < min || v > max)) throw invalid(field, `must be an integer ${min}..${max}, got ${v}`);
  };
  whole(o.seed, 'seed', 0, 2 ** 32 - 1);
  whole(o.persons, 'persons', 0, MAX_PERSONS);
  whole(o.institutions, 'institutions', 0, 10_000_000);
  whole(o.catalogItems, 'catalogItems', 1, CATALOG_CAPACITY);
  // Generated persons are born by 2020 and enrolled before the policy year begins.
  whole(o.year, 'year', 2022, 2100);
  whole(o.batchSize, 'batchSize', 1, 100_000);
  if (o.today !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(o.today)) throw invalid('today', 'must be a yyyy-MM-dd date');
}

async function loadNation(db: Db): Promise<Nation> {
  return db.tx(async (tx) => {
    const provinces = await listRegions(tx, { level: 1 });
    const pooling = await listPoolingAreas(tx);
    return buildNation([...provinces, ...pooling], await listChronicDiseases(tx));
  });
}

/**
 * Creates the demo nation in an empty database through the same imports the
 * CLI and the REST API use, so every generated record is validated like real
 * data. Each phase (and each batch of persons) commits on its own; the
 * `demo_run` row is written last, so an interrupted run is never mistaken for a
 * complete one.
 */
export async function seedDemo(db: Db, opts: SeedOptions): Promise<DemoCredentials> {
  checkOptions(opts);
  const { seed, persons } = opts;
  const year = opts.year ?? DEFAULT_YEAR;
  const today = opts.today ?? todayOf(systemClock);
  const batchSize = opts.batchSize ?? 10_000;
  const progress = opts.onProgress ?? (() => undefined);
  let phase = 'reference';
  const step = (name: string, done: number, total: number) => {
    phase = name;
    progress(name, done, total);
  };

  try {
    step('reference', 0, 1);
    await db.tx((tx) => seedReference(tx));
    const nation = await loadNation(db);
    step('reference', 1, 1);

    const policyRng = new Rng(seed).fork('policies');
    const areaChunks = chunks(nation.areas, 50);
    let done = 0;
    step('policies', 0, nation.areas.length);
    for (const areas of areaChunks) {
      const policies = areas.flatMap((a) => generatePolicies(policyRng.fork(a.code), a.code, a.province, `${year - POLICY_YEARS_BACK}-01-01`));
      await db.tx((tx) => importPolicies(tx, actor, { policies }));
      step('policies', (done += areas.length), nation.areas.length);
    }

    const national = nationalCatalog(seed, opts.catalogItems ?? DEFAULT_CATALOG_ITEMS);
    step('catalogue', 0, nation.provinces.length);
    for (const [k, province] of nation.provinces.entries()) {
      const items = provinceCatalog(seed, national, province, year);
      await db.tx((tx) => importCatalog(tx, actor, { items }));
      step('catalogue', k + 1, nation.provinces.length);
    }

    const institutions = generateInstitutions(seed, nation, opts.institutions ?? DEFAULT_INSTITUTIONS);
    step('institutions', 0, institutions.length);
    for (const [k, part] of chunks(institutions, 5_000).entries()) {
      await db.tx((tx) => importInstitutions(tx, actor, { institutions: part }, { trusted: true }));
      step('institutions', Math.min(institutions.length, (k + 1) * 5_000), institutions.length);
    }

    const personas = generatePersonas(seed, nation, year, today);
    const keyed = credentialInstitutions(personas, institutions);
    const mappings = keyed.flatMap((i) => generateItemMappings(seed, i, national));
    step('mappings', 0, mappings.length);
    await db.tx((tx) => importItemMappings(tx, actor, { mappings }));
    step('mappings', mappings.length, mappings.length);

    step('persons', 0, persons);
    done = 0;
    for (const batch of generatePersons(seed, nation, persons, batchSize, year)) {
      await db.tx((tx) => importPersons(tx, actor, { persons: batch }, { trusted: true, today }));
      step('persons', (done += batch.length), persons);
    }

    const staff = generateStaff(seed, nation, personas, year);
    const accounts = personas.length + staff.length + keyed.length;
    step('accounts', 0, accounts);
    const creds = await db.tx(async (tx): Promise<DemoCredentials> => {
      await importPersons(tx, actor, { persons: personas.map((p) => p.record) }, { today });
      for (const p of personas) {
        const r = p.record;
        await createPersonLogin(tx, actor, { psn_no: r.psn_no, username: r.certno, password: p.password, display_name: r.name, insuplc_admdvs: r.insuplc_admdvs });
      }
      const filed = new Map<string, PersonaFiling[]>();
      for (const p of personas) filed.set(p.key, await filePersona(tx, p));
      for (const s of staff) await createStaffUser(tx, actor, s);
      const keys = [];
      for (const i of keyed) keys.push({ institution: i, key: await createInstitutionKey(tx, actor, i.code) });
      await store.insertRun(tx, seed, persons);
      return {
        seed,
        institutions: keys.map(({ institution: i, key }) => ({
          code: i.code,
          name: i.name,
          admdvs: i.admdvs,
          kind: i.kind,
          level: i.level,
          services: i.services,
          chronic_diseases: i.chronic_diseases,
          appId: key.appId,
          secret: key.secret,
        })),
        persons: personas.map((p) => ({
          persona: p.key,
          certno: p.record.certno,
          psn_no: p.record.psn_no,
          name: p.record.name,
          insutype: p.record.enrolments[0]!.insutype,
          insuplc_admdvs: p.record.insuplc_admdvs,
          ss_card_no: p.record.ss_card_no,
          evoucher_token: p.record.evoucher_token,
          password: p.password,
          filings: filed.get(p.key) ?? [],
          notes_zh: p.notes_zh,
          notes_en: p.notes_en,
        })),
        staff: staff.map(({ username, password, role, region }) => ({ username, password, role, region })),
      };
    });
    step('accounts', accounts, accounts);
    return creds;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    const message =
      `The demo stopped while writing ${phase}: ${why}. What was written before stays, without a completed demo run: ` +
      'start again on an empty database (a new YIDI_DATA directory or database).';
    if (err instanceof DomainError) throw new DomainError(err.code, message, err.issues);
    throw new Error(message, { cause: err });
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Whether a demo nation was completed in this database. */
export function demoExists(db: Db): Promise<boolean> {
  return store.runExists(db);
}

/** Writes `<dir>/demo-credentials.json`, readable by the owner only: it holds passwords and gateway secrets. */
export function writeCredentials(dir: string, creds: DemoCredentials): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'demo-credentials.json');
  fs.writeFileSync(file, `${JSON.stringify(creds, null, 2)}\n`, { mode: 0o600 });
  // The mode above applies only when the file is created; an older file keeps its own.
  fs.chmodSync(file, 0o600);
  return file;
}

/** What each persona shows for their kind of filing: the proof a real filing would carry. */
function proofFor(p: Persona, f: PersonaFiling): FilingProof {
  switch (f.kind) {
    case 'stationed_worker':
      return { type: 'posting_certificate', employer_name: p.record.enrolments[0]!.emp_name ?? '用人单位', certificate_no: `PC${p.record.psn_no.slice(-8)}` };
    case 'referral':
      return {
        type: 'referral_certificate',
        referring_institution_code: f.referred_by ?? '',
        referring_institution_name: '参保地定点医院',
        diag_code: 'C34.9',
        diag_name: '支气管和肺恶性肿瘤',
        reason: '参保地医疗条件所限，需转上级医院手术及放化疗',
      };
    case 'emergency':
      return { type: 'emergency', institution_code: f.referred_by ?? '', diag_code: 'I21.9', diag_name: '急性心肌梗死' };
    default:
      return { type: 'commitment', signed: true };
  }
}

/**
 * Makes the persona's filings through the filing service, each on the day it
 * was made (so an old temporary filing expires and its successor records that),
 * and approves those the insured place sends to review. Returns the filings as
 * stored, for the credentials.
 */
async function filePersona(tx: Queryable, p: Persona): Promise<PersonaFiling[]> {
  const out: PersonaFiling[] = [];
  for (const f of [...p.filings].sort((a, b) => a.begin.localeCompare(b.begin))) {
    const { filing } = await fileFiling(
      tx,
      actor,
      {
        psn_no: p.record.psn_no,
        insutype: p.record.enrolments[0]!.insutype,
        kind: f.kind,
        area: f.area,
        begin_date: f.begin,
        channel: f.channel,
        proof: proofFor(p, f),
        ...(f.agent ? { agent: f.agent } : {}),
      },
      f.begin,
    );
    if (filing.status === 'pending_review') await reviewFiling(tx, actor, filing.id, { approve: true, reason: '' });
    out.push({ ...f, end: filing.end_date });
  }
  return out;
}
