import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { systemClock } from '../../src/core/clock.ts';
import type { Db } from '../../src/db/pool.ts';
import { seedDemo, type DemoCredentials } from '../../src/demo/service.ts';
import { ensureWebBuilt } from '../../src/http/web.ts';
import type { App } from '../../src/http/types.ts';
import { testDb } from '../support/db.ts';

/**
 * What the browser tests share: the real server on a small demo nation,
 * Debian's Chromium, the two viewports, and the checks every page gets.
 */

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
export const SHOTS = fileURLToPath(new URL('../screenshots/', import.meta.url));
const HAN = /\p{Script=Han}/u;

export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
export const DESKTOP = { viewport: { width: 1366, height: 900 } };
export type Viewport = typeof PHONE | typeof DESKTOP;

export interface Portal {
  db: Db;
  app: App;
  browser: Browser;
  base: string;
  creds: DemoCredentials;
  close(): Promise<void>;
}

export async function startPortal(): Promise<Portal> {
  mkdirSync(SHOTS, { recursive: true });
  const [webDir, db] = await Promise.all([ensureWebBuilt(), testDb()]);
  const creds = await seedDemo(db, { seed: 20260101, persons: 200, institutions: 300, catalogItems: 200 });
  // The system clock: session cookies expire by it, and the browser judges them by its own.
  const app = await buildApp({ db, clock: systemClock, config: loadConfig({}) }, { logger: false, webDir });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  return {
    db,
    app,
    browser,
    base,
    creds,
    async close() {
      await browser.close();
      await app.close();
      await db.close();
    },
  };
}

export async function open(portal: Portal, options: Viewport): Promise<{ ctx: BrowserContext; page: Page; errors: string[] }> {
  const ctx = await portal.browser.newContext({ ...options, baseURL: portal.base });
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { ctx, page, errors };
}

export async function signIn(page: Page, mode: 'person' | 'staff', username: string, password: string): Promise<void> {
  await page.goto('/');
  await page.waitForURL('**/login');
  if (mode === 'staff') await page.getByRole('tab', { name: '工作人员登录' }).click();
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.getByRole('button', { name: '登录', exact: true }).click();
}

export async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  // Fonts and images settle before the picture is taken.
  await page.evaluate('document.fonts.ready');
  // A whole page is taken from its top, so the sticky bars sit where they belong.
  if (fullPage) await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: `${SHOTS}${name}.png`, fullPage });
}

/** Scrolls an element to just below the sticky header, so a phone screenshot shows it. */
export async function scrollTo(page: Page, id: string): Promise<void> {
  await page.evaluate(`document.getElementById(${JSON.stringify(id)}).scrollIntoView(); window.scrollBy(0, -140)`);
}

export async function htmlLang(page: Page): Promise<string | null> {
  return page.locator('html').getAttribute('lang');
}

/** The portal's own words (headings, labels, buttons, badges): in English none may be Chinese. */
export async function untranslated(page: Page): Promise<string[]> {
  const texts = await page.locator('h1, h2, h3, dt, label, legend, th[scope=col], nav a, button:not(.lang-switch), .badge, .pager-status').allInnerTexts();
  return texts.filter((s) => HAN.test(s));
}

export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth') as Promise<number>;
}
