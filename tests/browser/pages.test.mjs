// Every static page type of the site, with JavaScript on and off: it
// answers with the right status, has one h1, passes axe (WCAG 2.2 AA tags)
// and is photographed at phone and desktop widths.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import {
  bookableHosts,
  jsLabel,
  newContext,
  servedSuite,
  skipReason,
  visited,
} from './support/journeys.mjs';

const skip = skipReason();

describe('page types', { skip }, () => {
  const served = servedSuite();
  let site;
  let browser;
  let pages;

  before(async () => {
    ({ site, browser } = served);
    const host = (await bookableHosts(site, 1))[0];
    pages = [
      ['home', '/', 200],
      ['regions', '/regions/', 200],
      ['region', `/regions/${host.region}/`, 200],
      ['focus-areas', '/focus/', 200],
      ['focus', `/focus/${host.visits[0].focus[0] || 'narrowing-the-gap'}/`, 200],
      ['phases', '/phases/', 200],
      ['phase', '/phases/primary/', 200],
      ['visits', '/visits/', 200],
      ['host', host.path, 200],
      ['content-page', '/about/', 200],
      ['privacy', '/privacy/', 200],
      ['search', '/search/', 200],
      ['feedback-thanks', '/feedback/thanks/', 200],
      ['not-found', '/no-such-page/', 404],
    ];
  });

  for (const js of [true, false]) {
    const label = jsLabel(js);
    it(`every page type passes axe (${label})`, async () => {
      const context = await newContext(browser, { js });
      const page = await context.newPage();
      const failures = [];
      for (const [name, path, status] of pages) {
        const response = await page.goto(`${site.url}${path}`);
        assert.equal(response.status(), status, `${path} answers ${status}`);
        await page.waitForLoadState('load');
        assert.equal(await page.locator('h1').count(), 1, `${path} has one h1`);
        assert.ok((await page.title()).length > 0, `${path} has a title`);
        try {
          await visited(page, `page-${name}-${label}`);
        } catch (e) {
          failures.push(e.message);
        }
      }
      assert.deepEqual(failures, [], failures.join('\n\n'));
      await context.close();
    });
  }
});
