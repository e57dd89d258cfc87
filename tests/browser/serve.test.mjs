// `prospectus serve` as an editor uses it: an open page reloads by itself
// after a content or template edit, a broken edit shows the build's errors
// over the page while the last good build keeps being served, and fixing
// the file clears the overlay without restarting the server.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { bookableHosts, checkA11y, launch, makeRoot, newContext, removeRoot, skipReason, startServe } from './support/journeys.mjs';

const skip = skipReason();

/** How long an edit may take to reach an open page. */
const RELOAD_TIMEOUT = 10_000;
const OVERLAY = 'dialog.ik-build-error';
const GOOD_BUILD = /^built \d+ pages in \d+ ms\b/gm;

/**
 * Replaces a file the way most editors save: write a hidden temporary file
 * beside it (the watcher skips dot-files) and rename it over the original,
 * so a rebuild never reads a half-written file.
 */
function save(file, text) {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

/**
 * Polls `fn` in the page until it returns a truthy value, across the
 * page's own reloads (an evaluation interrupted by a navigation is
 * retried). Returns the value and how long it took.
 */
async function poll(page, fn, arg, what, timeout = RELOAD_TIMEOUT) {
  const started = Date.now();
  let last;
  while (Date.now() - started < timeout) {
    try {
      last = await page.evaluate(fn, arg);
      if (last) {
        return { value: last, ms: Date.now() - started };
      }
    } catch (e) {
      last = e.message;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeout} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
}

/** Marks the open document so a reload (a new document) can be told apart. */
async function mark(page) {
  const token = `mark-${Date.now()}-${Math.random()}`;
  await page.evaluate((t) => (window.__ikMark = t), token);
  return token;
}

function goodBuilds(site) {
  return (site.output().match(GOOD_BUILD) || []).length;
}

/** Waits until the server has logged more good builds than `count`. */
async function waitForGoodBuild(site, count, timeout = RELOAD_TIMEOUT) {
  const deadline = Date.now() + timeout;
  while (goodBuilds(site) <= count) {
    if (Date.now() > deadline) {
      throw new Error(`no good build within ${timeout} ms:\n${site.output().slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Sets a TOML string field of a content file's front matter. */
function withField(text, field, value) {
  const re = new RegExp(`^${field} = ".*"$`, 'm');
  assert.match(text, re, `the file has a ${field} line`);
  return text.replace(re, `${field} = ${JSON.stringify(value)}`);
}

describe('prospectus serve: live reload and the build error overlay', { skip }, () => {
  let root;
  let site;
  let browser;
  let context;
  let host;
  let hostFile;
  let hostRel;
  let original;

  before(async () => {
    root = makeRoot();
    site = await startServe(root);
    browser = await launch();
    context = await newContext(browser, { js: true });
    // Every locator wait is bounded by the same budget as a reload.
    context.setDefaultTimeout(RELOAD_TIMEOUT);
    host = (await bookableHosts(site, 1))[0];
    const slug = host.path.replace(/\/$/, '').split('/').pop();
    hostRel = `content/hosts/${slug}.md`;
    hostFile = path.join(root, hostRel);
    assert.ok(fs.existsSync(hostFile), `${hostRel} is the source of ${host.path}`);
    original = fs.readFileSync(hostFile, 'utf8');
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    await site?.stop();
    if (root) {
      removeRoot(root);
    }
  });

  /** Puts the host file back and waits for the good build that follows. */
  async function restore(file, text) {
    if (fs.readFileSync(file, 'utf8') === text) {
      return;
    }
    const builds = goodBuilds(site);
    save(file, text);
    await waitForGoodBuild(site, builds);
  }

  async function openHost() {
    const page = await context.newPage();
    // The server subscribes a page to build results before it answers the
    // event stream, so once the answer's headers are in, no build is missed.
    const subscribed = page.waitForResponse((r) => new URL(r.url()).pathname === '/__prospectus/events', {
      timeout: RELOAD_TIMEOUT,
    });
    const response = await page.goto(`${site.url}${host.path}`);
    assert.equal(response.status(), 200, `${host.path} answers 200`);
    assert.equal(await page.locator('script[src="/__prospectus/reload.js"]').count(), 1, 'the preview adds the reload client');
    const events = await subscribed;
    assert.equal(events.status(), 200, 'the reload client is connected');
    assert.match(events.headers()['content-type'] || '', /^text\/event-stream/);
    await page.waitForLoadState('load');
    return page;
  }

  async function summaryOnPage(page) {
    return page.locator('h1 + p.ik-body-l').innerText();
  }

  async function fetchHost() {
    const response = await fetch(`${site.url}${host.path}`);
    return { status: response.status, html: await response.text() };
  }

  it('reloads an open host page after its summary changes on disk', async (t) => {
    const page = await openHost();
    try {
      const before = await summaryOnPage(page);
      const summary = `Live reload check ${Date.now()}: a summary edited while the page is open.`;
      assert.notEqual(before, summary);
      const token = await mark(page);
      const written = Date.now();
      save(hostFile, withField(original, 'summary', summary));
      const { ms } = await poll(
        page,
        ([token, summary]) => {
          const p = document.querySelector('h1 + p.ik-body-l');
          return window.__ikMark !== token && p && p.textContent.trim() === summary;
        },
        [token, summary],
        'the open page to reload with the new summary',
      );
      t.diagnostic(`summary edit reached the open page in ${ms} ms (${Date.now() - written} ms after the save)`);
      assert.equal(await page.locator(OVERLAY).count(), 0, 'a good build shows no error overlay');
      const served = await fetchHost();
      assert.equal(served.status, 200);
      assert.ok(served.html.includes(summary), 'the served page carries the new summary');
    } finally {
      await page.close();
      await restore(hostFile, original);
    }
  });

  it('shows a broken edit over the open page and keeps serving the last good build', async (t) => {
    const page = await openHost();
    try {
      const goodSummary = await summaryOnPage(page);
      const goodUrn = original.match(/^urn = "(\d+)"$/m)[1];
      const token = await mark(page);
      const broken = withField(original, 'urn', '12');
      const lines = broken.split('\n');
      const at = lines.findIndex((l) => l.startsWith('urn = '));
      const line = at + 1;
      const col = lines[at].indexOf('"') + 1;
      const written = Date.now();
      save(hostFile, broken);

      const { value: text, ms } = await poll(
        page,
        (sel) => {
          const d = document.querySelector(sel);
          return d && d.open && d.querySelector('pre') ? d.querySelector('pre').textContent : null;
        },
        OVERLAY,
        'the build error overlay',
      );
      t.diagnostic(`the error reached the open page in ${ms} ms (${Date.now() - written} ms after the save)`);
      const where = `${hostRel}:${line}:${col}: urn: `;
      assert.ok(text.includes(where), `the overlay names the file, line, column and field (${where}):\n${text}`);
      assert.match(text, /URN "12" must be exactly 6 digits/, 'the overlay says what is wrong');
      assert.ok(site.output().includes(where), 'the terminal shows the same message');
      assert.match(site.output(), /still serving the last good build/);

      const overlay = page.locator(OVERLAY);
      assert.equal(await overlay.getAttribute('aria-labelledby'), 'ik-build-error-title');
      assert.match(await page.locator('#ik-build-error-title').innerText(), /has errors: showing the last good build/);
      assert.ok(await overlay.evaluate((d) => d.matches(':modal')), 'the overlay is a modal dialog');
      assert.ok(await overlay.isVisible(), 'the overlay is visible');

      // The open page was not reloaded: it still shows the last good build.
      assert.equal(await page.evaluate(() => window.__ikMark), token, 'the page did not reload on a bad build');
      assert.equal(await summaryOnPage(page), goodSummary);

      await checkA11y(page, 'build error overlay');

      // The server kept running and serves the last good build.
      const served = await fetchHost();
      assert.equal(served.status, 200, `${host.path} still answers 200`);
      assert.ok(served.html.includes(`>${goodUrn}<`), 'the served page still shows the last good URN');
      assert.ok(!served.html.includes('>12<'), 'the broken URN is not served');
      assert.equal((await fetch(`${site.url}/api/health`)).status, 200, 'the API still answers');

      // A page opened while the error stands shows it at once.
      const late = await context.newPage();
      try {
        const response = await late.goto(`${site.url}${host.path}`);
        assert.equal(response.status(), 200);
        const { value: lateText } = await poll(
          late,
          (sel) => document.querySelector(sel)?.open && document.querySelector(`${sel} pre`).textContent,
          OVERLAY,
          'the overlay on a page opened after the bad build',
        );
        assert.ok(lateText.includes(where), `a newly opened page shows the standing error:\n${lateText}`);
      } finally {
        await late.close();
      }

      // "Hide" closes it with the keyboard (showModal focuses the button).
      await page.keyboard.press('Enter');
      await poll(page, (sel) => !document.querySelector(sel).open, OVERLAY, 'Hide to close the overlay', 2000);
    } finally {
      await page.close();
      await restore(hostFile, original);
    }
  });

  it('recovers when the broken file is fixed, without a restart', async (t) => {
    const page = await openHost();
    try {
      save(hostFile, withField(original, 'urn', '1234567'));
      await poll(
        page,
        (sel) => document.querySelector(sel)?.open && /URN "1234567"/.test(document.querySelector(`${sel} pre`).textContent),
        OVERLAY,
        'the build error overlay',
      );
      const token = await mark(page);
      const summary = `Recovered ${Date.now()}: the file was fixed and the preview rebuilt.`;
      const builds = goodBuilds(site);
      const written = Date.now();
      save(hostFile, withField(original, 'summary', summary));
      const { ms } = await poll(
        page,
        ([token, summary, sel]) => {
          const p = document.querySelector('h1 + p.ik-body-l');
          return (
            window.__ikMark !== token &&
            document.readyState !== 'loading' &&
            !document.querySelector(sel) &&
            p &&
            p.textContent.trim() === summary
          );
        },
        [token, summary, OVERLAY],
        'the page to reload with the fixed content and no overlay',
      );
      t.diagnostic(`the fix reached the open page in ${ms} ms (${Date.now() - written} ms after the save)`);
      assert.ok(goodBuilds(site) > builds, 'the server logged a good build');
      // No overlay comes back once the reload client has reconnected.
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(await page.locator(OVERLAY).count(), 0, 'the overlay is gone after the fix');

      const served = await fetchHost();
      assert.equal(served.status, 200);
      assert.ok(served.html.includes(summary), 'the fixed content is served');
      assert.equal(
        (site.output().match(/serving the prospectus on /g) || []).length,
        1,
        'the same server process kept serving (it started once)',
      );
    } finally {
      await page.close();
      await restore(hostFile, original);
    }
  });

  it('reloads an open host page after the host template changes', async (t) => {
    const template = path.join(root, 'themes/default/templates/host.html');
    const before = fs.readFileSync(template, 'utf8');
    const heading = '<h2 class="ik-heading-m">About the school</h2>';
    assert.ok(before.includes(heading), 'host.html has the "About the school" heading');
    const edited = `About this school (template edit ${Date.now()})`;
    const page = await openHost();
    try {
      assert.equal(await page.getByRole('heading', { name: 'About the school', exact: true }).count(), 1);
      const token = await mark(page);
      const written = Date.now();
      save(template, before.replace(heading, `<h2 class="ik-heading-m">${edited}</h2>`));
      const { ms } = await poll(
        page,
        ([token, edited]) =>
          window.__ikMark !== token && [...document.querySelectorAll('h2')].some((h) => h.textContent.trim() === edited),
        [token, edited],
        'the open page to reload with the edited template',
      );
      t.diagnostic(`the template edit reached the open page in ${ms} ms (${Date.now() - written} ms after the save)`);
      assert.equal(await page.getByRole('heading', { name: 'About the school', exact: true }).count(), 0);
      assert.equal(await page.locator(OVERLAY).count(), 0, 'a good build shows no error overlay');
    } finally {
      await page.close();
      await restore(template, before);
    }
  });
});
