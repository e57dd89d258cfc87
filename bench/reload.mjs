#!/usr/bin/env node
// Live-reload latency and host-page weight at scale.
//
//   node bench/reload.mjs [--hosts 1000] [--runs 10] [--keep]
//
// Builds a temporary site root with exactly --hosts synthetic hosts from
// bench/synth.py (fixed seed; the example pages and site.toml, a copy of
// themes/), starts `prospectus serve` on it (target/debug/prospectus, or
// $PROSPECTUS), opens the first synthetic host's page in Chromium
// and, --runs times, edits that host's file and measures the time from the
// write to the page's `load` event after the live reload, checking that the
// edit is on the reloaded page. Prints the median, and the bytes of the host
// page as a visitor gets it (HTML + CSS + JS, each gzip -9, summed; the
// preview's own reload script is left out since built sites never have it).

import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

import { chromium } from 'playwright-core';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const HOSTS = Number(option('hosts', 1000));
const RUNS = Number(option('runs', 10));
const KEEP = args.includes('--keep');
const PROSPECTUS = process.env.PROSPECTUS || path.join(REPO, 'target/debug/prospectus');
const RELOAD_CLIENT = '/__prospectus/';

function log(...parts) {
  console.error(...parts);
}

/** The first host bench/synth.py writes; its page is the one measured. */
const HOST_SLUG = 'host-00001';

/** A site root with --hosts synthetic hosts from bench/synth.py. */
function makeRoot() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ik-bench-'));
  // A copy, not synth.py's symlink: edits to the repository's themes/ while
  // the benchmark runs must not trigger reloads.
  fs.cpSync(path.join(REPO, 'themes'), path.join(root, 'themes'), { recursive: true });
  const run = spawnSync('python3', [path.join(REPO, 'bench/synth.py'), String(HOSTS), root], { stdio: 'inherit' });
  if (run.status !== 0) {
    throw new Error(`bench/synth.py failed (${run.status})`);
  }
  return root;
}

async function freePort() {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

async function startServe(root) {
  const port = await freePort();
  const child = spawn(PROSPECTUS, ['serve', '--root', root, '--port', String(port), '--today', '2027-09-01'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`prospectus serve exited:\n${output}`);
    }
    try {
      if ((await fetch(`${url}/`)).ok) {
        break;
      }
    } catch {
      // not yet
    }
    if (Date.now() - started > 600_000) {
      throw new Error(`prospectus serve did not answer:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  log(`serve answered after ${Date.now() - started} ms (first build of ${HOSTS} hosts)`);
  return { url, child, output: () => output };
}

function gz(bytes) {
  return zlib.gzipSync(bytes, { level: 9 }).length;
}

/** HTML + CSS + JS of a page, gzip -9 each, as a built site sends them. */
async function pageWeight(url) {
  const html = await (await fetch(url)).text();
  const clean = html.replace(/<script[^>]*src="\/__prospectus\/[^"]*"[^>]*><\/script>\s*/g, '');
  const parts = [{ what: new URL(url).pathname, raw: Buffer.byteLength(clean), gzip: gz(Buffer.from(clean)) }];
  const refs = [
    ...clean.matchAll(/<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"/g),
    ...clean.matchAll(/<script[^>]+src="([^"]+)"/g),
  ].map((m) => m[1]);
  for (const ref of refs) {
    if (ref.startsWith(RELOAD_CLIENT)) {
      continue;
    }
    const bytes = Buffer.from(await (await fetch(new URL(ref, url))).arrayBuffer());
    parts.push({ what: ref, raw: bytes.length, gzip: gz(bytes) });
  }
  return { parts, total: parts.reduce((n, p) => n + p.gzip, 0) };
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

async function main() {
  const root = makeRoot();
  const hostFiles = fs.readdirSync(path.join(root, 'content/hosts')).filter((f) => f.endsWith('.md'));
  log(`site root ${root} with ${hostFiles.length} hosts`);
  const server = await startServe(root);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  try {
    const file = path.join(root, `content/hosts/${HOST_SLUG}.md`);
    const hostUrl = `${server.url}/hosts/${HOST_SLUG}/`;
    const page = await browser.newPage();
    await page.goto(hostUrl);
    // Let the page's event stream connect before the first edit.
    await page.waitForTimeout(500);
    const original = fs.readFileSync(file, 'utf8');
    const times = [];
    for (let run = 1; run <= RUNS; run++) {
      const marker = `Reload marker ${run} ${Date.now()}.`;
      const loaded = page.waitForEvent('load', { timeout: 30_000 });
      const t0 = performance.now();
      fs.writeFileSync(file, `${original.trimEnd()}\n\n${marker}\n`);
      await loaded;
      const ms = performance.now() - t0;
      const text = await page.locator('main').innerText();
      if (!text.includes(marker)) {
        throw new Error(`run ${run}: the reloaded page does not show the edit`);
      }
      times.push(ms);
      log(`run ${run}: ${ms.toFixed(0)} ms`);
      await page.waitForTimeout(300);
    }
    fs.writeFileSync(file, original);
    // The preview's own account of each rebuild, to tell build time from the rest.
    const builds = [...server.output().matchAll(/built \d+ pages in (\d+) ms/g)].map((m) => Number(m[1]));
    log(`serve rebuilds (ms, first = initial build): ${builds.join(' ')}`);
    const weight = await pageWeight(hostUrl);
    const result = {
      hosts: hostFiles.length,
      runs: RUNS,
      reload_ms: times.map((t) => Math.round(t)),
      reload_median_ms: Math.round(median(times)),
      host_page: weight.parts,
      host_page_gzip_total_bytes: weight.total,
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await browser.close();
    server.child.kill('SIGINT');
    await once(server.child, 'exit');
    if (!KEEP) {
      fs.rmSync(root, { recursive: true, force: true });
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
