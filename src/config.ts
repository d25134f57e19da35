import path from 'node:path';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  logLevel: string;
  demoSeed: number;
  demoPersons: number;
}

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const logLevel = env.YIDI_LOG_LEVEL ?? env.LOG_LEVEL ?? 'info';
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  if (!levels.includes(logLevel)) throw new Error(`YIDI_LOG_LEVEL must be one of ${levels.join(', ')}, got "${logLevel}"`);
  const port = intFrom(env, 'PORT', 8080);
  if (port > 65535) throw new Error(`PORT must be 0..65535, got ${port}`);
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    dataDir: path.resolve(env.YIDI_DATA ?? './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    logLevel,
    demoSeed: intFrom(env, 'YIDI_DEMO_SEED', 20260101),
    demoPersons: intFrom(env, 'YIDI_DEMO_PERSONS', 10000),
  };
}
