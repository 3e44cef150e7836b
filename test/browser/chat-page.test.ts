/**
 * End to end in a real browser: Debian's chromium, driven by playwright-core, against a real
 * server (offline model, SQLite in a temp dir, 127.0.0.1 port 0) serving web/. It walks the
 * learning demo through the chat page: ask → 100, teach the update → acknowledgement and a chip
 * (never the raw tag), new session → 500, thumbs up → feedback stored.
 *
 * Needs /usr/bin/chromium (scripts/install-chromium.sh installs it); skipped without it.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteFeedbackStore } from '../../src/stores/sqlite/feedback-store.js';
import { client, DOC, QUESTION, startStack, UPDATE, type Api, type Stack } from '../http/support.js';
import { sqliteDb } from '../../src/stores/sqlite/backend.js';

const CHROMIUM = '/usr/bin/chromium';
const HAS_CHROMIUM = existsSync(CHROMIUM);
if (!HAS_CHROMIUM) console.warn(`[test/browser] SKIPPED: ${CHROMIUM} not found; install it with \`sudo bash scripts/install-chromium.sh\``);

/** Every wait in this file is bounded by this. */
const WAIT = 15_000;
/** Kept after the run (overwritten by the next one) so a person can look at the page. */
const SCREENSHOTS = { learning: join(tmpdir(), 'lore-chat-page-learning.png'), final: join(tmpdir(), 'lore-chat-page.png') };

/**
 * Runs in the page before app.js: records whether a "[LEARNING]" tag was ever in the DOM (even
 * for a moment mid-stream) and the length of each answer after every change, to see it stream.
 */
const PROBE = `(() => {
  const probe = (window.__loreProbe = { sawTag: false, answers: [] });
  new MutationObserver(() => {
    if (/\\[learning\\]/i.test(document.body ? document.body.textContent : '')) probe.sawTag = true;
    document.querySelectorAll('[data-testid="answer"]').forEach((el, i) => {
      const seen = (probe.answers[i] ||= []);
      const len = el.textContent.length;
      if (seen[seen.length - 1] !== len) seen.push(len);
    });
  }).observe(document, { subtree: true, childList: true, characterData: true });
})();`;

interface Probe {
  sawTag: boolean;
  answers: number[][];
}

