/**
 * The console with auth on, in chromium: without a token every view says why it is empty (401);
 * a bearer token pasted in the Token box (kept in localStorage) opens the views; a user who is
 * not a curator sees the refusal on Metrics. At a phone's width the pages stay usable and pass
 * axe-core. Screenshots under .ci/out/.
 *
 * Needs /usr/bin/chromium (scripts/install-chromium.sh installs it); skipped without it.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hs256Auth, startStack, token, userClient, type Stack } from '../http/support.js';

const CHROMIUM = '/usr/bin/chromium';
const HAS_CHROMIUM = existsSync(CHROMIUM);
const WAIT = 15_000;
const OUT = resolve('.ci/out');
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

describe.skipIf(!HAS_CHROMIUM)('the console with auth on, in chromium', () => {
  let s: Stack;
  let profile: string;
  let ctx: BrowserContext | undefined;
  let page: Page;
  const offsite: string[] = [];
  const pageErrors: string[] = [];

  async function open(hash: string, view: string): Promise<void> {
    await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
    await page.locator(`#view[data-ready="${view}"]`).waitFor({ timeout: WAIT });
  }

  async function serious(): Promise<string[]> {
    if ((await page.evaluate('typeof window.axe')) !== 'object') await page.addScriptTag({ url: `${s.url}/__test/axe.min.js` });
    const v = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)`)) as Array<{ id: string; impact: string | null; nodes: Array<{ target: string[] }> }>;
    return v.filter((x) => x.impact === 'serious' || x.impact === 'critical').map((x) => `${x.id} @ ${x.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    s = await startStack({ config: hs256Auth });
    const carol = await userClient(s, 'carol', { roles: ['curator'] });
    expect((await carol('POST', '/ingest', { documents: [{ source_uri: 'docs/api.md', text: 'The internal API rate limit is 100 req/s.' }] })).status).toBe(200);
    profile = mkdtempSync(join(tmpdir(), 'lore-chromium-'));
    ctx = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      timeout: WAIT,
      viewport: { width: 390, height: 844 },
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    });
    ctx.setDefaultTimeout(WAIT);
    await ctx.route(
      (url) => url.origin !== s.url,
      (route) => {
        offsite.push(route.request().url());
        return route.abort();
      },
    );
    await ctx.route(`${s.url}/__test/axe.min.js`, (route) => route.fulfill({ status: 200, contentType: 'text/javascript', body: AXE }));
    page = ctx.pages()[0] ?? (await ctx.newPage());
    // A 401 answered while no token is set must be shown, never left as an unhandled rejection.
    page.on('pageerror', (e) => pageErrors.push(e.message));
    expect((await page.goto(s.url + '/#/knowledge', { waitUntil: 'load', timeout: WAIT }))?.status()).toBe(200);
  });

  afterAll(async () => {
    await ctx?.close().catch(() => {});
    await s?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('without a token a view says it is unauthorized; with one pasted in the Token box it loads', async () => {
    await page.locator('#view[data-ready="knowledge"]').waitFor({ timeout: WAIT });
    // The error says what to do, and the Token box is opened for it.
    expect(await page.locator('#view-knowledge .err[role="alert"]').textContent()).toMatch(/^UNAUTHORIZED: .* — paste a bearer token in Token \(top of the page\) and press Enter\.$/);
    expect(await page.locator('#auth').getAttribute('open')).not.toBeNull();
    expect(await serious()).toEqual([]);
    await page.getByLabel('Bearer token').fill(await token('alice'));
    await page.getByLabel('Bearer token').press('Tab');
    await page.getByTestId('document').first().waitFor({ timeout: WAIT });
    expect(await page.locator('#view-knowledge .err[role="alert"]').count()).toBe(0);
    expect(await page.evaluate('localStorage.getItem("lore.token")')).toMatch(/^ey/);
    // The accepted token folds the box away; focus is not lost to <body>.
    await expect.poll(async () => page.locator('#auth').getAttribute('open'), { timeout: WAIT }).toBeNull();
    expect(await page.evaluate('document.activeElement === document.body')).toBe(false);
    expect(await serious()).toEqual([]);
    await page.screenshot({ path: join(OUT, 'console-phone-knowledge.png'), fullPage: true, timeout: WAIT });
  });

  it('a user who is not a curator is refused the metrics, and the page says so', async () => {
    await open('#/metrics', 'metrics');
    expect(await page.locator('#view-metrics .err[role="alert"]').textContent()).toMatch(/^FORBIDDEN: only a curator/);
  });

  it('at a phone width the chat works and passes axe', async () => {
    await open('#/chat', 'chat');
    await page.getByTestId('message').fill('What is the rate limit of our internal API?');
    await page.getByTestId('send').click();
    await page.locator('[data-testid="turn"].done').first().waitFor({ timeout: WAIT });
    expect(await page.getByTestId('answer').first().textContent()).toMatch(/\b100\b/);
    // Nothing is wider than the screen.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    expect(await serious()).toEqual([]);
    await page.screenshot({ path: join(OUT, 'console-phone-chat.png'), fullPage: true, timeout: WAIT });
    expect(offsite).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('a curator approves a learning pending review from the Inbox, by keyboard, at a phone width', async () => {
    const alice = await userClient(s, 'alice');
    const taught = await alice('POST', '/chat', { message: 'Remember: the staging database is called kestrel-7.', session_id: 'alice-1' });
    expect(taught.status).toBe(200);
    const pendingId = (taught.body.learnings as Array<{ learning_id: string; state: string }>).find((l) => l.state === 'pending')?.learning_id;
    expect(pendingId).toBeTruthy();
    // Sign in as a curator: open the Token box by keyboard, paste, Enter.
    await page.locator('#auth summary').focus();
    await page.keyboard.press('Enter');
    await page.getByLabel('Bearer token').fill(await token('carol', { roles: ['curator'] }));
    await page.getByLabel('Bearer token').press('Enter');
    await expect.poll(async () => page.locator('#auth').getAttribute('open'), { timeout: WAIT }).toBeNull();
    // The chat's Review list (curators) opens within the phone's width.
    await open('#/chat', 'chat');
    await expect.poll(async () => page.getByTestId('review-count').textContent(), { timeout: WAIT }).toBe('1');
    await page.getByTestId('review-toggle').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('review-list').locator('li').first().waitFor({ timeout: WAIT });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    expect(await serious()).toEqual([]);
    await page.keyboard.press('Enter');
    await open('#/inbox', 'inbox');
    const card = page.locator(`#inbox-learnings [data-learning-id="${pendingId}"]`);
    await card.waitFor({ timeout: WAIT });
    expect(await serious()).toEqual([]);
    await card.getByTestId('approve-learning').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('confirm-reason').waitFor({ timeout: WAIT });
    expect(await serious()).toEqual([]);
    await page.keyboard.type('checked with ops');
    await page.keyboard.press('Enter');
    const carol = await userClient(s, 'carol', { roles: ['curator'] });
    await expect.poll(async () => (await carol('GET', `/learnings/${pendingId}`)).body.status, { timeout: WAIT }).toBe('active');
    await page.locator('#inbox-learnings').getByText('Nothing to review.').waitFor({ timeout: WAIT });
    expect(await page.getByTestId('announce').textContent()).toMatch(/^Approved: “.*kestrel-7/);
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Learnings awaiting review');
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    expect(pageErrors).toEqual([]);
  });
});
