import fs from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { loadConfig, type Config } from './config.ts';
import { systemClock } from './core/clock.ts';
import { DomainError } from './core/errors.ts';
import { DirectoryLockedError } from './db/lock.ts';
import type { Principal } from './auth/model.ts';
import { buildApp } from './app.ts';
import { ensureWebBuilt } from './http/web.ts';
import { openConfigured, credentialsPath } from './cli/context.ts';
import { peakRssMiB, progressReporter } from './cli/progress.ts';
import { demoExists, seedDemo, writeCredentials } from './demo/service.ts';
import * as people from './people/service.ts';
import * as institutions from './institutions/service.ts';
import * as catalog from './catalog/service.ts';
import * as policy from './policy/service.ts';

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
