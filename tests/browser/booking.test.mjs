// Finding a host and booking a place, with JavaScript on and off, against
// `prospectus serve` on a fresh copy of the example content: the region
// listing and search lead to the host; the booking goes through the
// check-your-answers step to the private booking page; availability shows
// the places taken; a double submit makes one booking. axe checks every page
// and state on the way, and each step is photographed at 375 and 1280 px.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import {
  answers,
  bookableHosts,
  bookingFromUrl,
  fillBooking,
  jsLabel,
  newContext,
  remaining,
  servedSuite,
  skipReason,
  visited,
  waitForBookingPage,
} from './support/journeys.mjs';

const skip = skipReason();

describe('finding a host and booking a place', { skip }, () => {
  const served = servedSuite();
  let site;
  let browser;
  let hosts;

  before(async () => {
    ({ site, browser } = served);
    hosts = await bookableHosts(site, 2);
    assert.ok(hosts.length >= 6, `enough hosts with open visit dates (found ${hosts.length})`);
  });

  for (const js of [true, false]) {
    const label = jsLabel(js);

    it(`finds a host through its region's listing (${label})`, async () => {
      const host = hosts[js ? 0 : 1];
      const context = await newContext(browser, { js });
      const page = await context.newPage();
      await page.goto(`${site.url}/`);
      await visited(page, `home-${label}`);
      await page.locator(`main a[href="/regions/${host.region}/"]`).first().click();
      await page.waitForURL(`**/regions/${host.region}/`);
      await visited(page, `region-${label}`);
      await page.locator(`main a[href="${host.path}"]`).first().click();
      await page.waitForURL(`**${host.path}`);
      assert.equal((await page.locator('h1').innerText()).trim(), host.name);
      await visited(page, `host-${label}`);
      await context.close();
    });

    it(`books a place through check-your-answers and sees it in availability (${label})`, async () => {
      const host = hosts[js ? 2 : 3];
      const visit = host.visits[0];
      const before = await remaining(site, host.urn, visit.id);
      const context = await newContext(browser, { js });
      const page = await context.newPage();
      await page.goto(`${site.url}${host.path}`);
      const a = answers(visit, { school_urn: js ? '199101' : '199102', places: '2' });
      await fillBooking(page, a);
      await visited(page, `booking-form-filled-${label}`);
      await page.locator('form[data-booking-form] [type=submit]').click();

      if (js) {
        // The check step happens in the page.
        const check = page.locator('[data-booking-check]');
        await check.waitFor();
        assert.equal(new URL(page.url()).pathname, host.path, 'still on the host page');
        assert.match(await check.innerText(), /Check your answers/);
        await assertSummary(check, a);
        assert.equal(
          await page.evaluate(() => document.activeElement.closest('[data-booking-check]') !== null),
          true,
          'focus moves to the check step',
        );
        // A Change link goes back to the field, keeping the answers.
        await check.locator('a', { hasText: 'Change' }).filter({ hasText: 'email' }).click();
        assert.equal(await page.evaluate(() => document.activeElement.id), 'email');
        assert.equal(await page.locator('#email').inputValue(), a.email);
        await page.locator('form[data-booking-form] [type=submit]').click();
        await check.waitFor();
      } else {
        await page.waitForURL('**/api/bookings/check');
        assert.match(await page.locator('h1').innerText(), /Check your answers/);
        await assertSummary(page.locator('main'), a);
      }
      await visited(page, `check-answers-${label}`);
      assert.equal(await remaining(site, host.urn, visit.id), before, 'nothing is booked at the check step');

      await page.getByRole('button', { name: 'Confirm booking' }).click();
      await waitForBookingPage(page);
      const { reference, token } = bookingFromUrl(page.url());
      assert.match(reference, /\S{4,}/);
      assert.ok(token, 'the private page carries the token');
      const panel = page.locator('.ik-panel');
      assert.match(await panel.innerText(), new RegExp(escapeRe(reference)));
      const main = await page.locator('main').innerText();
      assert.match(main, /keep/i, 'the page tells the visitor to keep the links');
      assert.ok(await page.locator(`a[href*="feedback"][href*="${encodeURIComponent(token)}"], a[href*="feedback"][href*="token="]`).count(), 'a private feedback link');
      const calendarHref = await page.getByRole('link', { name: 'Add this visit to your calendar' }).getAttribute('href');
      const calendar = await page.request.get(new URL(calendarHref, page.url()).href);
      assert.equal(calendar.headers()['content-type'], 'text/calendar; charset=utf-8');
      const ics = await calendar.text();
      assert.equal(ics.match(/BEGIN:VEVENT/g)?.length, 1, 'the calendar holds this booking alone');
      assert.match(ics, new RegExp(`Booking reference ${escapeRe(reference)}`));
      assert.ok(await page.getByRole('button', { name: /Cancel/ }).count(), 'a cancel button');
      await visited(page, `booking-confirmed-${label}`);

      assert.equal(await remaining(site, host.urn, visit.id), before - 2, 'availability shows two places taken');
      if (js) {
        // Back on the host page, the tag is refreshed from the API.
        await page.goto(`${site.url}${host.path}`);
        const tag = page.locator(`.ik-tag[data-visit-id="${visit.id}"]`).first();
        await assert.doesNotReject(
          tag.filter({ hasText: `${before - 2} places left` }).waitFor({ timeout: 5000 }),
          `tag shows ${before - 2} places left`,
        );
      }
      await context.close();
    });

    it(`makes one booking from a double submit (${label})`, async () => {
      const host = hosts[js ? 4 : 5];
      const visit = host.visits[0];
      const before = await remaining(site, host.urn, visit.id);
      const context = await newContext(browser, { js });
      const page = await context.newPage();
      await page.goto(`${site.url}${host.path}`);
      const a = answers(visit, { school_urn: js ? '199201' : '199202', places: '1' });
      await fillBooking(page, a);
      await page.locator('form[data-booking-form] [type=submit]').click();
      const confirm = page.getByRole('button', { name: 'Confirm booking' });
      await confirm.waitFor();

      let first;
      if (js) {
        const posts = [];
        page.on('request', (r) => {
          if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/bookings') {
            posts.push(r);
          }
        });
        await confirm.dblclick();
        await waitForBookingPage(page);
        first = bookingFromUrl(page.url());
        assert.equal(posts.length, 1, 'a double click sends one request');
        assert.equal(await remaining(site, host.urn, visit.id), before - 1, 'one place taken');
      } else {
        // Keep the confirm form as it was, confirm, then send that same
        // form again (as a browser resubmission would): it carries the
        // same idempotency key, so the answer is the first booking again.
        const checkPage = await page.content();
        await confirm.click();
        await waitForBookingPage(page);
        first = bookingFromUrl(page.url());
        assert.equal(await remaining(site, host.urn, visit.id), before - 1);

        const again = await context.newPage();
        const resubmit = `${site.url}/__resubmit-check-page`;
        await again.route(resubmit, (route) =>
          route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: checkPage }),
        );
        await again.goto(resubmit);
        await again.getByRole('button', { name: 'Confirm booking' }).click();
        await waitForBookingPage(again);
        assert.equal(bookingFromUrl(again.url()).reference, first.reference, 'the same booking, not a new one');
        assert.equal(await remaining(site, host.urn, visit.id), before - 1, 'one booking after resubmitting');
        await again.close();
      }

      // The same school books the same date again from a fresh form:
      // refused with 409, naming the booking it already has.
      const second = await context.newPage();
      await second.goto(`${site.url}${host.path}`);
      await fillBooking(second, a);
      await second.locator('form[data-booking-form] [type=submit]').click();
      await second.getByRole('button', { name: 'Confirm booking' }).waitFor();
      const [response] = await Promise.all([
        second.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/bookings'),
        second.getByRole('button', { name: 'Confirm booking' }).click(),
      ]);
      assert.equal(response.status(), 409);
      const summary = second.locator('.ik-error-summary');
      await summary.waitFor();
      assert.match(await second.title(), /^Error:/);
      assert.match(await summary.innerText(), new RegExp(`already has a booking[\\s\\S]*${escapeRe(first.reference)}`));
      await visited(second, `double-booking-refused-${label}`);
      assert.equal(await remaining(site, host.urn, visit.id), before - 1, 'still one booking');
      await context.close();
    });
  }

  it('retries a failed confirm with the same idempotency key and books once (js)', async () => {
    const host = hosts[6] || hosts[0];
    const visit = host.visits[host.visits.length - 1];
    const before = await remaining(site, host.urn, visit.id);
    const context = await newContext(browser, { js: true });
    const page = await context.newPage();
    await page.goto(`${site.url}${host.path}`);
    await fillBooking(page, answers(visit, { school_urn: '199301', places: '1' }));
    await page.locator('form[data-booking-form] [type=submit]').click();
    const keys = [];
    let dropped = false;
    // The first request reaches the server but its answer is lost.
    await page.route('**/api/bookings', async (route) => {
      keys.push(JSON.parse(route.request().postData()).idempotency_key);
      if (!dropped) {
        dropped = true;
        await route.fetch();
        return route.abort('connectionfailed');
      }
      return route.continue();
    });
    await page.getByRole('button', { name: 'Confirm booking' }).click();
    const summary = page.locator('.ik-error-summary');
    await summary.waitFor();
    assert.match(await summary.innerText(), /connection/i);
    assert.match(await page.title(), /^Error:/);
    assert.equal(await page.evaluate(() => document.activeElement.classList.contains('ik-error-summary')), true);
    await visited(page, 'booking-network-failure-js');
    assert.equal(await remaining(site, host.urn, visit.id), before - 1, 'the lost request was booked');

    await page.getByRole('button', { name: 'Confirm booking' }).click();
    await waitForBookingPage(page);
    assert.equal(keys.length, 2);
    assert.ok(keys[0] && keys[0] === keys[1], 'the retry reuses the idempotency key');
    assert.equal(await remaining(site, host.urn, visit.id), before - 1, 'the retry did not book again');
    await context.close();
  });

  it('finds a host by search and books from there (js)', async () => {
    const host = hosts[7] || hosts[1];
    const context = await newContext(browser, { js: true });
    const page = await context.newPage();
    await page.goto(`${site.url}/search/`);
    const box = page.locator('main input[type="search"], main [role="searchbox"], main input[type="text"]').first();
    await box.fill(host.name);
    const result = page.locator(`main a[href*="${host.path}"]`).first();
    await result.waitFor({ timeout: 15000 });
    await visited(page, 'search-results-js');
    await result.click();
    await page.waitForURL(`**${host.path}`);
    assert.equal((await page.locator('h1').innerText()).trim(), host.name);
    assert.ok(await page.locator('form[data-booking-form]').count(), 'the host page has the booking form');
    await context.close();
  });
});

async function assertSummary(scope, a) {
  const text = await scope.innerText();
  for (const value of [a.school_name, a.school_urn, a.contact_name, a.contact_role, a.email]) {
    assert.ok(text.includes(value), `the summary shows ${value}`);
  }
  assert.ok(await scope.locator('a', { hasText: 'Change' }).count() >= 5, 'Change links');
}

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
