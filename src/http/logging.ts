import type { FastifyServerOptions } from 'fastify';
import { maskCertno, maskPhone } from '../people/service.ts';

/**
 * Personal data never reaches the logs: request bodies are not logged, any
 * logged object's personal fields are censored wherever they appear, and URLs
 * lose the query values that can carry them and any ID- or phone-number-shaped
 * run in the path.
 */
export const personalFields = ['certno', 'psn_cert_no', 'mdtrt_cert_no', 'name', 'psn_name', 'phone', 'tel', 'password', 'ss_card_no', 'evoucher_token', 'secret'];
const personalQuery = new Set(['q', ...personalFields]);

export function maskUrl(url: string): string {
  const [pathPart, query] = url.split('?', 2) as [string, string | undefined];
  const path = pathPart.replace(/\d{17}[\dXx]/g, maskCertno).replace(/(?<!\d)1\d{10}(?!\d)/g, maskPhone);
  if (query === undefined) return path;
  const masked = query
    .split('&')
    .map((pair) => {
      const [key] = pair.split('=', 1);
      return key !== undefined && personalQuery.has(key) ? `${key}=[masked]` : pair.replace(/\d{17}[\dXx]/g, maskCertno);
    })
    .join('&');
  return `${path}?${masked}`;
}

export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    redact: {
      paths: [...personalFields, ...personalFields.map((f) => `*.${f}`), 'req.headers.cookie', 'req.headers["x-tif-signature"]', 'res.headers["set-cookie"]'],
      censor: '[masked]',
    },
    serializers: {
      req: (req: { method: string; url: string }) => ({ method: req.method, url: maskUrl(req.url) }),
    },
  };
}
