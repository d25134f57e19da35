import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePolicies } from '../src/demo/policies.ts';
import { Rng } from '../src/demo/rng.ts';

// The `yidi` command as a user runs it, on its own embedded database.
const bin = path.resolve('bin/yidi.mjs');
let dir: string;

function yidi(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    env: { ...process.env, YIDI_DATA: dir, DATABASE_URL: '', YIDI_LOG_LEVEL: 'warn' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yidi-cli-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('yidi CLI', () => {
  it('migrates an empty data directory, then has nothing to do', () => {
    const first = yidi('migrate');
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(/Applied: 0001_foundation/);
    expect(yidi('migrate').out).toMatch(/up to date/);
  });

  it('rejects a policy file whole, listing every bad field, and writes nothing', () => {
    const [good] = generatePolicies(new Rng(1), '440100', '440000', '2026-01-01');
    const bad = structuredClone(good!);
    bad.benefits[1]!.bands[0]!.ratio_bp = 12000;
    bad.settings.temporary_validity_months = 3;
    const file = path.join(dir, 'policies.json');
    fs.writeFileSync(file, JSON.stringify({ policies: [good, bad] }));
    const r = yidi('import', 'policy', file);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/nothing was imported/);
    expect(r.err).toContain('policies[1].benefits[1].bands[0].ratio_bp');
    expect(r.err).toContain('policies[1].settings.temporary_validity_months');
    const exported = yidi('export', 'policy');
    expect(JSON.parse(exported.out)).toEqual({ policies: [] });
  });

  it('imports a good file and exports the same documents', () => {
    const docs = generatePolicies(new Rng(2), '440300', '440000', '2026-01-01');
    const file = path.join(dir, 'good.json');
    fs.writeFileSync(file, JSON.stringify({ policies: docs }));
    const r = yidi('import', 'policy', file);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/Imported 2 policy/);
    const out = path.join(dir, 'out.json');
    expect(yidi('export', 'policy', '--area', '440300', '--out', out).code).toBe(0);
    expect(JSON.parse(fs.readFileSync(out, 'utf8')).policies).toHaveLength(2);
  });

  it('says clearly when a file is not JSON or the kind is unknown', () => {
    const file = path.join(dir, 'broken.json');
    fs.writeFileSync(file, '{"policies": [');
    expect(yidi('import', 'policy', file).err).toMatch(/not valid JSON/);
    expect(yidi('import', 'spells', file).err).toMatch(/kind must be one of/);
  });
});
