// Cancelling from the private booking page and giving feedback after the
// visit, with JavaScript on and off: the places come back, a second cancel
// says the booking is already cancelled, a wrong token gets a clear message,
// feedback opens on the visit date (the server is restarted with a later
// `--today` on the same store) and is taken once. axe checks each page.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import {
  answers,
  bookableHosts,
  jsLabel,
  newContext,
  remaining,
  servedSuite,
  skipReason,
  tick,
  visited,
} from './support/journeys.mjs';

const skip = skipReason();

describe('cancelling a booking and giving feedback', { skip }, () => {
  const served = servedSuite();
  let site;
  let browser;
  let host;
  let visit;
  const bookings = {};

  before(async () => {
    ({ site, browser } = served);
    // Four bookings of two places each: the first date with room for all.
    const dates = (await bookableHosts(site, 1)).flatMap((h) => h.visits.map((v) => ({ h, v })));
    const roomy = dates.find(({ v }) => v.places >= 8);
    assert.ok(roomy, 'the example content has a date with 8 places or more');
    ({ h: host, v: visit } = roomy);
    let urn = 199700;
    for (const name of ['cancel-js', 'cancel-nojs', 'feedback-js', 'feedback-nojs']) {
      bookings[name] = await book(visit, String(urn++));
    }
  });

  async function book(v, urn) {
    const response = await fetch(`${site.url}/api/bookings`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...answers(v, { school_urn: urn, places: 2 }), consent: 'yes' }),
    });
    const body = await response.json();
    assert.equal(response.status, 201, JSON.stringify(body));
    return body;
  }

  /** Sends a copy of a page's form again from a new tab, as a resubmission would. */
  async function resubmit(context, html, button) {
    const again = await context.newPage();
    const url = `${site.url}/__resubmit-${Date.now()}`;
    await again.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
    await again.goto(url);
    await Promise.all([again.waitForNavigation(), again.getByRole('button', { name: button }).click()]);
    return again;
  }

  for (const js of [true, false]) {
    const label = jsLabel(js);

    it(`cancels from the private page and gives the places back (${label})`, async () => {
      const booking = bookings[`cancel-${label}`];
      const context = await newContext(browser, { js });
      const page = await context.newPage();
      await page.goto(`${site.url}${booking.booking_url}`);
      assert.match(await page.locator('h1').innerText(), new RegExp(booking.reference));
      await visited(page, `booking-page-${label}`);
      const saved = await page.content();
      const before = await remaining(site, host.urn, visit.id);

      await page.getByRole('button', { name: 'Cancel this booking' }).click();
      await page.waitForURL(`**/api/bookings/${booking.reference}?token=*`);
      assert.match(await page.locator('main').innerText(), /cancelled/i);
      assert.equal(await page.getByRole('button', { name: /Cancel/ }).count(), 0, 'no cancel button any more');
      await visited(page, `booking-cancelled-${label}`);
      assert.equal(await remaining(site, host.urn, visit.id), before + 2, 'the two places came back');

      // The same cancel form sent again.
      const again = await resubmit(context, saved, 'Cancel this booking');
      assert.match(await again.title(), /^Error: /);
      assert.match(await again.locator('.ik-error-summary').innerText(), new RegExp(`Booking ${booking.reference} has already been cancelled`));
      await visited(again, `cancel-again-${label}`);
      assert.equal(await remaining(site, host.urn, visit.id), before + 2, 'nothing changed');
      await context.close();
    });

    it(`says clearly when a feedback link's token is wrong (${label})`, async () => {
      const booking = bookings[`feedback-${label}`];
      const context = await newContext(browser, { js });
      const page = await context.newPage();
      const response = await page.goto(`${site.url}/api/feedback?reference=${booking.reference}&token=not-the-right-token-at-all`);
      assert.equal(response.status(), 404);
      assert.match(await page.title(), /^Error: /);
      assert.match(await page.locator('main').innerText(), /We could not find a booking with that reference and link/);
      assert.equal(await page.locator('form').count(), 0, 'no feedback form');
      await visited(page, `feedback-wrong-token-${label}`);
      await context.close();
    });

    it(`does not take feedback before the visit date (${label})`, async () => {
      const booking = bookings[`feedback-${label}`];
      const context = await newContext(browser, { js });
      const page = await context.newPage();
      const response = await page.goto(`${site.url}${booking.feedback_url}`);
      assert.equal(response.status(), 409);
      assert.match(await page.locator('h1').innerText(), /not open yet/);
      assert.equal(await page.locator('textarea').count(), 0, 'no feedback form');
      await visited(page, `feedback-not-yet-${label}`);
      await context.close();
    });
  }

  it('moves the clock to the day of the visit', async () => {
    site = await served.restart({ today: visit.date });
    const health = await (await fetch(`${site.url}/api/health`)).json();
    assert.ok(health.time.startsWith(visit.date), `the API's clock says ${health.time}`);
  });

  for (const js of [true, false]) {
    const label = jsLabel(js);

    it(`gives feedback after the visit, once (${label})`, async () => {
      const booking = bookings[`feedback-${label}`];
      const context = await newContext(browser, { js });
      const page = await context.newPage();
      // From the private page, as a visitor would.
      await page.goto(`${site.url}${booking.booking_url}`);
      await page.getByRole('link', { name: 'Give feedback on your visit' }).click();
      await page.waitForURL('**/api/feedback?*');
      assert.match(await page.locator('h1').innerText(), /Give feedback/);
      await visited(page, `feedback-form-${label}`);

      // Sent empty: every question is named.
      await page.getByRole('button', { name: 'Send feedback' }).click();
      await page.waitForURL('**/api/feedback');
      assert.match(await page.title(), /^Error: /);
      const problems = await page.locator('.ik-error-summary li').allInnerTexts();
      for (const expected of [/how satisfied/, /focus area/, /what your school will change/, /recommend/]) {
        assert.ok(problems.some((p) => expected.test(p)), `${expected} in ${JSON.stringify(problems)}`);
      }
      await visited(page, `feedback-errors-${label}`);

      await page.goto(`${site.url}${booking.feedback_url}`);
      await tick(page, page.locator('input[name="satisfaction"][value="4"]'));
      await tick(page, page.locator('input[name="covered_focus"][value="partly"]'));
      await page.locator('textarea[name="will_change"]').fill('We will start pupil progress meetings every half term.');
      await tick(page, page.locator('input[name="recommend"][value="yes"]'));
      const saved = await page.content();
      await page.getByRole('button', { name: 'Send feedback' }).click();
      await page.waitForURL('**/feedback/thanks/');
      assert.match(await page.locator('h1').innerText(), /thank/i);
      await visited(page, `feedback-thanks-${label}`);

      // The link again: already given.
      const response = await page.goto(`${site.url}${booking.feedback_url}`);
      assert.equal(response.status(), 409);
      assert.match(await page.locator('main').innerText(), new RegExp(`Feedback has already been given for booking ${booking.reference}`));
      await visited(page, `feedback-already-given-${label}`);

      // The same answers sent a second time.
      const again = await resubmit(context, saved, 'Send feedback');
      assert.match(await again.title(), /^Error: /);
      assert.match(await again.locator('.ik-error-summary').innerText(), /already been given/);
      await visited(again, `feedback-again-${label}`);
      await context.close();
    });
  }
});