describe.skipIf(!HAS_CHROMIUM)('the chat page in chromium', () => {
  let s: Stack;
  let api: Api;
  let profile: string;
  let ctx: BrowserContext | undefined;
  let page: Page;
  const offsite: string[] = [];
  const pageErrors: string[] = [];

  const turns = () => page.getByTestId('turn');
  const probe = () => page.evaluate('window.__loreProbe') as Promise<Probe>;

  /** Types a message, sends it, waits for the turn to finish; returns its answer text and run id. */
  async function say(text: string, via: 'click' | 'enter' = 'click'): Promise<{ answer: string; runId: string; index: number }> {
    const index = await turns().count();
    await page.getByTestId('message').fill(text);
    const chat = page.waitForResponse((r) => r.url() === `${s.url}/chat` && r.request().method() === 'POST', { timeout: WAIT });
    if (via === 'enter') await page.getByTestId('message').press('Enter');
    else await page.getByTestId('send').click();
    const res = await chat;
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toMatch(/^text\/event-stream/);
    const turn = turns().nth(index);
    await page.locator('[data-testid="turn"].done').nth(index).waitFor({ timeout: WAIT });
    expect(await turn.getAttribute('class')).not.toMatch(/\berror\b/);
    expect(await turn.getByTestId('error').isHidden()).toBe(true);
    expect(await turn.getByTestId('you').textContent()).toBe(text);
    return { answer: (await turn.getByTestId('answer').textContent()) ?? '', runId: (await turn.getAttribute('data-run-id')) ?? '', index };
  }

  beforeAll(async () => {
    s = await startStack();
    api = client(s.url);
    const ingest = await api('POST', '/ingest', { documents: [{ source_uri: 'docs/internal-api.md', text: DOC }] });
    expect(ingest.status).toBeLessThan(300);

    profile = mkdtempSync(join(tmpdir(), 'lore-chromium-'));
    ctx = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      timeout: WAIT,
      viewport: { width: 1100, height: 800 },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        // Containers often have a 64 MB /dev/shm; the renderer crashes when it fills.
        '--disable-dev-shm-usage',
      ],
    });
    ctx.setDefaultTimeout(WAIT);
    ctx.setDefaultNavigationTimeout(WAIT);
    // Traffic only to the server under test: anything else is refused and reported.
    await ctx.route(
      (url) => url.origin !== s.url,
      (route) => {
        offsite.push(route.request().url());
        return route.abort();
      },
    );
    await ctx.addInitScript(PROBE);
    page = ctx.pages()[0] ?? (await ctx.newPage());
    page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(`console: ${m.text()}`);
    });
    const res = await page.goto(s.url + '/', { waitUntil: 'load', timeout: WAIT });
    expect(res?.status()).toBe(200);
  });

  afterAll(async () => {
    await ctx?.close().catch(() => {});
    await s?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('loads with a session id that survives a reload', async () => {
    await expect(page.title()).resolves.toBe('Lore');
    const session = await page.getByTestId('session').inputValue();
    expect(session).toMatch(/^web-/);
    await page.reload({ waitUntil: 'load', timeout: WAIT });
    expect(await page.getByTestId('session').inputValue()).toBe(session);
    expect(await turns().count()).toBe(0);
  });

  it('session A: the question streams in an answer citing 100 req/s', async () => {
    const { answer, runId, index } = await say(QUESTION);
    expect(answer).toMatch(/\b100\b/);
    expect(answer).not.toMatch(/\b500\b/);
    expect(runId).not.toBe('');
    expect(await turns().nth(index).getByTestId('meta').textContent()).toContain(runId);
    // Rendered as it arrived: the answer grew in more than one step.
    const grew = (await probe()).answers[index] ?? [];
    expect(grew.length).toBeGreaterThan(1);
    expect(grew.at(-1)).toBe(answer.length);
  });

  it('session A: the update is acknowledged with a learning chip, never the [LEARNING] tag', async () => {
    const { answer, index } = await say(UPDATE, 'enter');
    expect(answer.trim().length).toBeGreaterThan(0);
    expect(answer).not.toMatch(/\[learning\]/i);
    const chips = turns().nth(index).getByTestId('chips').locator('li');
    await chips.first().waitFor({ timeout: WAIT });
    const chipText = await chips.allTextContents();
    expect(chipText.some((c) => /\b500\b/.test(c))).toBe(true);
    expect((await page.locator('body').innerText()).toLowerCase()).not.toContain('[learning]');
    expect((await probe()).sawTag).toBe(false);
    await page.screenshot({ path: SCREENSHOTS.learning, fullPage: true, timeout: WAIT });
  });

  it('a new session (the New button) answers 500 req/s, and thumbs up is stored', async () => {
    const before = await page.getByTestId('session').inputValue();
    await page.getByTestId('new-session').click();
    const after = await page.getByTestId('session').inputValue();
    expect(after).not.toBe(before);
    expect(await turns().count()).toBe(0);

    const { answer, runId, index } = await say(QUESTION);
    expect(answer).toMatch(/\b500\b/);
    expect(answer).not.toMatch(/\b100\b/);

    // Each session holds only its own turns.
    const a = await api('GET', `/sessions/${encodeURIComponent(before)}`);
    const b = await api('GET', `/sessions/${encodeURIComponent(after)}`);
    expect(a.body.turn_count).toBe(4);
    expect(b.body.turn_count).toBe(2);

    const up = turns().nth(index).getByTestId('rate-up');
    const feedback = page.waitForResponse((r) => r.url() === `${s.url}/feedback` && r.request().method() === 'POST', { timeout: WAIT });
    await up.click();
    expect((await feedback).status()).toBe(201);
    await page.locator('[data-testid="rate-up"].chosen').waitFor({ timeout: WAIT });

    const run = await api('GET', `/runs/${encodeURIComponent(runId)}`);
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ run_id: runId, session_id: after, status: 'COMPLETED' });
    expect(run.body.result.answer).toMatch(/\b500\b/);
    const stored = await new SqliteFeedbackStore(sqliteDb(s.rt)).list({ runId });
    expect(stored.map((f) => f.rating)).toEqual(['up']);
  });

  it('a rating the server refuses shows an error under the turn and keeps the answer', async () => {
    const turn = turns().last();
    const answer = await turn.getByTestId('answer').textContent();
    await page.route(`${s.url}/feedback`, (route) => route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'UNAVAILABLE', message: 'try later' } }) }), { times: 1 });
    await turn.getByTestId('rate-down').click();
    await turn.getByTestId('error').waitFor({ state: 'visible', timeout: WAIT });
    expect(await turn.getByTestId('error').textContent()).toBe('UNAVAILABLE: try later');
    expect(await turn.getByTestId('answer').textContent()).toBe(answer);
    // Nothing reached the server: the stored rating is still the thumbs up.
    const runId = (await turn.getAttribute('data-run-id'))!;
    expect((await new SqliteFeedbackStore(sqliteDb(s.rt)).list({ runId })).map((f) => f.rating)).toEqual(['up']);
    expect(await turn.getByTestId('rate-up').getAttribute('class')).toMatch(/\bchosen\b/);
    pageErrors.splice(0, pageErrors.length, ...pageErrors.filter((e) => !/status of 503/.test(e)));
  });

  it('a refund over the threshold waits for approval; Approve runs it once and shows the answer', async () => {
    await page.getByTestId('new-session').click();
    const { runId, index } = await say('Please issue a refund of $1500 for order A-1001.');
    const turn = turns().nth(index);
    const box = turn.getByTestId('approvals').locator('li');
    await box.first().waitFor({ timeout: WAIT });
    expect(await box.first().textContent()).toMatch(/issue_refund.*1500.*above the approval threshold/);
    const decided = page.waitForResponse((r) => r.url().startsWith(`${s.url}/approvals/`) && r.request().method() === 'POST', { timeout: WAIT });
    await turn.getByTestId('approve-approval').click();
    const response = await decided;
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toMatch(/^text\/event-stream/); // the run's continuation streams in
    await expect.poll(async () => turn.getByTestId('answer').textContent(), { timeout: WAIT }).toMatch(/1500/);
    expect(await box.count()).toBe(0);
    const run = await api('GET', `/runs/${encodeURIComponent(runId)}`);
    expect(run.body.status).toBe('COMPLETED');
  });

  it('looks sane, with no page errors and no traffic off 127.0.0.1', async () => {
    await page.screenshot({ path: SCREENSHOTS.final, fullPage: true, timeout: WAIT });
    console.log(`[test/browser] screenshots: ${SCREENSHOTS.learning} ${SCREENSHOTS.final}`);
    expect(pageErrors).toEqual([]);
    expect(offsite).toEqual([]);
  });
});
