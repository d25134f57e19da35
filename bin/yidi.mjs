#!/usr/bin/env node
// The `yidi` command. It runs a bundle of src/ built with esbuild (rebuilt only
// when a source file is newer), because loading ~150 TypeScript modules through
// a transpiling loader on every start costs more than the rest of start-up.
// YIDI_NO_BUNDLE=1 runs the sources through tsx instead.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Same depth below the root as src/main.ts, so paths resolved from import.meta.url agree.
const bundle = path.join(root, 'dist', 'server', 'main.mjs');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const m = entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs;
    if (m > newest) newest = m;
  }
  return newest;
}

function isStale() {
  if (!fs.existsSync(bundle)) return true;
  const built = fs.statSync(bundle).mtimeMs;
  return newestMtime(path.join(root, 'src')) > built || fs.statSync(path.join(root, 'package-lock.json')).mtimeMs > built;
}

if (process.env.YIDI_NO_BUNDLE === '1') {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(path.join(root, 'src', 'main.ts')).href);
} else {
  if (isStale()) {
    const esbuild = await import('esbuild');
    const staging = `${bundle}.${process.pid}.tmp`;
    await esbuild.build({
      entryPoints: [path.join(root, 'src', 'main.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      outfile: staging,
      logLevel: 'warning',
    });
    // Renamed into place so a concurrent start never loads half a file.
    fs.renameSync(staging, bundle);
  }
  await import(pathToFileURL(bundle).href);
}
