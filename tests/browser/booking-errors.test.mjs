// The booking form filled wrongly, tampered with, or sent after the date
// filled up in another tab, with JavaScript on and off: every error is named
// in a "There is a problem" summary whose links lead to the fields, the title
// starts "Error:", nothing is booked, and axe finds nothing wrong with any
// of these states.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import {
  answers,
  availability,
  bookableHosts,
  errorSummary,
  fillBooking,
  jsLabel,
  newContext,
  remaining,
  servedSuite,
  skipReason,
  tamper,
  visited,
} from './support/journeys.mjs';

const skip = skipReason();

const MESSAGES = {
  visit: 'Select a visit date',
  school_name: 'Enter the name of your school',
  school_urn: "Enter your school's URN",
  school_region: "Select your school's region",
  contact_name: 'Enter the name of the person to contact about the visit',
  contact_role: "Enter the contact's role, like deputy headteacher",
  email: 'Enter an email address',
  places: 'Enter the number of places',
  consent: 'Confirm that you have read the privacy notice and agree to it',
};

describe('booking form errors and tampering', { skip }, () => {
  const served = servedSuite();
  let site;
  let browser;
  let hosts;

  before(async () => {
    ({ site, browser } = served);
    hosts = await bookableHosts(site, 1);
  });

  /** Submits the host page's form and returns the error summary entries. */
  async function submitForErrors(page, js) {
    await page.locator('form[data-booking-form] [type=submit]').click();
    if (!js) {
      await page.waitForURL('**/api/bookings/check');
    }
    const entries = await errorSummary(page);
    assert.match(await page.title(), /^Error: /, 'the title starts with "Error:"');
    if (js) {
      assert.equal(
        await page.evaluate(() => document.activeElement.classList.contains('ik-error-summary')),
        true,
        'focus moves to the error summary',
      );
    }
    return entries;
  }

  /** Clicks the summary link for `field` and checks where focus lands. */
  async function followLink(page, js, host, field) {
    const link = page.locator(`.ik-error-summary a[href$="#${field}"]`).first();
    assert.ok(await link.count(), `the summary links to #${field}`);
    if (js) {
      await link.click();
    } else {
      const href = await link.getAttribute('href');
      assert.equal(new URL(href, site.url).pathname, host.path, 'the link leads back to the host page');
      await link.click();
      await page.waitForURL(`**${host.path}#${field}`);
    }
    assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.id), field, `following the link focuses #${field}`);
  }

  for (const js of [true, false]) {
    const label = jsLabel(js);

    it(`names every required field left empty (${label})`, async () => {
      const host = hosts[0];
      const context = await newContext(browser, { js });
      const page = await context.newPage();
      await page.goto(`${site.url}${host.path}`);
      const form = page.locator('form[data-booking-form]');
      // The fields the untouched form leaves empty: no choice ticked, or no
      // value (places starts at 1, so it is not among them).
      const expected = [];
      for (const name of Object.keys(MESSAGES)) {
        const control = form.locator(`[name="${name}"]`).first();
        assert.ok(await control.count(), `the form has a ${name} field`);
        const empty = await control.evaluate((el) =>
          el.type === 'radio' || el.type === 'checkbox'
            ? !el.form.querySelector(`[name="${el.name}"]:checked`)
            : el.type !== 'hidden' && el.value === '',
        );
        if (empty) {
          expected.push(name);
        }
      }
      assert.ok(expected.length >= 8, `most fields start empty (${expected})`);
      const before = await availability(site, host.urn);
      const entries = await submitForErrors(page, js);
      const texts = entries.map((e) => e.text);
      for (const name of expected) {
        assert.ok(texts.includes(MESSAGES[name]), `the summary says "${MESSAGES[name]}" (got ${JSON.stringify(texts)})`);
      }
      await visited(page, `errors-all-empty-${label}`);
      if (js) {
        // Each field shows its message inline, in an error form group.
        for (const name of expected) {
          const group = page.locator('.ik-form-group--error').filter({ has: page.locator(`[name="${name}"]`) });
          assert.equal(await group.count(), 1, `${name} is in an error form group`);
          assert.match(await group.locator('.ik-error-message').innerText(), new RegExp(escapeRe(MESSAGES[name])));
        }
        for (const name of expected) {
          await followLink(page, js, host, name);
        }
      } else {
        // The error page is the answer to a POST: send the empty form again
        // for each link rather than going back to it.
        for (const name of expected) {
          await page.goto(`${site.url}${host.path}`);
          await submitForErrors(page, js);
          await followLink(page, js, host, name);
        }
      }
      assert.deepEqual(await availability(site, host.urn), before, 'nothing booked');
      await context.close();
    });

    const wrong = [
      ['bad-email', { email: 'ada.okafor-at-hollybank' }, 'email', /Enter an email address in the correct format/],
      ['bad-urn', { school_urn: '12345' }, 'school_urn', /URN as 6 digits/],
      ['no-places', { places: '0' }, 'places', /Number of places must be 1 or more/],
      ['too-many-places', { places: '4' }, 'places', /Number of places must be between 1 and 3/],
      ['no-consent', { consent: false }, 'consent', /privacy notice/],
    ];
    for (const [name, change, field, message] of wrong) {
      it(`explains a wrong answer: ${name} (${label})`, async () => {
        const host = hosts[1];
        const visit = host.visits[0];
        const context = await newContext(browser, { js });
        const page = await context.newPage();
        await page.goto(`${site.url}${host.path}`);
        await fillBooking(page, answers(visit, { school_urn: '199401', ...change }));
        const before = await remaining(site, host.urn, visit.id);
        const entries = await submitForErrors(page, js);
        assert.equal(entries.length, 1, `one error: ${JSON.stringify(entries)}`);
        assert.match(entries[0].text, message);
        await visited(page, `error-${name}-${label}`);
        await followLink(page, js, host, field);
        assert.equal(await remaining(site, host.urn, visit.id), before, 'nothing booked');
        await context.close();
      });
    }

    it(`refuses tampered hidden fields with clear messages and books nothing (${label})`, async () => {
      const host = hosts[2];
      const visit = host.visits[0];
      const other = hosts.find((h) => h.region !== host.region);
      const otherRegion = other.region;
      const cases = [
        // A visit date of a host in another region.
        ['visit-from-another-host', { visit: other.visits[0].id }, /only takes bookings from schools in/],
        // The school's region changed to one the host does not take.
        ['changed-region', { school_region: otherRegion }, /only takes bookings from schools in/],
        ['negative-places', { places: '-2' }, /Number of places must be 1 or more/],
      ];
      if (js) {
        // A neighbour's date in the same region passes the region rule; the
        // API still knows which host page the form was sent from.
        const neighbour = hosts.find((h) => h.region === host.region && h.urn !== host.urn);
        assert.ok(neighbour, `another bookable host in ${host.region}`);
        cases.push(['visit-from-a-neighbour', { visit: neighbour.visits[0].id }, /not at the school whose page you were on/]);
      }
      const context = await newContext(browser, { js });
      for (const [name, change, message] of cases) {
        const beforeHost = await availability(site, host.urn);
        const beforeOther = await availability(site, other.urn);
        const page = await context.newPage();
        await page.goto(`${site.url}${host.path}`);
        await fillBooking(page, answers(visit, { school_urn: '199501' }));
        if (js) {
          // With JavaScript the answers are sent as they stand in the form.
          await tamperForm(page, change);
          await submitForErrors(page, true);
        } else {
          // Without it, the check page's hidden fields are what get sent.
          await page.locator('form[data-booking-form] [type=submit]').click();
          await page.waitForURL('**/api/bookings/check');
          for (const [field, value] of Object.entries(change)) {
            await tamper(page, `form[action="/api/bookings"] input[name="${field}"]`, value);
          }
          await page.getByRole('button', { name: 'Confirm booking' }).click();
          await page.waitForURL('**/api/bookings');
        }
        const entries = await errorSummary(page);
        assert.match(await page.title(), /^Error: /);
        assert.ok(entries.some((e) => message.test(e.text)), `${name}: ${message} in ${JSON.stringify(entries)}`);
        await visited(page, `tampered-${name}-${label}`);
        assert.deepEqual(await availability(site, host.urn), beforeHost, `${name}: nothing booked at the host`);
        assert.deepEqual(await availability(site, other.urn), beforeOther, `${name}: nothing booked at the other host`);
        await page.close();
      }
      await context.close();
    });

    it(`says so when the date filled up in another tab (${label})`, async () => {
      const host = hosts[js ? 3 : 4];
      const visit = host.visits[0];
      const context = await newContext(browser, { js });
      const page = await context.newPage();
      await page.goto(`${site.url}${host.path}`);
      await fillBooking(page, answers(visit, { school_urn: '199601', places: '1' }));
      await page.locator('form[data-booking-form] [type=submit]').click();
      await page.getByRole('button', { name: 'Confirm booking' }).waitFor();

      // Meanwhile other schools take every place.
      await fillUp(visit);
      assert.equal(await remaining(site, host.urn, visit.id), 0);

      await page.getByRole('button', { name: 'Confirm booking' }).click();
      if (!js) {
        await page.waitForURL('**/api/bookings');
      }
      const entries = await errorSummary(page);
      assert.match(await page.title(), /^Error: /);
      assert.ok(entries.some((e) => /fully booked/.test(e.text)), `the summary says the date is fully booked: ${JSON.stringify(entries)}`);
      await visited(page, `error-date-full-${label}`);
      assert.equal(await remaining(site, host.urn, visit.id), 0);

      if (js) {
        // A fresh host page shows the date as full and not selectable.
        await page.goto(`${site.url}${host.path}`);
        const tag = page.locator(`.ik-tag[data-visit-id="${visit.id}"]`).first();
        await tag.filter({ hasText: 'Fully booked' }).waitFor({ timeout: 5000 });
        assert.equal(await page.locator(`input[name="visit"][value="${visit.id}"]`).isDisabled(), true);
        await visited(page, `host-date-full-${label}`);
      }
      await context.close();
    });
  }

  /** Books every remaining place on `visit` through the JSON API. */
  async function fillUp(visit) {
    let urn = 198000 + Math.floor(Math.random() * 900);
    for (;;) {
      const left = await remaining(site, visit.host_urn, visit.id);
      if (left === 0) {
        return;
      }
      const places = Math.min(left, visit.max_per_school);
      const response = await fetch(`${site.url}/api/bookings`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ ...answers(visit, { school_urn: String(urn++), places }), consent: 'yes' }),
      });
      assert.equal(response.status, 201, `filling the date: ${await response.text()}`);
    }
  }
});

/** Changes form controls' values directly, whatever kind they are. */
async function tamperForm(page, change) {
  for (const [field, value] of Object.entries(change)) {
    if (field === 'visit') {
      await page.locator('form[data-booking-form] input[name="visit"]:checked').evaluate((el, v) => (el.value = v), value);
    } else {
      await tamper(page, `form[data-booking-form] [name="${field}"]`, value);
    }
  }
}

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
