// Search in a real browser: the example prospectus built with
// `prospectus build` (search index included), served statically with the
// production Content-Security-Policy, driven in Debian's Chromium.
//
// Run: node --test tests/browser/search.test.mjs
// (PROSPECTUS_SITE=<built folder> reuses a build instead of making one.)

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import AxeBuilder from '@axe-core/playwright';

import {
  AXE_TAGS,
  REPO,
  buildExampleSite,
  chromiumSkipReason,
  collectProblems,
  launchChromium,
  serveStatic,
} from './support/static-site.mjs';

// Visits in the example content run from autumn 2027.
const TODAY = '2027-09-01';
const TIMEOUT = 15_000;

/** The published hosts of the example content, read from the front matter. */
function exampleHosts() {
  const dir = path.join(REPO, 'content/hosts');
  const field = (text, key) => {
    const m = text.match(new RegExp(`^${key}\\s*=\\s*"((?:[^"\\\\]|\\\\.)*)"`, 'm'));
    return m ? m[1].replace(/\\"/g, '"') : '';
  };
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .map((f) => {
      const text = fs.readFileSync(path.join(dir, f), 'utf8').split(/^\+\+\+\s*$/m)[1] || '';
      return {
        slug: f.replace(/\.md$/, ''),
        name: field(text, 'name'),
        region: field(text, 'region'),
        town: field(text, 'town'),
        localAuthority: field(text, 'local_authority'),
        summary: field(text, 'summary'),
        draft: /^draft\s*=\s*true/m.test(text),
      };
    })
    .filter((h) => !h.draft);
}

const words = (s) => s.toLowerCase().match(/[a-z]+/g) || [];

/** A word of one host's summary found in no other field of any host. */
function summaryOnlyWord(hosts) {
  const elsewhere = new Map();
  for (const h of hosts) {
    for (const w of words(`${h.name} ${h.town} ${h.localAuthority}`)) elsewhere.set(w, 99);
    for (const w of new Set(words(h.summary))) elsewhere.set(w, (elsewhere.get(w) || 0) + 1);
  }
  for (const h of hosts) {
    // Long words only: short ones share stems with too much else.
    const w = words(h.summary).find((w) => w.length >= 8 && elsewhere.get(w) === 1);
    if (w) return { host: h, word: w };
  }
  throw new Error('no summary-only word in the example content');
}

const skip = chromiumSkipReason();

describe('search page in Chromium', { skip }, () => {
  let site;
  let server;
  let browser;
  const hosts = skip ? [] : exampleHosts();

  before(async () => {
    site = buildExampleSite({ today: TODAY });
    server = await serveStatic(site.dir);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    site?.remove();
  });

  /** A page that records CSP violations, script errors and failed requests. */
  async function open(url, options = {}) {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    const problems = collectProblems(page);
    await page.addInitScript(() => {
      window.__csp = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`),
      );
    });
    await page.goto(server.url + url);
    return { page, problems, close: () => context.close() };
  }

  const input = (page) => page.locator('pagefind-input input');
  const status = (page) => page.locator('[data-ik-search-status]');
  const cards = (page) => page.locator('.ik-search-result');
  const titles = (page) => page.locator('.ik-search-result .ik-card__title');

  /** Waits until the status line reports a finished search for `q`. */
  async function searched(page, q) {
    await page.waitForFunction(
      (q) => document.querySelector('[data-ik-search-status]')?.getAttribute('data-ik-search-done') === q,
      q.trim(),
      { timeout: TIMEOUT },
    );
  }

  async function type(page, q) {
    await input(page).fill(q);
    await searched(page, q);
    // The first cards load their details lazily.
    if ((await status(page).textContent()).startsWith('No ')) return;
    await cards(page).first().waitFor({ timeout: TIMEOUT });
  }

  async function clean(page, problems) {
    assert.deepEqual(await page.evaluate(() => window.__csp), [], 'CSP violations');
    assert.deepEqual(problems, [], 'errors on the page');
  }

  it('finds a host by name, by local authority and by a word only in its summary', async () => {
    const { page, problems, close } = await open('/search/');
    await searched(page, '');

    const byName = hosts.find((h) => h.name.split(' ').length >= 3);
    await type(page, byName.name);
    assert.equal((await titles(page).first().textContent()).trim(), byName.name);

    const byLa = hosts.find(
      (h) => !words(`${h.name} ${h.town}`).includes(words(h.localAuthority)[0]),
    );
    await type(page, byLa.localAuthority);
    await page.waitForTimeout(300);
    assert.ok(
      (await titles(page).allTextContents()).map((t) => t.trim()).includes(byLa.name),
      `${byLa.name} found by its local authority ${byLa.localAuthority}`,
    );

    const { host, word } = summaryOnlyWord(hosts);
    await type(page, word);
    const found = (await titles(page).allTextContents()).map((t) => t.trim());
    assert.ok(found.includes(host.name), `"${word}" finds ${host.name}; got ${found}`);

    // Result cards link to the host page and show region, phase, focus and date.
    const first = cards(page).first();
    const link = first.locator('.ik-card__title a');
    assert.match(await link.getAttribute('href'), /^\/hosts\/[a-z0-9-]+\/$/);
    assert.ok(await first.locator('.ik-card__meta').textContent());
    assert.ok((await first.locator('.ik-tag').count()) >= 1, 'focus areas shown');
    assert.match(await first.locator('.ik-card__next').textContent(), /Next visit: \d{1,2} \w+ \d{4}|No upcoming/);
    await clean(page, problems);
    await close();
  });

  it('a region filter narrows the results to that region only, with counts', async () => {
    const { page, problems, close } = await open('/search/');
    await searched(page, '');
    const all = Number((await status(page).textContent()).match(/\d+/)[0]);
    assert.equal(all, hosts.length, 'faceted mode lists every published host');

    const london = hosts.filter((h) => h.region === 'london');
    const option = page.locator('pagefind-filter-pane label', { hasText: 'London' });
    assert.equal((await option.locator('.pf-filter-checkbox-count').textContent()).trim(), String(london.length));
    await option.locator('input').check();
    await page.waitForFunction(
      (n) => document.querySelector('[data-ik-search-status]')?.textContent.startsWith(`${n} host school`),
      london.length,
      { timeout: TIMEOUT },
    );
    await cards(page).first().waitFor();
    // Every rendered card is in London (cards load lazily: check those shown).
    const metas = await page.locator('.ik-search-result .ik-card__meta').allTextContents();
    assert.ok(metas.length > 0);
    for (const m of metas) assert.match(m, /· London$/);
    assert.match(page.url(), /[?&]region=London\b/);
    await clean(page, problems);
    await close();
  });

  it('keeps the query and filters in the URL: shared links, reload and Back work', async () => {
    const { page, problems, close } = await open('/search/?q=primary&region=North+West');
    await searched(page, 'primary');
    assert.equal(await input(page).inputValue(), 'primary');
    assert.ok(await page.locator('pagefind-filter-pane input[value="North West"]').isChecked());
    const before = await status(page).textContent();
    assert.match(before, /North West/);

    await page.reload();
    await searched(page, 'primary');
    assert.equal(await status(page).textContent(), before, 'reload restores the same search');
    assert.ok(await page.locator('pagefind-filter-pane input[value="North West"]').isChecked());

    // Typing replaces the URL's query.
    await type(page, 'nursery');
    await page.waitForFunction(() => location.search.includes('q=nursery'));
    assert.match(page.url(), /region=North\+West/);

    // A filter is a history step: Back undoes it.
    await page.locator('pagefind-filter-pane input[value="North West"]').uncheck();
    await page.waitForFunction(() => !location.search.includes('region='));
    await page.goBack();
    await page.waitForFunction(() => location.search.includes('region=North+West'));
    await page.waitForFunction(
      () => document.querySelector('pagefind-filter-pane input[value="North West"]')?.checked === true,
    );
    await searched(page, 'nursery');
    await clean(page, problems);
    await close();
  });

  it('the home page search form lands on the search page with its query', async () => {
    const { page, problems, close } = await open('/');
    await page.locator('#q').fill('Bolton');
    await page.locator('#q').press('Enter');
    await page.waitForURL(/\/search\/\?q=Bolton/);
    await searched(page, 'Bolton');
    assert.equal(await input(page).inputValue(), 'Bolton');
    assert.ok((await cards(page).count()) >= 1);
    await clean(page, problems);
    await close();
  });

  it('a huge, punctuation-only or non-Latin query is just data: no error, no hang', async () => {
    const { page, problems, close } = await open('/search/');
    await searched(page, '');
    for (const q of ['x'.repeat(10_000), '!!! ??? ... &&& <<<>>> "\'` ;;; ///', '北京 学校 مدرسة Школа', '<img src=x onerror=alert(1)>']) {
      const started = Date.now();
      await input(page).fill(q);
      await searched(page, q);
      assert.ok(Date.now() - started < TIMEOUT, 'answered in time');
      assert.match(await status(page).textContent(), /host school/);
    }
    // The page still works afterwards.
    await type(page, hosts[0].name);
    assert.ok((await cards(page).count()) >= 1);
    await clean(page, problems);
    await close();
  });

  it('works from the keyboard alone, with a visible focus', async () => {
    const { page, problems, close } = await open('/search/');
    await searched(page, '');
    await input(page).focus();
    await page.keyboard.type('school');
    await searched(page, 'school');
    // Tab on to the region filter's first checkbox and tick it with Space.
    let reached = false;
    for (let i = 0; i < 20 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.matches('pagefind-filter-pane input[type=checkbox]'));
    }
    assert.ok(reached, 'a filter checkbox is reachable with Tab');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(outline, 'none', 'focus is visible');
    await page.keyboard.press('Space');
    await page.waitForFunction(() => /[?&](region|focus|phase|month)=/.test(location.search));
    await clean(page, problems);
    await close();
  });

  it('has no axe violations with results shown', async () => {
    const { page, problems, close } = await open('/search/?q=reading');
    await searched(page, 'reading');
    await cards(page).first().waitFor();
    await page.locator('pagefind-filter-pane details').first().waitFor();
    const { violations } = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
    assert.deepEqual(
      violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`),
      [],
    );
    await clean(page, problems);
    await close();
  });

  it('without JavaScript says so and offers the listing pages', async () => {
    const { page, close } = await open('/search/', { javaScriptEnabled: false });
    const fallback = page.locator('[data-ik-search-fallback]');
    assert.ok(await fallback.isVisible());
    assert.match(await fallback.textContent(), /needs JavaScript/);
    for (const href of ['/regions/', '/focus/', '/phases/']) {
      assert.equal(await fallback.locator(`a[href="${href}"]`).count(), 1, href);
    }
    assert.equal(await page.locator('[data-ik-search]').isVisible(), false);
    await close();
  });
});
