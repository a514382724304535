// The dashboard's browser test must run in CI: without Chromium it fails there
// (CI set, or THREADLINK_REQUIRE_CHROMIUM=1) and is skipped only elsewhere.

import { expect } from 'chai';

import { requireChromium } from '../../support/chromium.js';

describe('the browser test without Chromium', () => {
  const missing = '/no/such/chromium';

  it('fails in CI and with THREADLINK_REQUIRE_CHROMIUM=1', () => {
    const context = { skip: () => expect.fail('must not skip') as never };
    for (const env of [{ CI: '1' }, { CI: 'true' }, { THREADLINK_REQUIRE_CHROMIUM: '1' }]) {
      expect(() => requireChromium(context, missing, env), JSON.stringify(env)).to.throw(
        /Chromium is required here .* \/no\/such\/chromium is missing/,
      );
    }
  });

  it('is skipped elsewhere', () => {
    let skipped = false;
    const log = console.log;
    console.log = () => {};
    try {
      requireChromium({ skip: () => void (skipped = true) as never }, missing, { CI: 'false' });
    } finally {
      console.log = log;
    }
    expect(skipped).to.equal(true);
  });
});
