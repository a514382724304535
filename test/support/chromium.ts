// Debian's Chromium for the dashboard's browser test, driven by playwright-core
// with its executablePath: never a browser downloaded by a package installer.
// Without Chromium the test is skipped with a message, except in CI (CI set) or
// with THREADLINK_REQUIRE_CHROMIUM=1, where it fails: CI must never skip it.

import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const kChromiumPath = process.env.THREADLINK_CHROMIUM ?? '/usr/bin/chromium';
export const kChromiumInstallHint =
  'apt-get install chromium (Debian), or set THREADLINK_CHROMIUM to its path';

export function chromiumRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0';
  return ci || env.THREADLINK_REQUIRE_CHROMIUM === '1';
}

/** In a `before` hook: fails the block when Chromium is required and missing, skips it when only missing. */
export function requireChromium(
  context: Pick<Mocha.Context, 'skip'>,
  path = kChromiumPath,
  env: NodeJS.ProcessEnv = process.env,
): void {
  if (existsSync(path)) return;
  if (chromiumRequired(env)) {
    throw new Error(
      `Chromium is required here (CI or THREADLINK_REQUIRE_CHROMIUM=1) but ${path} is missing: ${kChromiumInstallHint}.`,
    );
  }
  console.log(`      (Chromium not found at ${path}, skipping the browser test: ${kChromiumInstallHint}.)`);
  context.skip();
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: kChromiumPath, headless: true });
}
