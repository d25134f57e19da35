import Type from 'typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RouteModule } from '../http/types.ts';
import { createDispatcher, type Answer } from './dispatcher.ts';
import { HisFault } from './envelope.ts';
import { transactions } from './transactions.ts';

const EXAMPLE = {
  infno: '1101',
  msgid: 'H44030000009202611231000000001',
  mdtrtarea_admvs: '440300',
  insuplc_admdvs: '',
  recer_sys_code: 'YBXT',
  dev_no: '',
  dev_safe_info: '',
  cainfo: '',
  signtype: '',
  infver: 'V1.0',
  opter_type: '1',
  opter: 'D001',
  opter_name: '张敏',
  inf_time: '2026-11-23 10:00:00',
  fixmedins_code: 'H44030000009',
  fixmedins_name: '深圳市第二人民医院',
  sign_no: '',
  input: { data: { mdtrt_cert_type: '02', mdtrt_cert_no: '230102195804120026', card_sn: '', psn_cert_type: '01', certno: '230102195804120026', psn_name: '' } },
};

const Text = (description: string) => Type.Optional(Type.String({ description }));

// Documentation only: the envelope is read by the dispatcher, which names bad fields as the HIS calls them.
const RequestEnvelope = Type.Object(
  {
    infno: Type.String({ description: 'transaction code, e.g. "1101"; optional in the body when the address carries it' }),
    msgid: Type.String({ description: 'institution code (12) + yyyyMMddHHmmss + 4-digit serial: the idempotency key of write transactions' }),
    mdtrtarea_admvs: Text('treatment-place division'),
    insuplc_admdvs: Text('insured-place division (from the 1101 answer)'),
    recer_sys_code: Text('receiver system code, not checked'),
    dev_no: Text('device number'),
    dev_safe_info: Text('device security information'),
    cainfo: Text('signature over input (usually empty)'),
    signtype: Text('signature algorithm'),
    infver: Text('interface version, e.g. V1.0'),
    opter_type: Text('1 operator, 2 self-service kiosk, 3 mobile'),
    opter: Text('operator code'),
    opter_name: Text('operator name'),
    inf_time: Text('yyyy-MM-dd HH:mm:ss'),
    fixmedins_code: Type.String({ description: 'the institution the request is signed for' }),
    fixmedins_name: Text('institution name'),
    sign_no: Text('sign-in serial from 9001'),
    input: Type.Object({}, { additionalProperties: true, description: "the transaction's input" }),
  },
  { additionalProperties: true, examples: [EXAMPLE] },
);

const ResponseEnvelope = Type.Object({
  infcode: Type.Integer({ description: '0 success, -1 system error (reverse with 2601), -2 business error for the operator' }),
  inf_refmsgid: Type.String({ description: 'receiver division (6) + yyyyMMddHHmmss + 10-digit serial' }),
  refmsg_time: Type.String({ description: 'yyyyMMddHHmmssSSS, request received' }),
  respond_time: Type.String({ description: 'yyyyMMddHHmmssSSS, answered' }),
  err_msg: Type.String({ description: 'on failure: what is wrong and what to do, at most 200 characters' }),
  warn_msg: Type.String(),
  cainfo: Type.String(),
  signtype: Type.String(),
  enctype: Type.String(),
  output: Type.Object({}, { additionalProperties: true }),
});

const description = (style: string) =>
  `${style} Authenticate with the gateway headers x-tif-paasid, x-tif-timestamp (seconds), x-tif-nonce and x-tif-signature = hex SHA-256 of timestamp + secret + nonce + timestamp. ` +
  `Bodies may be application/json or text/plain. Every answer, failures included, is HTTP 200 with the response envelope. Supported: ${transactions.map((t) => t.infno).join(', ')} (see docs/his.md).`;

function send(reply: FastifyReply, answer: Answer, request: FastifyRequest): FastifyReply {
  if (answer.error !== undefined) request.log.error({ err: answer.error }, 'HIS transaction failed');
  return reply.code(200).type('application/json; charset=utf-8').send(answer.response);
}

/**
 * The NHSA-compatible interface under /fsi: a scope of its own in which any
 * body is read as text (the dispatcher parses it, so a bad body is an envelope
 * too), schemas only document, and every error — the gateway signature
 * refused by the auth hook included — is answered as an envelope with HTTP 200.
 */
export const routes: RouteModule = async (app, deps) => {
  const dispatcher = createDispatcher(transactions, deps);

  await app.register(
    async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
      scope.setValidatorCompiler(() => () => true);
      scope.setSerializerCompiler(() => (data) => JSON.stringify(data));
      scope.setErrorHandler(async (err, request, reply) => send(reply, await dispatcher.fail(err), request));
      scope.setNotFoundHandler(async (request, reply) =>
        send(
          reply,
          await dispatcher.fail(
            new HisFault(-2, `There is no ${request.method} ${request.url.split('?')[0]!.slice(0, 60)} here: POST to /fsi/api/rsfComIfsService/callService or /fsi/api/{infno}.`),
          ),
          request,
        ),
      );

      const schema = (style: string, extra: object = {}) => ({
        tags: ['his'],
        summary: style,
        description: description(style),
        consumes: ['application/json', 'text/plain'],
        body: RequestEnvelope,
        response: { 200: ResponseEnvelope },
        ...extra,
      });

      scope.post(
        '/api/rsfComIfsService/callService',
        { schema: schema('Call a transaction: the code in the body (infno).') },
        async (request, reply) => send(reply, await dispatcher.call({ body: request.body, principal: request.principal }), request),
      );

      scope.post<{ Params: { infno: string } }>(
        '/api/:infno',
        {
          schema: schema('Call a transaction: the code in the address (base URL + infno); a body infno must agree.', {
            params: Type.Object({ infno: Type.String({ description: 'transaction code', examples: ['1101'] }) }),
          }),
        },
        async (request, reply) =>
          // An address ending in /fsi/api/ carries no code: the body's infno is read as at the single endpoint.
          send(reply, await dispatcher.call({ body: request.body, urlInfno: request.params.infno || undefined, principal: request.principal }), request),
      );
    },
    { prefix: '/fsi' },
  );
};
