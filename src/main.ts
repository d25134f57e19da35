import fs from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { loadConfig, type Config } from './config.ts';
import { businessDate, systemClock } from './core/clock.ts';
import { DomainError } from './core/errors.ts';
import { DirectoryLockedError } from './db/lock.ts';
import type { Principal } from './auth/model.ts';
import { buildApp } from './app.ts';
import { ensureWebBuilt } from './http/web.ts';
import { openConfigured, credentialsPath } from './cli/context.ts';
import { peakRssMiB, progressReporter } from './cli/progress.ts';
import { demoExists, seedDemo, writeCredentials } from './demo/service.ts';
import { seedMoneyHistory } from './demo/history.ts';
import * as people from './people/service.ts';
import * as institutions from './institutions/service.ts';
import * as catalog from './catalog/service.ts';
import * as policy from './policy/service.ts';
import * as clearing from './clearing/service.ts';
import { formatYuan, parseYuan, type Fen } from './core/money.ts';

const cliActor: Principal = { kind: 'system', name: 'cli' };

const importers = {
  persons: people.importPersons,
  institutions: institutions.importInstitutions,
  mappings: institutions.importItemMappings,
  catalog: catalog.importCatalog,
  policy: policy.importPolicies,
} as const;

const exporters = {
  persons: (tx, area) => people.exportPersons(tx, cliActor, { insuplc_admdvs: area }),
  institutions: (tx, area) => institutions.exportInstitutions(tx, cliActor, { admdvs: area }),
  mappings: (tx, area) => institutions.exportItemMappings(tx, cliActor, { admdvs: area }),
  catalog: (tx, area) => catalog.exportCatalog(tx, cliActor, { province: area }),
  policy: (tx, area) => policy.exportPolicies(tx, cliActor, { pooling_area: area }),
} satisfies Record<string, (tx: import('./db/pool.ts').Queryable, area: string | undefined) => Promise<unknown>>;

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer');
  return n;
}

async function seedWithProgress(db: import('./db/pool.ts').Db, config: Config, persons: number, seed: number) {
  const progress = progressReporter();
  const started = performance.now();
  const creds = await seedDemo(db, { seed, persons, onProgress: progress.update });
  progress.done();
  const history = await seedMoneyHistory(db, {
    seed,
    today: businessDate(new Date()),
    settlementsPerMonth: Math.max(100, Math.min(2_000, Math.round(persons / 5))),
    settings: config.clearing,
    now: new Date(),
  });
  console.log(`Demo settlements: ${history.settlements.toLocaleString('en')} in ${history.months.join(' and ')}, the first cleared, the second awaiting the provinces' confirmation.`);
  const seconds = (performance.now() - started) / 1000;
  const file = credentialsPath(config);
  writeCredentials(config.dataDir, creds);
  console.log(
    `Demo nation ready: ${persons.toLocaleString('en')} persons in ${seconds.toFixed(1)} s ` +
      `(${Math.round(persons / seconds).toLocaleString('en')} persons/s), peak memory ${peakRssMiB()} MiB.`,
  );
  console.log(`Demo credentials: ${file}`);
}

