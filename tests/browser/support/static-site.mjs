// A built site served as production serves it: static files from a folder,
// every response carrying the site's Content-Security-Policy, so a test
// fails if a page needs inline script or style. Plus Debian's Chromium,
// launched the one way that works on these machines.

import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const PROSPECTUS = path.join(REPO, 'target/debug/prospectus');
export const CHROMIUM = '/usr/bin/chromium';
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** The policy production (a CloudFront response-headers policy) and the preview send. */
export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Debian's Chromium, headless, with nothing reaching out to the network. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-quic',
  '--no-first-run',
];

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.ics': 'text/calendar; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

/**
 * Why Chromium tests cannot run here, or undefined when they can. Missing
 * Chromium skips with the reason, except under CI=true, where it fails.
 */
export function chromiumSkipReason() {
  if (fs.existsSync(CHROMIUM)) return undefined;
  const why = `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) to run the browser tests`;
  if (process.env.CI === 'true') throw new Error(why);
  console.log(`skipping: ${why}`);
  return why;
}

export function launchChromium() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/**
 * Builds the example prospectus into a fresh temporary folder with
 * `prospectus build` and returns the folder. `PROSPECTUS_SITE` names an
 * already built site instead (it is then not rebuilt or removed).
 */
export function buildExampleSite({ today = '2027-09-01', search = true } = {}) {
  if (process.env.PROSPECTUS_SITE) {
    return { dir: path.resolve(process.env.PROSPECTUS_SITE), remove() {} };
  }
  if (!fs.existsSync(PROSPECTUS)) {
    const built = spawnSync('cargo', ['build', '--quiet', '-p', 'generator'], { cwd: REPO, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('cargo build -p generator failed');
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ik-search-'));
  const out = path.join(tmp, 'public');
  const args = ['build', '--root', REPO, '--out', out, '--today', today];
  if (!search) args.push('--no-search');
  const run = spawnSync(PROSPECTUS, args, { cwd: REPO, encoding: 'utf8' });
  if (run.status !== 0) {
    throw new Error(`prospectus ${args.join(' ')} failed:\n${run.stdout}${run.stderr}`);
  }
  return { dir: out, remove: () => fs.rmSync(tmp, { recursive: true, force: true }) };
}

/**
 * Serves `dir` on 127.0.0.1 with the CSP header on every response.
 * `requests` lists every path asked for, in order (for download budgets).
 */
export async function serveStatic(dir, { csp = CSP } = {}) {
  const root = path.resolve(dir);
  const requests = [];
  const server = http.createServer((req, res) => {
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    requests.push(pathname);
    let file = path.join(root, pathname);
    // Never serve outside the site folder.
    if (file !== root && !file.startsWith(root + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    if (pathname.endsWith('/')) file = path.join(file, 'index.html');
    const headers = { 'Content-Security-Policy': csp, 'X-Content-Type-Options': 'nosniff' };
    fs.stat(file, (err, st) => {
      if (err || !st.isFile()) {
        const notFound = path.join(root, '404.html');
        const body = fs.existsSync(notFound) ? fs.readFileSync(notFound) : 'Not found';
        res.writeHead(404, { ...headers, 'Content-Type': TYPES['.html'] });
        res.end(body);
        return;
      }
      const type = TYPES[path.extname(file)] || 'application/octet-stream';
      res.writeHead(200, { ...headers, 'Content-Type': type, 'Content-Length': st.size });
      fs.createReadStream(file).pipe(res);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/**
 * Collects what a page reports as broken: uncaught errors, console errors
 * (CSP violations among them) and failed requests.
 */
export function collectProblems(page) {
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // Failed requests are reported with their URL by the response listener
    // below; the console's copy has none (and includes the favicon).
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) {
      problems.push(`console: ${m.text()}`);
    }
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`${r.status()} ${r.url()}`);
  });
  return problems;
}
