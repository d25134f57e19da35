import Type from 'typebox';
import { invalid } from '../core/errors.ts';
import type { StoredFile } from '../reconciliation/model.ts';
import * as reconciliation from '../reconciliation/service.ts';
import { hisTime } from './envelope.ts';
import { transaction, type InstitutionPrincipal } from './model.ts';
import { naming } from './settlement.ts';

/**
 * File transfer: 9101 upload and 9102 download of the files reconciliation
 * exchanges (the hospital's detail file for 3202, the 3202 result). Content
 * travels in the JSON: base64 text, or the bytes as an array of numbers as
 * some HIS serialise a byte[] (−128..127 or 0..255). Translators only.
 */

/** The fixmedins_code inside the input, when sent, must be the signed institution's. */
export function sameInstitution(given: string | undefined, principal: InstitutionPrincipal, path: string): void {
  if (given !== undefined && given.trim() !== principal.code) {
    throw invalid(path, `is ${given.slice(0, 20)} but the request is signed for ${principal.code}: send your own institution code`);
  }
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

function bytesOf(data: string | number[], path: string): Buffer {
  if (Array.isArray(data)) return Buffer.from(data.map((b) => b & 0xff));
  const s = data.replace(/\s+/g, '');
  if (!BASE64.test(s) || s.replace(/=+$/, '').length % 4 === 1) throw invalid(path, 'must be the file content in base64 (or an array of bytes)');
  return Buffer.from(s, s.includes('-') || s.includes('_') ? 'base64url' : 'base64');
}

const fileInfo = (f: StoredFile) => ({
  file_qury_no: f.file_qury_no,
  filename: f.filename,
  file_size: f.file_size,
  sha256: f.sha256,
  dld_endtime: hisTime(f.dld_endtime),
});

const upload = transaction({
  infno: '9101',
  write: true,
  summary: 'File upload: answers the file_qury_no that 3202 names the file by',
  input: Type.Object({
    fsUploadIn: Type.Object({
      file_data: Type.Union([Type.String(), Type.Array(Type.Integer({ minimum: -128, maximum: 255 }))], { description: 'the file content: base64, or an array of bytes' }),
      filename: Type.String({ minLength: 1, description: 'the file name, e.g. H44030000009_20261101_20261130.txt (or .zip)' }),
      fixmedins_code: Type.Optional(Type.String({ description: 'the institution, checked when sent' })),
    }),
  }),
  async handler(tx, principal, { fsUploadIn: f }, call) {
    const at = (field: string) => `input.fsUploadIn.${field}`;
    sameInstitution(f.fixmedins_code, principal, at('fixmedins_code'));
    const content = bytesOf(f.file_data, at('file_data'));
    const file = await naming(at, () =>
      reconciliation.uploadFile(tx, principal, { fixmedins_code: principal.code, filename: f.filename.trim(), content, msgid: call.envelope.msgid }, call.now),
    );
    return fileInfo(file);
  },
});

const download = transaction({
  infno: '9102',
  write: false,
  summary: "File download: one of the institution's files (a 3202 result, or a file it uploaded), its content in base64",
  input: Type.Object({
    fsDownloadIn: Type.Object({
      file_qury_no: Type.String({ minLength: 1, description: 'from 9101 or 3202' }),
      filename: Type.Optional(Type.String({ description: 'checked against the file when sent' })),
      fixmedins_code: Type.Optional(Type.String({ description: 'the institution, checked when sent' })),
    }),
  }),
  async handler(tx, principal, { fsDownloadIn: d }, call) {
    const at = (field: string) => `input.fsDownloadIn.${field}`;
    sameInstitution(d.fixmedins_code, principal, at('fixmedins_code'));
    const { file, content } = await naming(at, () =>
      reconciliation.downloadFile(
        tx,
        principal,
        { fixmedins_code: principal.code, file_qury_no: d.file_qury_no.trim(), ...(d.filename !== undefined ? { filename: d.filename.trim() } : {}) },
        call.now,
      ),
    );
    return { ...fileInfo(file), file_data: content.toString('base64') };
  },
});

export const files = [upload, download];
