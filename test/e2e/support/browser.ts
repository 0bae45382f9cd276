/**
 * Headless Chromium for the end-to-end tests: Debian's own build (Playwright cannot
 * download its browsers here), with the network switched off except for loopback.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

const CHROMIUM_PATH = process.env.E2E_CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags that keep Chromium from phoning home, which would only time out without internet. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--no-proxy-server',
];

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: install it with "apt-get install -y chromium" ` +
        'or point E2E_CHROMIUM_PATH at a Chromium binary',
    );
  }
  // Playwright gives each launch a fresh temporary profile, so no --user-data-dir is needed.
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function isLoopbackUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'data:' || parsed.protocol === 'blob:') return true;
    return LOOPBACK_HOSTS.has(parsed.hostname);
  } catch {
    return false;
  }
}

/**
 * The Playground page asks a CDN for its fonts; there is no internet, so fail those
 * requests at once instead of waiting for DNS, and guarantee nothing leaves the machine.
 */
export async function blockNonLoopbackRequests(context: BrowserContext): Promise<void> {
  await context.route(
    (url) => !isLoopbackUrl(url.toString()),
    (route) => route.abort('blockedbyclient'),
  );
}
