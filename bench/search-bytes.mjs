// The bytes a browser downloads for a first search: opens the search page of
// a built site in Chromium as a school would arrive from the home page
// (/search/?q=WORD), then ticks one region filter, and lists every file the
// browser asked for. Each file is gzipped at level 9 (what a CDN serves) and
// the sizes are summed.
//
// usage: node bench/search-bytes.mjs SITE_DIR [WORD] [REGION]

import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

import { launchChromium, serveStatic } from '../tests/browser/support/static-site.mjs';

const [dir, word = 'reading', region = 'London'] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node bench/search-bytes.mjs SITE_DIR [WORD] [REGION]');
  process.exit(2);
}

const server = await serveStatic(dir);
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  const done = (q) =>
    page.waitForFunction(
      (q) => document.querySelector('[data-ik-search-status]')?.getAttribute('data-ik-search-done') === q,
      q,
      { timeout: 60_000 },
    );
  await page.goto(`${server.url}/search/?q=${encodeURIComponent(word)}`);
  await done(word);
  await page.locator('.ik-search-result').first().waitFor({ timeout: 60_000 });
  const option = page.locator('pagefind-filter-pane input[name="region"][value="' + region + '"]');
  await option.check();
  await page.waitForFunction(
    (r) => (document.querySelector('[data-ik-search-status]')?.textContent || '').includes(r),
    region,
  );
  await page.locator('.ik-search-result').first().waitFor({ timeout: 60_000 });
  // Let lazily loaded cards in view finish.
  await page.waitForLoadState('networkidle');
  const status = await page.locator('[data-ik-search-status]').textContent();

  const seen = [...new Set(server.requests)].filter((p) => p !== '/favicon.ico');
  const rows = [];
  for (const p of seen) {
    let file = path.join(dir, p);
    if (p.endsWith('/')) file = path.join(file, 'index.html');
    if (!fs.existsSync(file)) continue;
    const raw = fs.readFileSync(file);
    rows.push({ path: p, raw: raw.length, gzip: zlib.gzipSync(raw, { level: 9 }).length });
  }
  rows.sort((a, b) => b.gzip - a.gzip);
  const group = (p) =>
    p.startsWith('/pagefind/fragment/') ? 'fragments' :
    p.startsWith('/pagefind/index/') ? 'word index chunks' :
    p.startsWith('/pagefind/filter/') ? 'filter chunks' :
    p.endsWith('.pf_meta') ? 'meta chunk' :
    p.startsWith('/pagefind/') ? 'pagefind runtime (js, wasm, entry)' : 'page html/css/js';
  const groups = {};
  for (const r of rows) {
    const g = (groups[group(r.path)] ||= { files: 0, raw: 0, gzip: 0 });
    g.files += 1;
    g.raw += r.raw;
    g.gzip += r.gzip;
  }
  const total = rows.reduce((s, r) => s + r.gzip, 0);
  console.log(`search: q=${word} + region=${region} -> ${status}`);
  console.log('files requested (gzip -9 bytes):');
  for (const r of rows) console.log(`  ${String(r.gzip).padStart(8)}  ${r.path}`);
  console.log('by kind:');
  for (const [g, v] of Object.entries(groups)) {
    console.log(`  ${String(v.gzip).padStart(8)}  ${g} (${v.files} files, ${v.raw} bytes raw)`);
  }
  console.log(`first search total: ${total} bytes gzipped (${(total / 1024).toFixed(1)} KiB) in ${rows.length} files`);
} finally {
  await browser.close();
  await server.close();
}
