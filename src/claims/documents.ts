import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { DomainError } from '../core/errors.ts';
import type { Db, Queryable } from '../db/pool.ts';
import * as store from './store.ts';

/**
 * Where claim documents' bytes live: a directory (YIDI_DOCUMENTS_DIR) or the
 * database (the embedded default). One `DocumentFiles` serves one
 * transaction: a file is written under a temporary name and renamed into place,
 * and the files of a transaction that rolls back are removed again, so no
 * document is ever half stored — neither a row without its bytes nor bytes
 * without their row.
 */
export interface DocumentFiles {
  readonly storage: 'database' | 'directory';
  /** Stores the bytes of a document row just inserted in `tx`. */
  put(tx: Queryable, doc: { id: number; storage_key: string }, content: Uint8Array): Promise<void>;
  /** The bytes of a stored document, checked against its checksum. */
  get(tx: Queryable, doc: store.StoredDocument): Promise<Buffer>;
  /** Removes the files this transaction wrote (it rolled back). */
  discard(): Promise<void>;
}

export interface DocumentConfig {
  documentsDir: string | null;
}

export function documentFiles(config: DocumentConfig): DocumentFiles {
  const written: string[] = [];
  const dir = config.documentsDir;
  const fileOf = (key: string) => {
    if (dir === null) throw new DomainError('conflict', 'this document is kept in a documents directory, but none is configured (YIDI_DOCUMENTS_DIR)');
    return path.join(dir, ...key.split('/'));
  };
  return {
    storage: dir === null ? 'database' : 'directory',
    async put(tx, doc, content) {
      if (dir === null) {
        await store.insertContent(tx, doc.id, content);
        return;
      }
      const file = fileOf(doc.storage_key);
      await fs.mkdir(path.dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
      try {
        await fs.writeFile(tmp, content, { flag: 'wx' });
        await fs.rename(tmp, file);
      } catch (err) {
        await fs.rm(tmp, { force: true });
        throw err;
      }
      written.push(file);
    },
    async get(tx, doc) {
      const content = doc.storage === 'database' ? await store.contentOf(tx, doc.id) : await fs.readFile(fileOf(doc.storage_key)).catch(() => null);
      if (content === null) throw new DomainError('conflict', `the content of document ${doc.id} is missing from its storage: ask the agency to restore it`);
      if (sha256(content) !== doc.sha256) throw new DomainError('conflict', `document ${doc.id} does not match its checksum: its stored copy is damaged`);
      return content;
    },
    async discard() {
      await Promise.all(written.splice(0).map((f) => fs.rm(f, { force: true })));
    },
  };
}

export function sha256(content: Uint8Array): string {
  return crypto.createHash('sha256').update(content).digest('hex');
}

/** A fresh storage key: the claim's folder and a random name, never reused. */
export function storageKey(claimId: number): string {
  return `claims/${claimId}/${crypto.randomUUID()}`;
}

/**
 * Runs `fn` in one transaction with a `DocumentFiles`; when the transaction
 * rolls back (an error anywhere, or the commit itself), the files it wrote are removed.
 */
export async function withDocumentFiles<T>(db: Db, config: DocumentConfig, fn: (tx: Queryable, files: DocumentFiles) => Promise<T>): Promise<T> {
  const files = documentFiles(config);
  try {
    return await db.tx((tx) => fn(tx, files));
  } catch (err) {
    await files.discard();
    throw err;
  }
}
