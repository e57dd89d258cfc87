// Search in a real browser: the example prospectus built with
// `prospectus build` (search index included), served statically with the
// production Content-Security-Policy, driven in Debian's Chromium.
//
// Run: node --test tests/browser/search.test.mjs
// (PROSPECTUS_SITE=<built folder> reuses a build instead of making one.)

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import AxeBuilder from '@axe-core/playwright';

import {
  AXE_TAGS,
  PROSPECTUS,
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

/** The published hosts of a site root's content, read from the front matter. */
function exampleHosts(root = REPO) {
  const dir = path.join(root, 'content/hosts');
  const field = (text, key) => {
    const m = text.match(new RegExp(`^${key}\\s*=\\s*"((?:[^"\\\\]|\\\\.)*)"`, 'm'));
    return m ? m[1].replace(/\\"/g, '"') : '';
  };
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .map((f) => {
      const text = fs.readFileSync(path.join(dir, f), 'utf8').split(/^\+\+\+\s*$/m)[1] || '';
      // The host's own fields come before its [[visits]] tables (which have a focus of their own).
      const own = text.split(/^\[\[visits\]\]/m)[0];
      const focus = own.match(/^focus\s*=\s*\[([^\]]*)\]/m);
      return {
        slug: f.replace(/\.md$/, ''),
        name: field(own, 'name'),
        region: field(own, 'region'),
        phase: field(own, 'phase'),
        focus: focus ? [...focus[1].matchAll(/"([^"]+)"/g)].map((m) => m[1]) : [],
        town: field(own, 'town'),
        localAuthority: field(own, 'local_authority'),
        summary: field(own, 'summary'),
        draft: /^draft\s*=\s*true/m.test(own),
      };
    })
    .filter((h) => !h.draft);
}

/** slug -> display name of the site's regions, phases and focus areas (content/site.toml). */
function vocabulary() {
  const text = fs.readFileSync(path.join(REPO, 'content/site.toml'), 'utf8');
  const vocab = { regions: new Map(), phases: new Map(), focus_areas: new Map() };
  const table = /^\[\[(\w+)\]\]\s*\nslug\s*=\s*"([^"]+)"\s*\nname\s*=\s*"([^"]+)"/gm;
  for (const [, kind, slug, name] of text.matchAll(table)) vocab[kind]?.set(slug, name);
  assert.ok(vocab.phases.size > 0 && vocab.focus_areas.size > 0, 'site.toml vocabulary read');
  return vocab;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
  'September', 'October', 'November', 'December'];
/** "2027-10-13" -> "October 2027", the month filter's value. */
const monthOf = (iso) => `${MONTHS[Number(iso.slice(5, 7)) - 1]} ${iso.slice(0, 4)}`;
/** "2027-10-05" -> "5 October 2027", as a card shows it. */
const humanDate = (iso) => `${Number(iso.slice(8, 10))} ${monthOf(iso)}`;

/**
 * host URL -> its upcoming visit dates (sorted), from the built site's
 * slots.json: bookable (not past) dates that still offer places.
 */
function upcomingVisits(siteDir) {
  const { visits } = JSON.parse(fs.readFileSync(path.join(siteDir, 'slots.json'), 'utf8'));
  const byHost = new Map();
  for (const v of visits) {
    if (!v.bookable || v.places <= 0) continue;
    if (!byHost.has(v.host_path)) byHost.set(v.host_path, []);
    byHost.get(v.host_path).push(v.date);
  }
  for (const dates of byHost.values()) dates.sort();
  return byHost;
}

/** Byte order of the lower-cased name: how the index's name sort is defined. */
const byName = (a, b) => {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
};

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

  /** The number of results the status line reports (0 for "No host schools"). */
  async function statusCount(page) {
    const text = await status(page).textContent();
    const m = text.match(/^(\d+) host schools?\b/);
    assert.ok(m || text.startsWith('No host schools'), `a result count in "${text}"`);
    return m ? Number(m[1]) : 0;
  }

  /**
   * Every result card of the current search, in order. Cards load their
   * details lazily as they scroll into view, so scroll each placeholder in
   * turn until none is left.
   */
  async function allCards(page) {
    let deadline = Date.now() + TIMEOUT;
    let last = null;
    let nudgeAt = 0;
    for (;;) {
      // Pagefind's UI reads only the first report of its IntersectionObserver
      // for a card; on a busy machine that first report can say "not
      // visible" and the card then waits until it leaves the screen and
      // comes back. A card still waiting after a second is scrolled away and
      // back, as a reader scrolling would do.
      const nudge = last !== null && Date.now() > nudgeAt;
      const pending = await page.evaluate(async (nudge) => {
        const next = document.querySelector('pagefind-results li[data-pf-result-index]:not(.ik-search-result)');
        if (next && nudge) {
          const far = next.getBoundingClientRect().top + window.scrollY > 2 * window.innerHeight;
          window.scrollTo(0, far ? 0 : document.body.scrollHeight);
          // Two frames, so the observer sees the card leave before it returns.
          for (let i = 0; i < 2; i++) await new Promise((r) => requestAnimationFrame(r));
        }
        next?.scrollIntoView();
        return next ? next.getAttribute('data-pf-result-index') : null;
      }, nudge);
      if (pending === null) break;
      if (nudge) nudgeAt = Date.now() + 1000;
      // Each card has TIMEOUT to load (a busy machine is slow, not broken).
      if (pending !== last) [last, deadline, nudgeAt] = [pending, Date.now() + TIMEOUT, Date.now() + 1000];
      assert.ok(
        Date.now() < deadline,
        `every result card loaded in time (result ${pending} of ${await page.locator('pagefind-results li[data-pf-result-index]').count()} did not)`,
      );
      await page.waitForTimeout(25);
    }
    return page.evaluate(() =>
      [...document.querySelectorAll('pagefind-results li[data-pf-result-index]')].map((li) => ({
        url: li.querySelector('.ik-card__title a')?.getAttribute('href'),
        title: li.querySelector('.ik-card__title')?.textContent.trim(),
        meta: li.querySelector('.ik-card__meta')?.textContent.trim(),
        summary: li.querySelector('.ik-card__summary')?.textContent.trim() ?? null,
        focus: [...li.querySelectorAll('.ik-tag')].map((t) => t.textContent.trim()),
        next: li.querySelector('.ik-card__next')?.textContent.trim(),
      })),
    );
  }

  /** A filter group of the pane, opened as a user opens it (by its heading). */
  async function openGroup(page, key) {
    const group = page.locator(`pagefind-filter-pane details[data-filter-name="${key}"]`);
    await group.waitFor({ timeout: TIMEOUT });
    if (!(await group.evaluate((d) => d.open))) await group.locator('summary').click();
    return group;
  }

  /** The options (input values) of a filter group, as the pane lists them. */
  async function optionValues(page, key) {
    const group = await openGroup(page, key);
    return group.locator('label.pf-filter-checkbox input').evaluateAll((inputs) => inputs.map((i) => i.value));
  }

  /**
   * Ticks one filter option by clicking its label, waits for the filtered
   * search to finish and returns the count the option showed beforehand and
   * the number of results the status line then reports.
   */
  async function clickOption(page, key, value) {
    const group = await openGroup(page, key);
    const label = group
      .locator('label.pf-filter-checkbox')
      .filter({ has: page.locator(`input[value=${JSON.stringify(value)}]`) });
    assert.equal(await label.count(), 1, `one option "${value}" in the ${key} filter`);
    const shown = Number((await label.locator('.pf-filter-checkbox-count').textContent()).trim());
    await label.click();
    await page.waitForFunction(
      ([key, value]) =>
        new URLSearchParams(location.search).getAll(key).includes(value) &&
        [` in ${value}`, ` and ${value}`].some((s) =>
          document.querySelector('[data-ik-search-status]')?.textContent.includes(s),
        ),
      [key, value],
      { timeout: TIMEOUT },
    );
    assert.ok(await label.locator('input').isChecked(), `${value} is ticked`);
    return { label, shown, results: await statusCount(page) };
  }

  /** Unticks an option by clicking its label again and waits for the unfiltered search. */
  async function unclickOption(page, key, label, all) {
    await label.click();
    await page.waitForFunction(
      ([key, all]) =>
        !new URLSearchParams(location.search).has(key) &&
        document.querySelector('[data-ik-search-status]')?.textContent === `${all} host schools`,
      [key, all],
      { timeout: TIMEOUT },
    );
  }

  /**
   * For every option of filter `key`: clicking it shows exactly the hosts
   * `expected(value)` lists (as URLs), its count beforehand was that number,
   * and `check(card, value)` holds for every card shown.
   */
  async function eachOptionNarrows(key, expected, check) {
    const { page, problems, close } = await open('/search/');
    await searched(page, '');
    const all = await statusCount(page);
    assert.equal(all, hosts.length);
    const values = await optionValues(page, key);
    assert.ok(values.length >= 2, `the ${key} filter offers options: ${values}`);
    for (const value of values) {
      const want = expected(value);
      assert.ok(want.length > 0, `content has hosts for ${key} ${value}`);
      const { label, shown, results } = await clickOption(page, key, value);
      assert.equal(shown, want.length, `count shown for ${key} "${value}"`);
      assert.equal(results, shown, `results for ${key} "${value}" match the count shown for it`);
      const got = await allCards(page);
      assert.equal(got.length, results, `cards listed for ${key} "${value}"`);
      assert.deepEqual(got.map((c) => c.url).sort(), [...want].sort(), `hosts shown for ${key} "${value}"`);
      for (const c of got) check(c, value);
      await unclickOption(page, key, label, all);
    }
    await clean(page, problems);
    await close();
    return values;
  }

  /**
   * Picks a sort from the "Sort by" list, as a user does, and waits for the
   * re-sorted search (the status line's text does not change when only the
   * order does, so its "done" marker is cleared first).
   */
  async function sortBy(page, value, q) {
    await page.evaluate(() => document.querySelector('[data-ik-search-status]').removeAttribute('data-ik-search-done'));
    await page.locator('#ik-search-sort').selectOption(value);
    await searched(page, q);
    await page.waitForFunction((v) => (new URLSearchParams(location.search).get('sort') || '') === v, value, {
      timeout: TIMEOUT,
    });
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
    // Every card, loaded: the host may be anywhere in the list.
    assert.ok(
      (await allCards(page)).map((c) => c.title).includes(byLa.name),
      `${byLa.name} found by its local authority ${byLa.localAuthority}`,
    );

    const { host, word } = summaryOnlyWord(hosts);
    await type(page, word);
    const found = (await allCards(page)).map((c) => c.title);
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
    // Cards load their details lazily, after the status line is final.
    await cards(page).first().waitFor({ timeout: TIMEOUT });
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

  // Lighthouse once scored the page's CLS 0.264: the footer jumped when the
  // search replaced the fallback, and the results when the filter pane
  // filled in above them on a phone. Chromium reports each shift as a
  // 'layout-shift' entry; their sum over the load must stay under 0.1 (what
  // Lighthouse and Core Web Vitals call good).
  for (const [label, viewport] of [
    ['phone', { width: 412, height: 823 }],
    ['desktop', { width: 1350, height: 940 }],
  ]) {
    it(`does not shift its layout while it loads its filters and results (${label})`, async () => {
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      try {
        await page.addInitScript(() => {
          window.__shifts = [];
          new PerformanceObserver((list) => {
            for (const e of list.getEntries()) {
              if (e.hadRecentInput) continue;
              const what = e.sources.map((s) => s.node?.nodeName?.toLowerCase() + (s.node?.className ? `.${s.node.className}` : ''));
              window.__shifts.push({ value: e.value, what: what.join(' ') });
            }
          }).observe({ type: 'layout-shift', buffered: true });
        });
        await page.goto(server.url + '/search/');
        await searched(page, '');
        await page.locator('pagefind-filter-pane details').first().waitFor({ timeout: TIMEOUT });
        // Results are listed, and the cards on screen have their details (on
        // a phone the pane fills the screen and the results wait below).
        await page.locator('pagefind-results li[data-pf-result-index]').first().waitFor({ timeout: TIMEOUT });
        await page.waitForFunction(
          () =>
            [...document.querySelectorAll('pagefind-results li[data-pf-result-index]')]
              .filter((li) => li.getBoundingClientRect().top < innerHeight)
              .every((li) => li.matches('.ik-search-result')),
          null,
          { timeout: TIMEOUT },
        );
        // Entries arrive after the frame that shifted.
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 300))));
        const shifts = await page.evaluate(() => window.__shifts);
        const total = shifts.reduce((sum, s) => sum + s.value, 0);
        assert.ok(
          total < 0.1,
          `cumulative layout shift ${total.toFixed(3)}: ${shifts.map((s) => `${s.value.toFixed(3)} ${s.what}`).join('; ')}`,
        );
      } finally {
        await context.close();
      }
    });
  }

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
  it('each phase filter shows exactly the hosts of that phase, as many as its count', async () => {
    const { phases } = vocabulary();
    const values = await eachOptionNarrows(
      'phase',
      (name) => hosts.filter((h) => phases.get(h.phase) === name).map((h) => `/hosts/${h.slug}/`),
      (card, name) => assert.ok(card.meta.startsWith(`${name} · `), `${card.title} shows phase ${name}: "${card.meta}"`),
    );
    assert.deepEqual(
      [...values].sort(),
      [...new Set(hosts.map((h) => phases.get(h.phase)))].sort(),
      'one option per phase in use',
    );
  });

  it('each focus filter shows exactly the hosts with that focus area, as many as its count', async () => {
    const { focus_areas: areas } = vocabulary();
    const values = await eachOptionNarrows(
      'focus',
      (name) => hosts.filter((h) => h.focus.some((f) => areas.get(f) === name)).map((h) => `/hosts/${h.slug}/`),
      (card, name) => assert.ok(card.focus.includes(name), `${card.title} shows focus ${name}: ${card.focus}`),
    );
    assert.deepEqual(
      [...values].sort(),
      [...new Set(hosts.flatMap((h) => h.focus.map((f) => areas.get(f))))].sort(),
      'one option per focus area in use',
    );
  });

  it('each month filter shows exactly the hosts with a visit that month, as many as its count', async () => {
    const upcoming = upcomingVisits(site.dir);
    const hostsIn = (month) =>
      [...upcoming].filter(([, dates]) => dates.some((d) => monthOf(d) === month)).map(([url]) => url);
    const values = await eachOptionNarrows('month', hostsIn, (card, month) => {
      // The card's next visit is the host's first upcoming date.
      assert.equal(card.next, `Next visit: ${humanDate(upcoming.get(card.url)[0])}`, card.title);
    });
    const months = [...new Set([...upcoming.values()].flat().map(monthOf))];
    assert.deepEqual([...values].sort(), [...months].sort(), 'one option per month with visits');
    // The pane lists months in date order, not alphabetically.
    const inDateOrder = [...new Set([...upcoming.values()].flat().sort().map(monthOf))];
    assert.deepEqual(values, inDateOrder, 'months listed in date order');
  });

  // Known upstream limitation, kept as a TODO so it stays visible: with no
  // words typed (the page's starting state), a ticked option's count reads 0. The pane
  // shows a ticked option's count from pagefind's `totalFilters`, which
  // pagefind 1.6 returns as all zeros for a filter-only (null-term) search.
  it('a ticked filter option still shows its count, the number of results', {
    todo: 'Pagefind 1.6 returns totalFilters as zeros for a filter-only search',
  }, async () => {
    const { page, close } = await open('/search/');
    try {
      await searched(page, '');
      const { label, shown, results } = await clickOption(page, 'phase', 'Nursery');
      assert.equal(results, shown);
      const after = Number((await label.locator('.pf-filter-checkbox-count').textContent()).trim());
      assert.equal(after, results, `ticked Nursery shows ${after}, with ${results} results listed`);
    } finally {
      await close();
    }
  });

  // Pagefind ANDs the values of one filter; the status line must say so
  // (it said "or" once). OR within a group would need Pagefind's `any`
  // filters, which its Component UI does not send.
  it('two ticked focus areas list what the status line says ("A and B")', async () => {
    const { focus_areas: areas } = vocabulary();
    const has = (h, name) => h.focus.some((f) => areas.get(f) === name);
    const [a, b] = ['Sustainability', 'Narrowing the gap'];
    const { page, close } = await open('/search/');
    try {
      await searched(page, '');
      await clickOption(page, 'focus', a);
      const second = await clickOption(page, 'focus', b);
      const text = await status(page).textContent();
      const either = hosts.filter((h) => has(h, a) || has(h, b)).length;
      const both = hosts.filter((h) => has(h, a) && has(h, b)).length;
      assert.notEqual(either, both);
      assert.match(text, new RegExp(`${a} and ${b}`), 'the status names both, joined by "and"');
      assert.equal(second.results, both, `"${text}" lists hosts with both`);
    } finally {
      await close();
    }
  });

  it('sorting by school name lists the results A to Z', async () => {
    const { page, problems, close } = await open('/search/');
    await searched(page, '');
    const q = 'school';
    await type(page, q);
    const relevance = await allCards(page);
    assert.ok(relevance.length >= 10, `"${q}" finds many hosts`);
    const names = relevance.map((c) => c.title);
    const aToZ = [...names].sort(byName);
    assert.notDeepEqual(names, aToZ, 'best-match order is not already A to Z (else this test proves nothing)');

    await sortBy(page, 'name', q);
    const sorted = await allCards(page);
    assert.deepEqual(sorted.map((c) => c.title), aToZ, 'results in A to Z order');
    assert.match(page.url(), /[?&]sort=name\b/);

    // Back to best match.
    await sortBy(page, '', q);
    assert.deepEqual((await allCards(page)).map((c) => c.title), names, 'best-match order again');
    await clean(page, problems);
    await close();
  });

  it('sorting by next visit date lists the soonest visits first, with or without a query', async () => {
    const upcoming = upcomingVisits(site.dir);
    const nextOf = (url) => upcoming.get(url)?.[0] ?? '9999-12-31';
    const { page, problems, close } = await open('/search/');
    await searched(page, '');
    const byNameFirst = await allCards(page);
    const nameOrder = byNameFirst.map((c) => c.url);
    const wantDates = nameOrder.map(nextOf).sort();
    assert.notDeepEqual(nameOrder.map(nextOf), wantDates, 'name order is not already date order');

    // Picking the sort fires a search for an empty query too; wait on its marker.
    await sortBy(page, 'next_visit', '');
    let cardsNow = await allCards(page);
    assert.equal(cardsNow.length, hosts.length, 'every host still listed');
    assert.deepEqual(cardsNow.map((c) => nextOf(c.url)), wantDates, 'results in next-visit order');
    for (const c of cardsNow) {
      const next = upcoming.get(c.url)?.[0];
      assert.equal(c.next, next ? `Next visit: ${humanDate(next)}` : 'No upcoming visit dates', c.title);
    }

    // Typing keeps the chosen sort.
    const q = 'primary';
    await type(page, q);
    cardsNow = await allCards(page);
    assert.ok(cardsNow.length >= 5, `"${q}" finds several hosts`);
    const dates = cardsNow.map((c) => nextOf(c.url));
    assert.deepEqual(dates, [...dates].sort(), `"${q}" results in next-visit order`);
    assert.match(page.url(), /[?&]sort=next_visit\b/);
    await clean(page, problems);
    await close();
  });

  it('a host with an empty summary is still found by its name', async () => {
    // A copy of the site root with one host's summary blanked.
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ik-search-empty-summary-'));
    let emptyServer;
    try {
      for (const dir of ['content', 'themes']) {
        fs.cpSync(path.join(REPO, dir), path.join(tmp, dir), { recursive: true });
      }
      // A host with a name word found nowhere else: once its summary is gone,
      // only the indexed name can find it.
      const counts = new Map();
      for (const h of hosts) {
        for (const w of new Set(words(`${h.name} ${h.summary} ${h.town} ${h.localAuthority}`))) {
          counts.set(w, (counts.get(w) || 0) + 1);
        }
      }
      const target = hosts.find(
        (h) => h.summary && words(h.name).some((w) => w.length >= 6 && counts.get(w) === 1),
      );
      assert.ok(target, 'a host with a name word of its own');
      const ownWord = words(target.name).find((w) => w.length >= 6 && counts.get(w) === 1);
      const file = path.join(tmp, 'content/hosts', `${target.slug}.md`);
      const text = fs.readFileSync(file, 'utf8');
      const blanked = text.replace(/^summary\s*=\s*".*"\s*$/m, 'summary = ""');
      assert.notEqual(blanked, text, 'summary line blanked');
      fs.writeFileSync(file, blanked);
      assert.equal(exampleHosts(tmp).find((h) => h.slug === target.slug).summary, '');

      // The content check accepts it (with a warning), so editors can publish it.
      const check = spawnSync(PROSPECTUS, ['check', '--root', tmp, '--today', TODAY], { encoding: 'utf8' });
      assert.equal(check.status, 0, `prospectus check:\n${check.stdout}${check.stderr}`);
      assert.match(check.stderr, /summary is empty/);
      const out = path.join(tmp, 'public');
      const build = spawnSync(PROSPECTUS, ['build', '--root', tmp, '--out', out, '--today', TODAY], {
        encoding: 'utf8',
      });
      assert.equal(build.status, 0, `prospectus build:\n${build.stdout}${build.stderr}`);

      emptyServer = await serveStatic(out);
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        const problems = collectProblems(page);
        await page.goto(emptyServer.url + '/search/');
        await searched(page, '');
        for (const q of [target.name, ownWord]) {
          await type(page, q);
          const found = await allCards(page);
          const card = found.find((c) => c.url === `/hosts/${target.slug}/`);
          assert.ok(card, `"${q}" finds ${target.name}; got ${found.map((c) => c.title)}`);
          assert.equal(card.title, target.name);
          assert.equal(card.summary, null, 'the card shows no summary (the blank one was built)');
        }
        // By its full name it is the best match.
        await type(page, target.name);
        assert.equal((await titles(page).first().textContent()).trim(), target.name);
        assert.deepEqual(problems, [], 'errors on the page');
      } finally {
        await context.close();
      }
    } finally {
      await emptyServer?.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
