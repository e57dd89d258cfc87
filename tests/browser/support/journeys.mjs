// Shared pieces of the booking, cancel, feedback and page-check suites:
// a fresh `prospectus serve` on a temporary copy of the example content,
// Chromium with and without JavaScript, axe, screenshots at two widths and
// the booking form's helpers.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { after, before } from 'node:test';

import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';

import { CHROMIUM, CHROMIUM_ARGS } from './static-site.mjs';

export { CHROMIUM };

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const PROSPECTUS = path.join(REPO, 'target/debug/prospectus');
export const ARTIFACTS = path.join(REPO, 'tests/browser/artifacts');
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
export const BOOKING_DAY = '2027-09-01';

/**
 * Why the suite cannot run here, or undefined when it can. Without Chromium
 * the suite is skipped with the reason, except under CI=true, where that is
 * a failure. A missing prospectus binary is always a failure.
 */
export function skipReason() {
  if (!fs.existsSync(PROSPECTUS)) {
    throw new Error(`${PROSPECTUS} is missing: run \`cargo build -p generator -p booking-fn\` first`);
  }
  if (fs.existsSync(CHROMIUM)) {
    return undefined;
  }
  const why = `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) to run the browser suite`;
  if (process.env.CI === 'true') {
    throw new Error(why);
  }
  console.log(`skipping: ${why}`);
  return why;
}

/** A temporary site root holding copies of the repository's content and theme. */
export function makeRoot() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ik-browser-'));
  fs.cpSync(path.join(REPO, 'content'), path.join(root, 'content'), { recursive: true });
  fs.cpSync(path.join(REPO, 'themes'), path.join(root, 'themes'), { recursive: true });
  return root;
}

export function removeRoot(root) {
  fs.rmSync(root, { recursive: true, force: true });
}

