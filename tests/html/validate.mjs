#!/usr/bin/env node
// HTML validity of a built site: runs the Nu HTML checker (vnu-jar, pinned in
// package.json) over every .html file below the given folder(s) and fails on
// any error. Usage: npm run validate-html -- public/ [more/ ...]
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const dirs = process.argv.slice(2);
if (dirs.length === 0) {
  console.error('usage: npm run validate-html -- <built site folder> [...]');
  process.exit(2);
}
for (const dir of dirs) {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    console.error(`validate-html: ${dir} is not a folder (build the site first)`);
    process.exit(2);
  }
}

// vnu-jar's main export is the path of the jar.
const require = createRequire(import.meta.url);
let jar;
try {
  jar = String(require('vnu-jar'));
} catch {
  jar = path.resolve('node_modules/vnu-jar/build/dist/vnu.jar');
}
if (!existsSync(jar)) {
  console.error(`validate-html: the Nu checker is missing (${jar}); run npm ci`);
  process.exit(2);
}

const run = spawnSync(
  'java',
  ['-Xss4m', '-jar', jar, '--errors-only', '--skip-non-html', '--format', 'gnu', ...dirs],
  { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
);
if (run.error) {
  console.error(`validate-html: cannot run java: ${run.error.message}`);
  process.exit(2);
}
const out = `${run.stdout}${run.stderr}`.trim();
if (run.status !== 0 || out.length > 0) {
  console.error(out);
  const count = out.split('\n').filter((l) => l.includes('error')).length;
  console.error(`validate-html: ${count} error(s) in ${dirs.join(', ')}`);
  process.exit(1);
}
console.log(`validate-html: no errors in ${dirs.join(', ')}`);
