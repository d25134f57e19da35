import fs from 'node:fs';
import path from 'node:path';

/**
 * PGlite does not lock its data directory and two processes on one directory
 * corrupt it, so the data directory is guarded by an exclusive lock file that
 * holds the owner's pid. A lock left by a process that no longer runs is taken over.
 */
export class DirectoryLockedError extends Error {
  constructor(readonly lockPath: string, readonly pid: number) {
    super(
      `The data directory ${path.dirname(lockPath)} is in use by another Yidi process (pid ${pid}). ` +
        `Stop that process, or point YIDI_DATA at another directory.`,
    );
    this.name = 'DirectoryLockedError';
  }
}

export interface DirectoryLock {
  readonly path: string;
  release(): void;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function lockDirectory(dir: string): DirectoryLock {
  fs.mkdirSync(dir, { recursive: true });
  const lockPath = path.join(dir, 'yidi.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(lockPath, 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          if (fs.readFileSync(lockPath, 'utf8').trim() === String(process.pid)) fs.unlinkSync(lockPath);
        } catch {
          // already gone
        }
      };
      process.once('exit', release);
      return { path: lockPath, release };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number.parseInt(fs.readFileSync(lockPath, 'utf8').trim(), 10);
      if (Number.isInteger(pid) && pid > 0 && isRunning(pid)) throw new DirectoryLockedError(lockPath, pid);
      fs.rmSync(lockPath, { force: true });
    }
  }
  throw new Error(`Could not take the lock ${lockPath}`);
}