export async function freePort() {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * Starts `prospectus serve` on `root` with the given day and waits until
 * both the site and the API answer. `stop()` ends it (Ctrl+C first, as a
 * person would, then SIGKILL if it lingers).
 */
export async function startServe(root, { today = BOOKING_DAY } = {}) {
  const port = await freePort();
  const child = spawn(PROSPECTUS, ['serve', '--root', root, '--port', String(port), '--today', today], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  let exited = null;
  child.on('exit', (code, signal) => (exited = { code, signal }));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (exited) {
      throw new Error(`prospectus serve exited (${JSON.stringify(exited)}) before answering:\n${output}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`prospectus serve did not answer within 180 s:\n${output}`);
    }
    try {
      const [health, home] = await Promise.all([fetch(`${url}/api/health`), fetch(`${url}/`)]);
      if (health.ok && home.ok) {
        break;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    port,
    output: () => output,
    async stop() {
      if (exited) {
        return;
      }
      const gone = once(child, 'exit');
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(timer);
    },
  };
}

/**
 * Registers the hooks every browser suite needs: `prospectus serve` on a
 * fresh copy of the content, and Chromium, both stopped after the suite.
 * Call it first in a `describe`, so its `before` runs before the suite's.
 * `restart(options)` starts the server again on the same copy (e.g. with
 * another `today`).
 */
export function servedSuite() {
  const served = {
    root: null,
    site: null,
    browser: null,
    async restart(options) {
      await served.site?.stop();
      served.site = await startServe(served.root, options);
      return served.site;
    },
  };
  before(async () => {
    served.root = makeRoot();
    served.site = await startServe(served.root);
    served.browser = await launch();
  });
  after(async () => {
    await served.browser?.close();
    await served.site?.stop();
    if (served.root) {
      removeRoot(served.root);
    }
  });
  return served;
}

export async function launch() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

const withoutJs = new WeakSet();

/** A browser context with JavaScript on or off. */
export async function newContext(browser, { js, ...options } = { js: true }) {
  const context = await browser.newContext({
    javaScriptEnabled: js,
    viewport: { width: 1280, height: 900 },
    ...options,
  });
  if (!js) {
    withoutJs.add(context);
  }
  return context;
}

export function jsLabel(js) {
  return js ? 'js' : 'nojs';
}

/** The site's slot manifest: every host and visit the server knows. */
export async function slots(site) {
  const response = await fetch(`${site.url}/slots.json`);
  assert.equal(response.status, 200, 'slots.json is served');
  return (await response.json()).visits;
}

/**
 * Hosts with at least `min` visit dates open for booking on BOOKING_DAY,
 * in a stable order: [{urn, name, path, region, visits: [slot…]}].
 */
export async function bookableHosts(site, min = 1) {
  const byHost = new Map();
  for (const slot of await slots(site)) {
    if (!byHost.has(slot.host_urn)) {
      byHost.set(slot.host_urn, {
        urn: slot.host_urn,
        name: slot.host_name,
        path: slot.host_path,
        region: slot.region,
        visits: [],
      });
    }
    if (slot.bookable && slot.booking_closes >= BOOKING_DAY) {
      byHost.get(slot.host_urn).visits.push(slot);
    }
  }
  return [...byHost.values()]
    .filter((h) => h.visits.length >= min)
    .sort((a, b) => a.path.localeCompare(b.path));
}

/** `GET /api/availability` as a map of visit id to its entry. */
export async function availability(site, urn) {
  const response = await fetch(`${site.url}/api/availability?host=${urn}`);
  assert.equal(response.status, 200, `availability of ${urn}`);
  const body = await response.json();
  return new Map(body.visits.map((v) => [v.id, v]));
}

export async function remaining(site, urn, visitId) {
  const visit = (await availability(site, urn)).get(visitId);
  assert.ok(visit, `visit ${visitId} is in the availability of ${urn}`);
  return visit.remaining;
}

/** A valid set of answers for a visiting school in `region`. */
export function answers(visit, overrides = {}) {
  return {
    visit: visit.id,
    school_name: 'Hollybank Primary School',
    school_urn: '199001',
    school_region: visit.region,
    contact_name: 'Ada Okafor',
    contact_role: 'Deputy headteacher',
    email: 'ada.okafor@hollybank.example.sch.uk',
    places: '2',
    needs: 'Step-free access, please',
    consent: true,
    ...overrides,
  };
}

/**
 * Ticks (or unticks) a radio or checkbox as a person does, by clicking its
 * label: the styled control is drawn by the label over the real input, so
 * a click aimed at the input lands on the label anyway. Checks it took,
 * which also proves the label is wired to its input.
 */
export async function tick(page, input, on = true) {
  const id = await input.getAttribute('id');
  assert.ok(id, 'the control has an id for its label');
  if ((await input.isChecked()) !== on) {
    await page.locator(`label[for="${id}"]`).click();
  }
  assert.equal(await input.isChecked(), on, `#${id} is ${on ? 'ticked' : 'unticked'}`);
}

/**
 * Fills the host page's booking form. `undefined` leaves a field as it is;
 * '' empties it; `consent: false` unticks the box.
 */
export async function fillBooking(page, a) {
  const form = page.locator('form[data-booking-form]');
  if (a.visit !== undefined) {
    await tick(page, form.locator(`input[name="visit"][value="${a.visit}"]`));
  }
  for (const name of ['school_name', 'school_urn', 'school_region', 'contact_name', 'contact_role', 'email', 'places', 'needs']) {
    if (a[name] === undefined) {
      continue;
    }
    const control = form.locator(`[name="${name}"]`).first();
    const tag = await control.evaluate((el) => `${el.tagName.toLowerCase()}:${el.type || ''}`);
    if (tag.startsWith('select')) {
      await control.selectOption(a[name] === '' ? { index: 0 } : a[name]);
    } else if (tag === 'input:radio') {
      await tick(page, form.locator(`input[name="${name}"][value="${a[name]}"]`));
    } else if (tag === 'input:hidden') {
      await control.evaluate((el, v) => (el.value = v), a[name]);
    } else {
      await control.fill(String(a[name]));
    }
  }
  if (a.consent !== undefined) {
    await tick(page, form.locator('input[name="consent"]'), a.consent);
  }
}

/** Sets any form control's value directly, as a tampering visitor would. */
export async function tamper(page, selector, value) {
  await page.locator(selector).first().evaluate((el, v) => {
    if (el.tagName === 'SELECT' && ![...el.options].some((o) => o.value === v)) {
      el.add(new Option(v, v));
    }
    if (el.type === 'number') {
      el.removeAttribute('min');
      el.removeAttribute('max');
    }
    el.value = v;
  }, value);
}

/** The texts of the error summary's entries, and their link targets. */
export async function errorSummary(page) {
  const summary = page.locator('.ik-error-summary');
  await summary.first().waitFor();
  assert.match(await summary.first().innerText(), /There is a problem/);
  return summary.first().locator('li').evaluateAll((items) =>
    items.map((li) => ({
      text: li.textContent.trim(),
      href: li.querySelector('a') ? li.querySelector('a').getAttribute('href') : null,
    })),
  );
}

/** The id of the focused element (after a short settle). */
export async function focusedId(page) {
  return page.evaluate(() => (document.activeElement ? document.activeElement.id : null));
}

/**
 * Runs axe with the WCAG 2.2 AA tags and fails on any violation, naming
 * the page, rule and elements. Pages without JavaScript are checked on an
 * exact copy of their DOM in a scripted page whose own scripts are blocked,
 * because axe cannot run in a frame with scripting disabled.
 */
export async function checkA11y(page, label) {
  let target = page;
  let scratch = null;
  if (withoutJs.has(page.context())) {
    const html = await page.content();
    const url = page.url().split('#')[0];
    scratch = await page.context().browser().newContext({ viewport: page.viewportSize() });
    target = await scratch.newPage();
    await target.route('**/*', (route) => {
      const request = route.request();
      if (request.resourceType() === 'script') {
        return route.abort();
      }
      if (request.isNavigationRequest() && request.url().split('#')[0] === url) {
        return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
      }
      return route.continue();
    });
    await target.goto(url);
  }
  try {
    const results = await new AxeBuilder({ page: target }).withTags(AXE_TAGS).analyze();
    const found = results.violations.map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help}\n` +
        v.nodes.map((n) => `    ${n.target.join(' ')}  ${n.html.slice(0, 160)}`).join('\n'),
    );
    assert.deepEqual(found, [], `axe found violations on ${label} (${page.url()}):\n${found.join('\n')}`);
  } finally {
    if (scratch) {
      await scratch.close();
    }
  }
}

/** Full-page screenshots at phone and desktop widths. */
export async function shoot(page, name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const before = page.viewportSize();
  const safe = name.replace(/[^a-z0-9-]+/gi, '-').toLowerCase();
  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: width < 600 ? 740 : 900 });
    await page.screenshot({ path: path.join(ARTIFACTS, `${safe}-${width}.png`), fullPage: true });
  }
  if (before) {
    await page.setViewportSize(before);
  }
}

/** axe and screenshots for one page state. */
export async function visited(page, label) {
  await checkA11y(page, label);
  await shoot(page, label);
}

/**
 * Waits for the private "your booking" page, /api/bookings/REF?token=...
 * A plain glob ending in /api/bookings/ and a star would already match the check
 * step at /api/bookings/check and return before the booking exists.
 */
export async function waitForBookingPage(page) {
  await page.waitForURL(
    (u) => /^\/api\/bookings\/[^/]+$/.test(u.pathname) && u.pathname !== '/api/bookings/check' && u.searchParams.has('token'),
  );
  return bookingFromUrl(page.url());
}

/** The booking's reference and token from its private page's address. */
export function bookingFromUrl(url) {
  const u = new URL(url);
  const match = u.pathname.match(/^\/api\/bookings\/([^/]+)$/);
  assert.ok(match, `${url} is a private booking page`);
  return { reference: decodeURIComponent(match[1]), token: u.searchParams.get('token') };
}

/** Whether the focused element shows a focus indicator. */
export async function focusVisible(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) {
      return { ok: false, what: 'nothing focused' };
    }
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    const shadow = style.boxShadow && style.boxShadow !== 'none';
    // Radios and checkboxes are often drawn by a sibling label; its
    // ::before/::after carries the ring.
    let pseudo = false;
    if (el.id) {
      const label = document.querySelector(`label[for="${el.id}"]`);
      for (const which of ['::before', '::after']) {
        const s = label && getComputedStyle(label, which);
        if (s && ((s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || (s.boxShadow && s.boxShadow !== 'none'))) {
          pseudo = true;
        }
      }
    }
    return {
      ok: outline || shadow || pseudo,
      what: `${el.tagName.toLowerCase()}#${el.id || ''}.${el.className || ''} outline=${style.outlineStyle} ${style.outlineWidth} box-shadow=${style.boxShadow}`,
    };
  });
}
