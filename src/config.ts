import path from 'node:path';
import type { ClearingSettings } from './clearing/model.ts';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  logLevel: string;
  demoSeed: number;
  demoPersons: number;
  /** where manual-claim documents are kept: a directory, or null for the database (the embedded default) */
  documentsDir: string | null;
  /** the largest document accepted, in bytes */
  documentMaxBytes: number;
  /** the monthly clearing and the prepaid funds (docs/clearing.md) */
  clearing: ClearingSettings;
}

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

function boundedInt(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const n = intFrom(env, name, fallback);
  if (n < min || n > max) throw new Error(`${name} must be ${min}..${max}, got ${n}`);
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const logLevel = env.YIDI_LOG_LEVEL ?? env.LOG_LEVEL ?? 'info';
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  if (!levels.includes(logLevel)) throw new Error(`YIDI_LOG_LEVEL must be one of ${levels.join(', ')}, got "${logLevel}"`);
  const port = intFrom(env, 'PORT', 8080);
  if (port > 65535) throw new Error(`PORT must be 0..65535, got ${port}`);
  const documentMaxBytes = intFrom(env, 'YIDI_DOCUMENT_MAX_BYTES', 10 * 1024 * 1024);
  if (documentMaxBytes < 1) throw new Error(`YIDI_DOCUMENT_MAX_BYTES must be at least 1, got ${documentMaxBytes}`);
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    dataDir: path.resolve(env.YIDI_DATA ?? './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    logLevel,
    demoSeed: intFrom(env, 'YIDI_DEMO_SEED', 20260101),
    demoPersons: intFrom(env, 'YIDI_DEMO_PERSONS', 10000),
    documentsDir: env.YIDI_DOCUMENTS_DIR ? path.resolve(env.YIDI_DOCUMENTS_DIR) : null,
    documentMaxBytes,
    clearing: {
      prepaidMonths: boundedInt(env, 'YIDI_CLEARING_PREPAID_MONTHS', 2, 1, 12),
      prepaidWarnBp: boundedInt(env, 'YIDI_CLEARING_WARN_BP', 5000, 0, 10000),
      confirmWorkingDays: boundedInt(env, 'YIDI_CLEARING_CONFIRM_DAYS', 5, 0, 60),
    },
  };
}