async function serve(config: Config, opts: { demo: boolean }) {
  const started = performance.now();
  const opened = await openConfigured(config);
  const { db } = opened;
  if (opts.demo && !(await demoExists(db))) {
    console.log('First start: creating the demo nation (this takes a little while, once).');
    await seedWithProgress(db, config, config.demoPersons, config.demoSeed);
  }
  const webDir = await ensureWebBuilt({ log: (m) => console.log(m) });
  const app = await buildApp({ db, clock: systemClock, config }, { webDir });
  const shutdown = async () => {
    await app.close();
    await opened.close();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  const address = await app.listen({ port: config.port, host: config.host });
  const base = address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');
  const where = config.databaseUrl ? 'PostgreSQL server (DATABASE_URL)' : `embedded PostgreSQL in ${config.dataDir}`;
  console.log(`Yidi is running on ${where}, started in ${((performance.now() - started) / 1000).toFixed(2)} s.
  Portal:             ${base}/
  API docs:           ${base}/docs
  Hospital interface: ${base}/fsi/api/
  Demo credentials:   ${credentialsPath(config)}`);
}

const program = new Command()
  .name('yidi')
  .description('Yidi (异地): cross-regional medical insurance direct settlement')
  .showHelpAfterError();

program
  .command('serve', { isDefault: true })
  .description('start the server (creates the schema and the demo nation on first start)')
  .option('--no-demo', 'do not create the demo nation on an empty database')
  .action(async (opts: { demo: boolean }) => serve(loadConfig(), opts));

program
  .command('migrate')
  .description('apply pending database migrations')
  .action(async () => {
    const opened = await openConfigured(loadConfig());
    console.log(opened.applied.length ? `Applied: ${opened.applied.join(', ')}` : 'The schema is up to date.');
    await opened.close();
  });

program
  .command('demo')
  .description('create the deterministic demo nation in an empty database')
  .option('--persons <n>', 'number of persons', positiveInt)
  .option('--seed <n>', 'random seed', positiveInt)
  .action(async (opts: { persons?: number; seed?: number }) => {
    const config = loadConfig();
    const opened = await openConfigured(config);
    try {
      if (await demoExists(opened.db)) {
        throw new DomainError('conflict', `This database already holds a demo nation. Use an empty YIDI_DATA directory or database.`);
      }
      await seedWithProgress(opened.db, config, opts.persons ?? config.demoPersons, opts.seed ?? config.demoSeed);
    } finally {
      await opened.close();
    }
  });

program
  .command('import')
  .description('import a JSON file; a file with any error is rejected whole, nothing written')
  .argument('<kind>', `one of: ${Object.keys(importers).join(', ')}`)
  .argument('<file>', 'JSON file')
  .action(async (kind: string, file: string) => {
    if (!(kind in importers)) throw new InvalidArgumentError(`kind must be one of ${Object.keys(importers).join(', ')}`);
    const data = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    const opened = await openConfigured(loadConfig());
    try {
      const result = await opened.db.tx((tx) => importers[kind as keyof typeof importers](tx, cliActor, data as never));
      console.log(`Imported ${result.imported} ${kind} record(s) from ${file}.`);
    } finally {
      await opened.close();
    }
  });

program
  .command('export')
  .description('export as JSON in the shape import takes')
  .argument('<kind>', `one of: ${Object.keys(exporters).join(', ')}`)
  .option('--area <code>', 'only this region (insured place, pooling area or province)')
  .option('--out <file>', 'write to a file instead of standard output')
  .action(async (kind: string, opts: { area?: string; out?: string }) => {
    if (!(kind in exporters)) throw new InvalidArgumentError(`kind must be one of ${Object.keys(exporters).join(', ')}`);
    const opened = await openConfigured(loadConfig());
    try {
      const data = await exporters[kind as keyof typeof exporters](opened.db, opts.area);
      const text = JSON.stringify(data, null, 2);
      if (opts.out) fs.writeFileSync(opts.out, text);
      else process.stdout.write(text + '\n');
    } finally {
      await opened.close();
    }
  });

/** Runs `fn` on the configured database with today's date in Asia/Shanghai. */
async function withDb<T>(fn: (db: import('./db/pool.ts').Db, config: Config, o: { today: string; now: Date }) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const opened = await openConfigured(config);
  try {
    const now = systemClock.now();
    return await fn(opened.db, config, { today: businessDate(now), now });
  } finally {
    await opened.close();
  }
}

program
  .command('clear')
  .description('close and clear a month between provinces: statements, confirmations, fund movements (run again to resume or to finish after confirmation)')
  .argument('<month>', 'yyyy-MM, a month that has ended')
  .action(async (month: string) =>
    withDb(async (db, config, o) => {
      const progress = progressReporter();
      const started = performance.now();
      const r = await clearing.clearMonth(db, cliActor, month, { ...o, settings: config.clearing, onProgress: progress.update });
      progress.done();
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `Month ${r.month}: ${r.status}. ${r.settlements.toLocaleString('en')} settlements, ${r.statements} statements in ${seconds.toFixed(1)} s ` +
          `(${Math.round(r.settlements / Math.max(seconds, 0.001)).toLocaleString('en')} settlements/s), peak memory ${peakRssMiB()} MiB.`,
      );
      console.log(`Net between provinces: ${formatYuan(r.net_total_fen)} yuan.${r.deemed > 0 ? ` ${r.deemed} confirmations deemed given after ${r.confirm_by}.` : ''}`);
      if (r.status === 'issued') console.log(`${r.awaiting} statements await confirmation until ${r.confirm_by}; run \`yidi clear ${r.month}\` again once confirmed or after that day.`);
    }),
  );

const prepaid = program.command('prepaid').description("the insured provinces' prepaid funds (预付金) held at the national level");

