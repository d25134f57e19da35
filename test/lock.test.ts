import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DirectoryLockedError, lockDirectory, type DirectoryLock } from '../src/db/lock.ts';

const lockModule = fileURLToPath(new URL('../src/db/lock.ts', import.meta.url));

const dirs: string[] = [];
const locks: DirectoryLock[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  for (const l of locks.splice(0)) l.release();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yidi-lock-'));
  dirs.push(dir);
  return dir;
}

function lock(dir: string): DirectoryLock {
  const l = lockDirectory(dir);
  locks.push(l);
  return l;
}

/** A pid that certainly ran and has certainly ended. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

function lockError(fn: () => unknown): DirectoryLockedError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DirectoryLockedError);
    return err as DirectoryLockedError;
  }
  throw new Error('expected the directory to be locked');
}

describe('lockDirectory', () => {
  it('writes the owner pid, and refuses a second lock naming that pid and the directory', () => {
    const dir = tempDir();
    const first = lock(dir);
    expect(first.path).toBe(path.join(dir, 'yidi.lock'));
    expect(fs.readFileSync(first.path, 'utf8')).toBe(String(process.pid));

    const err = lockError(() => lockDirectory(dir));
    expect(err.pid).toBe(process.pid);
    expect(err.lockPath).toBe(first.path);
    expect(err.message).toContain(dir);
    expect(err.message).toContain(`pid ${process.pid}`);
  });

  it('creates the directory when it does not exist yet', () => {
    const dir = path.join(tempDir(), 'not', 'yet');
    lock(dir);
    expect(fs.existsSync(path.join(dir, 'yidi.lock'))).toBe(true);
  });

  it('takes over a lock whose process no longer runs', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'yidi.lock'), String(deadPid()));
    const l = lock(dir);
    expect(fs.readFileSync(l.path, 'utf8')).toBe(String(process.pid));
  });

  it('takes over a lock file that holds no pid', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'yidi.lock'), 'garbage');
    const l = lock(dir);
    expect(fs.readFileSync(l.path, 'utf8')).toBe(String(process.pid));
  });

  it('release removes the file, twice is harmless, and the directory can be locked again', () => {
    const dir = tempDir();
    const l = lockDirectory(dir);
    l.release();
    expect(fs.existsSync(l.path)).toBe(false);
    l.release();
    lock(dir);
    expect(fs.existsSync(l.path)).toBe(true);
  });

  it('release leaves alone a lock file that another process has since taken', () => {
    const dir = tempDir();
    const l = lockDirectory(dir);
    fs.writeFileSync(l.path, '999999999');
    l.release();
    expect(fs.readFileSync(l.path, 'utf8')).toBe('999999999');
  });
});

describe('lockDirectory across processes', () => {
  // A real second process holding the lock, as a second `yidi serve` on one data directory would.
  async function holder(dir: string): Promise<ChildProcess> {
    const script = `
      import { lockDirectory } from ${JSON.stringify(lockModule)};
      lockDirectory(${JSON.stringify(dir)});
      process.stdout.write('locked\\n');
      process.stdin.on('data', () => process.exit(0));
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    children.push(child);
    const [line] = (await once(child.stdout!, 'data')) as [Buffer];
    expect(line.toString()).toBe('locked\n');
    return child;
  }

  it('fails clearly while another process holds the lock', async () => {
    const dir = tempDir();
    const child = await holder(dir);
    const err = lockError(() => lockDirectory(dir));
    expect(err.pid).toBe(child.pid);
    expect(err.message).toContain(`pid ${child.pid}`);
    expect(err.message).toContain(dir);
  });

  it('is released when the holder exits normally', async () => {
    const dir = tempDir();
    const child = await holder(dir);
    child.stdin!.write('exit\n');
    await once(child, 'exit');
    expect(fs.existsSync(path.join(dir, 'yidi.lock'))).toBe(false);
    lock(dir);
  });

  it('is taken over after the holder is killed', async () => {
    const dir = tempDir();
    const child = await holder(dir);
    child.kill('SIGKILL');
    await once(child, 'exit');
    // The killed process had no chance to clean up.
    expect(fs.readFileSync(path.join(dir, 'yidi.lock'), 'utf8')).toBe(String(child.pid));
    const l = lock(dir);
    expect(fs.readFileSync(l.path, 'utf8')).toBe(String(process.pid));
  });
});
