import { signature } from '../../src/auth/gateway.ts';

/** The gateway headers a hospital system signs a request with. */
export function gatewayHeaders(key: { appId: string; secret: string }, at: Date, nonce: string): Record<string, string> {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  return { 'x-tif-paasid': key.appId, 'x-tif-timestamp': timestamp, 'x-tif-nonce': nonce, 'x-tif-signature': signature(timestamp, key.secret, nonce) };
}

/** A request envelope as a HIS fills it in (his-interface.md), for `input` of transaction `infno`. */
export function hisEnvelope(
  infno: string,
  input: unknown,
  e: { msgid: string; fixmedins_code: string; mdtrtarea_admvs: string; insuplc_admdvs: string },
  over: Record<string, unknown> = {},
) {
  return {
    infno,
    ...e,
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
    fixmedins_name: '',
    sign_no: '',
    input,
    ...over,
  };
}
