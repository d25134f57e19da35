/**
 * Domain errors carry a stable machine code, an HTTP-ish status and, when the
 * fault is in the input, the path of the offending field, so every interface
 * (REST problem+json, the HIS envelope, the CLI) can say exactly what is wrong.
 */
export type ErrorCode =
  | 'validation'
  | 'not_found'
  | 'forbidden'
  | 'unauthenticated'
  | 'conflict'
  | 'locked'
  | 'business_rule';

const statusByCode: Record<ErrorCode, number> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  locked: 423,
  business_rule: 422,
};

export interface FieldIssue {
  /** Path like `policies[3].bands[1].ratio_bp`. */
  path: string;
  message: string;
}

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly issues: FieldIssue[];
  /** Facts the caller needs to act on the error (e.g. the existing filing), sent as problem extension members. */
  readonly extra: Record<string, unknown> | undefined;
  constructor(code: ErrorCode, message: string, issues: FieldIssue[] = [], extra?: Record<string, unknown>) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.issues = issues;
    this.extra = extra;
  }
  get status(): number {
    return statusByCode[this.code];
  }
}

export function invalid(path: string, message: string): DomainError {
  return new DomainError('validation', `${path}: ${message}`, [{ path, message }]);
}

export function invalidMany(issues: FieldIssue[], summary = 'the input has errors'): DomainError {
  const first = issues.slice(0, 5).map((i) => `${i.path}: ${i.message}`).join('; ');
  const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : '';
  return new DomainError('validation', `${summary}: ${first}${more}`, issues);
}

export const notFound = (what: string) => new DomainError('not_found', `${what} was not found`);
export const forbidden = (why: string) => new DomainError('forbidden', why);
export const conflict = (why: string) => new DomainError('conflict', why);

/** The SQLSTATE of the clearing guard (migrations/0010_clearing.sql): a row dated in a month already closed. */
export const MONTH_CLOSED_SQLSTATE = 'YC001';

/**
 * A refusal the database itself makes for a business rule, as the domain
 * error it is (the guard's own message says what to do); null for any other
 * failure.
 */
export function domainErrorOfDatabase(err: unknown): DomainError | null {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (e && e.code === MONTH_CLOSED_SQLSTATE && typeof e.message === 'string') return new DomainError('locked', e.message);
  return null;
}
