import type { FastifyServerOptions } from 'fastify';

/**
 * Personal data never reaches the logs: request bodies are not logged, and any
 * logged object's personal fields are censored wherever they appear.
 */
export const personalFields = ['certno', 'psn_cert_no', 'mdtrt_cert_no', 'name', 'psn_name', 'phone', 'tel', 'password', 'ss_card_no', 'evoucher_token', 'secret'];

export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    redact: {
      paths: [...personalFields, ...personalFields.map((f) => `*.${f}`), 'req.headers.cookie', 'req.headers["x-tif-signature"]', 'res.headers["set-cookie"]'],
      censor: '[masked]',
    },
    serializers: {
      req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url.replace(/(certno|mdtrt_cert_no)=[^&]*/g, '$1=[masked]') }),
    },
  };
}
