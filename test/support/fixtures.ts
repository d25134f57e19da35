import type { Principal } from '../../src/auth/model.ts';
import { certnoFor } from '../../src/core/idcard.ts';
import { psnNo } from '../../src/core/ids.ts';
import type { Queryable } from '../../src/db/pool.ts';
import { generatePolicies } from '../../src/demo/policies.ts';
import { Rng } from '../../src/demo/rng.ts';
import type { PersonRecord } from '../../src/people/model.ts';
import { importPersons } from '../../src/people/service.ts';
import type { PolicySettings } from '../../src/policy/model.ts';
import { importPolicies } from '../../src/policy/service.ts';
import { seedReference } from '../../src/reference/service.ts';

export const system: Principal = { kind: 'system', name: 'test' };

/** Reference data and the demo generator's policies for `areas`, with settings overridden where a test needs them. */
export async function seedPlaces(tx: Queryable, areas: string[], settings: Partial<PolicySettings> = {}, begndate = '2026-01-01'): Promise<void> {
  await seedReference(tx);
  const rng = new Rng(7);
  const policies = areas.flatMap((area) =>
    generatePolicies(rng, area, `${area.slice(0, 2)}0000`, begndate).map((doc) => ({ ...doc, settings: { ...doc.settings, ...settings } })),
  );
  await importPolicies(tx, system, { policies });
}

let serial = 1;

/** A valid insured person of `area`; employees (310) get a personal account. */
export function personOf(area: string, opts: { insutype?: '310' | '390'; psnType?: string; birth?: string; name?: string } = {}): PersonRecord {
  const insutype = opts.insutype ?? '310';
  const birth = opts.birth ?? '1958-04-12';
  const n = serial++;
  const certno = certnoFor(`${area.slice(0, 4)}02`, birth, (n * 2) % 1000);
  return {
    psn_no: psnNo(area, 900000 + n),
    psn_cert_type: '01',
    certno,
    ss_card_no: null,
    ss_card_sn: null,
    evoucher_token: null,
    name: opts.name ?? `测试${n}`,
    gender: Number(certno[16]) % 2 === 1 ? '1' : '2',
    naty: '01',
    birth_date: birth,
    phone: null,
    insuplc_admdvs: area,
    enrolments: [
      {
        insutype,
        psn_type: opts.psnType ?? (insutype === '310' ? '1201' : '1501'),
        insuplc_admdvs: area,
        status: 'active',
        begin_date: '2000-01-01',
        suspended_date: null,
        cvlserv_flag: '0',
        emp_name: null,
      },
    ],
    ...(insutype === '310' ? { account_balance_fen: 500000 as never } : {}),
  };
}

export async function addPersons(tx: Queryable, persons: PersonRecord[]): Promise<void> {
  await importPersons(tx, system, { persons });
}

export function personActor(p: PersonRecord): Principal {
  return { kind: 'person', userId: 0, psnNo: p.psn_no, name: p.name };
}
