import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, domainErrorOfDatabase, type FieldIssue } from '../core/errors.ts';
import { fieldPath } from '../core/validate.ts';

/** RFC 9457 problem details; `errors` names each bad field. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: FieldIssue[];
  [extension: string]: unknown;
}

const titles: Record<number, string> = {
  400: 'Invalid request',
  401: 'Sign-in required',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Conflict',
  413: 'Request too large',
  415: 'Unsupported media type',
  422: 'Business rule',
  423: 'Locked',
  429: 'Too many requests',
  500: 'Internal error',
};

export function problem(status: number, code: string, detail: string, errors?: FieldIssue[]): Problem {
  return {
    // A URN, not a URL: there is no page to fetch, and no domain of ours to point at.
    type: `urn:yidi:problem:${code}`,
    title: titles[status] ?? 'Error',
    status,
    detail,
    code,
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
}

function fromFastifyValidation(err: FastifyError): Problem {
  const ctx = err.validationContext ?? 'body';
  const issues: FieldIssue[] = (err.validation ?? []).map((v) => {
    const missing = (v.params as { missingProperty?: string }).missingProperty;
    const base = fieldPath(v.instancePath ?? '', '');
    const path = missing ? (base === '(root)' ? missing : `${base}.${missing}`) : base === '(root)' ? ctx : base;
    return { path: `${ctx}.${path}`.replace(`${ctx}.${ctx}`, ctx), message: missing ? 'is required' : (v.message ?? 'is invalid') };
  });
  const detail = issues.map((i) => `${i.path} ${i.message}`).join('; ') || err.message;
  return problem(400, 'validation', detail, issues);
}

export function toProblem(thrown: unknown): Problem {
  const err = domainErrorOfDatabase(thrown) ?? thrown;
  if (err instanceof DomainError) return { ...problem(err.status, err.code, err.message, err.issues), ...err.extra };
  const fe = err as FastifyError;
  if (fe && fe.validation) return fromFastifyValidation(fe);
  if (fe && typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code = fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'unsupported_media_type' : fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'too_large' : 'bad_request';
    return problem(fe.statusCode, code, fe.message);
  }
  return problem(500, 'internal', 'Something went wrong on our side. It has been logged; please try again later.');
}

export function sendProblem(reply: FastifyReply, p: Problem): FastifyReply {
  return reply.code(p.status).type('application/problem+json').send(p);
}

export function errorHandler(err: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const p = toProblem(err);
  if (p.status >= 500) request.log.error({ err }, 'request failed');
  return sendProblem(reply, p);
}
