/**
 * A real headless Chromium for page tests: Debian's `chromium` (`.ci/run` installs it when missing),
 * driven by puppeteer-core. `CHROMIUM_PATH` points at another binary.
 *
 * @example
 * const browser = await launchChromium();
 * const page = await browser.newPage();
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';

const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** Where the browser binary is, or a clear error saying how to install it. */
export function chromiumPath(): string {
  const candidate = process.env.CHROMIUM_PATH ?? DEFAULT_CHROMIUM;
  if (!fs.existsSync(candidate)) {
    throw new Error(`No Chromium at ${candidate}: install Debian's package (apt-get install chromium) or set CHROMIUM_PATH.`);
  }
  return candidate;
}

/** Launches headless Chromium with a fresh profile and no background network traffic. */
export async function launchChromium(): Promise<Browser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-profile-'));
  const browser = await puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    userDataDir: profile,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  // Chromium may still be writing its profile as it disconnects: retry, and never fail a test over it.
  browser.once('disconnected', () => {
    try {
      fs.rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    } catch {
      // left in the temporary directory
    }
  });
  return browser;
}

/** The width and height a PNG's header declares. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = Buffer.from(png);
  if (view.toString('latin1', 1, 4) !== 'PNG') throw new Error('not a PNG');
  return { width: view.readUInt32BE(16), height: view.readUInt32BE(20) };
}