prepaid
  .command('init')
  .description("size every province's prepaid funds for a year from the previous year's cross-provincial payments (the initial amount, then the yearly adjustment)")
  .argument('<year>', 'the year to size, e.g. 2027', positiveInt)
  .action(async (year: number) =>
    withDb(async (db, config, o) => {
      const sized = await db.tx((tx) => clearing.sizePrepaid(tx, cliActor, year, { ...o, settings: config.clearing }));
      for (const s of sized) {
        console.log(`${s.province}  base ${formatYuan(s.target.base_fen)}  target ${formatYuan(s.target.target_fen)}  moved ${formatYuan(s.moved_fen)}`);
      }
      console.log(`${sized.length} province(s) sized for ${year} (${config.clearing.prepaidMonths} months).`);
    }),
  );

prepaid
  .command('top-up')
  .description("record a top-up of a province's prepaid funds from its fund")
  .argument('<province>', 'PP0000')
  .argument('<yuan>', 'amount in yuan, e.g. 1000000.00')
  .option('--reason <text>', 'why')
  .option('--key <key>', 'idempotency key: the same key again moves nothing')
  .action(async (province: string, yuan: string, opts: { reason?: string; key?: string }) =>
    withDb(async (db, _config, o) => {
      const m = await db.tx((tx) => clearing.topUpPrepaid(tx, cliActor, { province, amount_fen: parseYuan(yuan, 'yuan'), ...opts }, o));
      console.log(`${m.transfer_id}: ${formatYuan(m.amount_fen)} yuan into the prepaid funds of ${m.province}.`);
    }),
  );

prepaid
  .command('adjust')
  .description("adjust a province's prepaid funds outside the yearly sizing")
  .argument('<province>', 'PP0000')
  .option('--in <yuan>', 'move this much into the prepaid funds')
  .option('--out <yuan>', 'move this much back to the province fund')
  .requiredOption('--reason <text>', 'why')
  .option('--key <key>', 'idempotency key')
  .action(async (province: string, opts: { in?: string; out?: string; reason: string; key?: string }) => {
    if ((opts.in === undefined) === (opts.out === undefined)) throw new InvalidArgumentError('give either --in or --out');
    const amount = opts.in !== undefined ? parseYuan(opts.in, 'in') : (-parseYuan(opts.out!, 'out') as Fen);
    await withDb(async (db, _config, o) => {
      const m = await db.tx((tx) =>
        clearing.adjustPrepaid(tx, cliActor, { province, amount_fen: amount, reason: opts.reason, ...(opts.key ? { key: opts.key } : {}) }, o),
      );
      console.log(`${m.transfer_id}: ${formatYuan(m.amount_fen)} yuan (${m.reason}).`);
    });
  });

prepaid
  .command('show')
  .description('prepaid fund levels: held, uncleared, available, target and warnings')
  .argument('[province]', 'PP0000: only this province')
  .action(async (province: string | undefined) =>
    withDb(async (db, config, o) => {
      const levels = await clearing.prepaidLevels(db, cliActor, { today: o.today, settings: config.clearing });
      const shown = province ? levels.filter((l) => l.province === province) : levels;
      const y = (f: Fen | null) => (f === null ? '-' : formatYuan(f)).padStart(16);
      console.log(`${'province'.padEnd(10)}${'prepaid'.padStart(16)}${'uncleared'.padStart(16)}${'available'.padStart(16)}${'target'.padStart(16)}  warning`);
      for (const l of shown) {
        console.log(`${l.province.padEnd(10)}${y(l.prepaid_fen)}${y(l.uncleared_fen)}${y(l.available_fen)}${y(l.target_fen)}  ${l.warning ? `top up ${formatYuan(l.suggested_topup_fen)}` : ''}`);
      }
    }),
  );

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof DomainError) {
    console.error(`yidi: ${err.message}`);
    for (const issue of err.issues.slice(0, 50)) console.error(`  ${issue.path}: ${issue.message}`);
    if (err.issues.length > 50) console.error(`  … and ${err.issues.length - 50} more`);
  } else if (err instanceof DirectoryLockedError || err instanceof InvalidArgumentError) {
    console.error(`yidi: ${err.message}`);
  } else if (err instanceof SyntaxError) {
    console.error(`yidi: the file is not valid JSON: ${err.message}`);
  } else {
    console.error(err);
  }
  process.exit(1);
});
