// The booking journey with the keyboard alone (Tab, Shift+Tab, Space, Enter
// and typing), with JavaScript on and off. At every stop the focused element
// must show a visible focus indicator (an outline or box-shadow, on it or on
// the label that draws a radio or checkbox).

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import {
  bookableHosts,
  bookingFromUrl,
  focusVisible,
  jsLabel,
  newContext,
  remaining,
  servedSuite,
  shoot,
  skipReason,
  waitForBookingPage,
} from './support/journeys.mjs';

const skip = skipReason();
const MAX_TABS = 400;

describe('keyboard-only booking', { skip }, () => {
  const served = servedSuite();
  let site;
  let browser;
  let hosts;

  before(async () => {
    ({ site, browser } = served);
    hosts = await bookableHosts(site, 1);
  });

  for (const js of [true, false]) {
    const label = jsLabel(js);

    it(`books a place with the keyboard only, focus always visible (${label})`, async () => {
      const host = hosts[js ? hosts.length - 1 : hosts.length - 2];
      const visit = host.visits[0];
      const regionName = await regionLabel(host.region);
      const before = await remaining(site, host.urn, visit.id);
      const context = await newContext(browser, { js });
      const page = await context.newPage();
      await page.goto(`${site.url}${host.path}`);
      const invisible = [];

      async function tab(shift = false) {
        await page.keyboard.press(shift ? 'Shift+Tab' : 'Tab');
        const seen = await focusVisible(page);
        if (!seen.ok) {
          invisible.push(seen.what);
        }
      }
      async function tabUntil(test, what) {
        for (let i = 0; i < MAX_TABS; i++) {
          await tab();
          if (await page.evaluate(test)) {
            return;
          }
        }
        assert.fail(`Tab never reached ${what}`);
      }
      const focused = () => page.evaluate(() => document.activeElement.id || document.activeElement.textContent.trim());

      // Through the page to the first visit date.
      await tabUntil(() => document.activeElement.name === 'visit', 'the visit dates');
      // Shift+Tab goes back out of the group and Tab returns to it.
      await tab(true);
      await tab();
      assert.equal(await page.evaluate(() => document.activeElement.name), 'visit');
      await page.keyboard.press('Space');
      assert.equal(await page.evaluate(() => document.activeElement.checked), true, 'Space chose the date');
      const chosen = await page.evaluate(() => document.activeElement.value);

      await tab();
      assert.equal(await focused(), 'school_name');
      await page.keyboard.type('Larkspur Primary School');
      await tab();
      assert.equal(await focused(), 'school_urn');
      await page.keyboard.type(js ? '199801' : '199802');
      await tab();
      assert.equal(await focused(), 'school_region');
      await page.keyboard.type(regionName);
      assert.equal(await page.locator('#school_region').inputValue(), host.region, 'typing the region name chose it');
      await tab();
      assert.equal(await focused(), 'contact_name');
      await page.keyboard.type('Sam Reyes');
      await tab();
      assert.equal(await focused(), 'contact_role');
      await page.keyboard.type('Assistant headteacher');
      await tab();
      assert.equal(await focused(), 'email');
      await page.keyboard.type('sam.reyes@larkspur.example.sch.uk');
      await tab();
      assert.equal(await focused(), 'places');
      await tab();
      assert.equal(await focused(), 'needs');
      await tab();
      assert.equal(await focused(), 'consent');
      await page.keyboard.press('Space');
      assert.equal(await page.locator('#consent').isChecked(), true, 'Space ticked consent');
      await shoot(page, `keyboard-form-${label}`);
      await tabUntil(() => document.activeElement.type === 'submit', 'the Continue button');
      await page.keyboard.press('Enter');

      if (js) {
        await page.locator('[data-booking-check]').waitFor();
      } else {
        await page.waitForURL('**/api/bookings/check');
      }
      await shoot(page, `keyboard-check-${label}`);
      await tabUntil(() => /Confirm booking/.test(document.activeElement.textContent), 'Confirm booking');
      await page.keyboard.press('Enter');
      await waitForBookingPage(page);
      const { reference } = bookingFromUrl(page.url());
      assert.match(await page.locator('.ik-panel').innerText(), new RegExp(reference));
      await shoot(page, `keyboard-confirmed-${label}`);
      assert.equal(chosen, visit.id, 'Tab lands on the first open date');
      assert.equal(await remaining(site, host.urn, visit.id), before - 1, 'one place booked');

      assert.deepEqual([...new Set(invisible)], [], 'every focused element shows where focus is');
      await context.close();
    });
  }

  async function regionLabel(slug) {
    const response = await fetch(`${site.url}/regions/`);
    const html = await response.text();
    const match = html.match(new RegExp(`href="/regions/${slug}/"[^>]*>([^<]+)<`));
    assert.ok(match, `the regions page links ${slug}`);
    return match[1].trim();
  }
});
