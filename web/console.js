// Lore console: hash-routed views beside the chat (#/chat, #/runs, #/runs/:id, #/knowledge,
// #/inbox). Plain ES module, no build step: each view fetches the JSON API with the same bearer
// token as the chat and renders with DOM calls (textContent only, never innerHTML of API data).

import { el, fmtTime, getJson, send } from './console-api.js';
import { renderTrace } from './console-trace.js';
import { lineChart } from './console-charts.js';

const $ = (id) => document.getElementById(id);
const VIEWS = ['chat', 'runs', 'run', 'knowledge', 'metrics', 'inbox'];

/**
 * Asks before a destructive act; resolves to { ok, reason }. One dialog, reused. The `close` event
 * is queued, so Escape then a quick Enter on the button reopens the dialog before the old close
 * arrives: the earlier opening is settled as a cancel here, and a close seen while the dialog is
 * open again is stale (without this the new opening resolved as cancelled at once).
 */
let settle = null;
function confirmAction(text) {
  settle?.(false);
  const dlg = $('confirm');
  $('confirm-text').textContent = text;
  $('confirm-reason').value = '';
  return new Promise((resolve) => {
    const done = (ok) => {
      dlg.removeEventListener('close', onClose);
      if (settle === done) settle = null;
      resolve({ ok, reason: $('confirm-reason').value.trim() || undefined });
    };
    const onClose = () => {
      if (!dlg.open) done(dlg.returnValue === 'ok');
    };
    settle = done;
    dlg.addEventListener('close', onClose);
    dlg.returnValue = '';
    dlg.showModal();
  });
}
for (const b of $('confirm').querySelectorAll('button')) {
  b.addEventListener('click', (ev) => {
    ev.preventDefault();
    $('confirm').close(b.value);
  });
}
// A modal dialog keeps Tab inside itself (chromium otherwise lets focus out to the page and the
// browser's own UI once per round): wrap from the last control to the first and back.
$('confirm').addEventListener('keydown', (ev) => {
  if (ev.key !== 'Tab') return;
  const stops = [...$('confirm').querySelectorAll('input, button, select, textarea, a[href]')].filter((e) => !e.disabled);
  const [first, last] = [stops[0], stops[stops.length - 1]];
  if (!ev.shiftKey && document.activeElement === last) {
    ev.preventDefault();
    first.focus();
  } else if (ev.shiftKey && document.activeElement === first) {
    ev.preventDefault();
    last.focus();
  }
});

/** Says what an action did in the page's status line (a live region), visible and announced. */
let announceTimer = null;
function announce(text) {
  const box = $('announce');
  box.textContent = text;
  clearTimeout(announceTimer);
  announceTimer = setTimeout(() => (box.textContent = ''), 8000);
}

/**
 * After an action re-rendered a list, focus must not fall back to <body> (a keyboard user would
 * start again from the top): the same card's first button if it is still there, else the list's
 * heading.
 */
function refocus(list, key, id) {
  const card = [...list.querySelectorAll(`[${key}]`)].find((c) => c.getAttribute(key) === id);
  const target = card?.querySelector('button, input') || list.previousElementSibling;
  if (!target) return;
  if (target.tagName === 'H3') target.tabIndex = -1;
  target.focus();
}

/** Updates a list in place by key: cards still present keep their nodes (focus, typed reasons). */
function syncList(list, items, key, idOf, build, emptyText) {
  const keep = new Map([...list.querySelectorAll(`:scope > [${key}]`)].map((n) => [n.getAttribute(key), n]));
  const nodes = items.map((it) => keep.get(idOf(it)) || build(it));
  for (const n of [...list.children]) if (!nodes.includes(n)) n.remove();
  nodes.forEach((n, i) => {
    if (list.children[i] !== n) list.insertBefore(n, list.children[i] || null);
  });
  if (!items.length) list.append(el('li', { class: 'empty' }, emptyText));
}

// ---- runs -------------------------------------------------------------------------------------

async function showRuns() {
  const session = $('runs-session').value.trim();
  const { runs } = await getJson(`/runs?limit=200${session ? `&session_id=${encodeURIComponent(session)}` : ''}`);
  const status = $('runs-status').value;
  const intent = $('runs-intent').value.trim().toLowerCase();
  const body = $('runs-body');
  body.replaceChildren();
  const shown = runs.filter((r) => (!status || r.status === status) && (!intent || String(r.intent || '').toLowerCase().includes(intent)));
  for (const r of shown) {
    const link = el('a', { href: `#/runs/${encodeURIComponent(r.run_id)}` }, r.run_id);
    body.append(el('tr', { 'data-run-id': r.run_id }, el('td', {}, link), el('td', {}, el('span', { class: `badge ${r.status.toLowerCase()}` }, r.status)), el('td', {}, r.intent || '—'), el('td', {}, r.session_id), el('td', {}, fmtTime(r.created_at))));
  }
  if (!shown.length) body.append(el('tr', {}, el('td', { colspan: '5' }, 'No runs match.')));
}
$('runs-filter').addEventListener('submit', (ev) => {
  ev.preventDefault();
  void guarded('runs', showRuns);
});

async function showRun(id) {
  $('run-id').textContent = id;
  const [run, trace] = await Promise.all([getJson(`/runs/${encodeURIComponent(id)}`), getJson(`/runs/${encodeURIComponent(id)}/trace`)]);
  const u = run.result?.usage || {};
  const facts = [
    ['Status', run.status],
    ['Intent', run.intent || '—'],
    ['Session', run.session_id],
    ['Attempts', String(run.attempts)],
    ['Errors', String(run.error_count)],
    ['Tokens', u.total_tokens !== undefined ? `${u.total_tokens} (${u.input_tokens} in, ${u.output_tokens} out)` : '—'],
    ['Started', fmtTime(run.created_at)],
  ];
  if (run.error) facts.push(['Error', `${run.error.code}: ${run.error.message}`]);
  if (run.result?.answer) facts.push(['Answer', run.result.answer]);
  for (const l of run.result?.learnings || []) facts.push(['Learned', `${l.fact} (${l.state || l.event})`]);
  for (const src of run.sources || []) facts.push(['Source', `${src.kind} ${src.source_uri}${src.status === 'active' ? '' : ` (${src.status})`}${typeof src.score === 'number' ? ` · score ${src.score.toFixed(2)}` : ''}: ${src.text}`]);
  for (const f of run.feedback || []) facts.push(['Feedback', `${f.rating === 'up' ? '👍 up' : '👎 down'}${f.comment ? ` — ${f.comment}` : ''} (${fmtTime(f.at)})`]);
  for (const f of run.result?.tool_calls || []) facts.push(['Tool call', `${f.name} · ${f.status} · ${f.latency_ms} ms`]);
  $('run-summary').replaceChildren(...facts.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
  $('run-path').replaceChildren(
    ...run.steps.map((s) => el('li', { class: `badge ${s.status.toLowerCase()}` }, `${s.step}${s.attempt > 1 ? ` (attempt ${s.attempt})` : ''} · ${s.duration_ms} ms${s.error ? ` · ${s.error.code}` : ''}`)),
  );
  renderTrace($('run-trace'), trace.spans);
}

// ---- knowledge --------------------------------------------------------------------------------

let me = null;
async function whoAmI() {
  me ??= await getJson('/me').catch(() => null);
  return me;
}

async function showKnowledge() {
  const text = $('knowledge-text').value.trim();
  const status = $('knowledge-status').value;
  const q = new URLSearchParams({ limit: '200' });
  if (text) q.set('text', text);
  if (status) q.set('status', status);
  const dq = new URLSearchParams({ limit: '100' });
  if (text) dq.set('text', text);
  const [{ learnings }, { documents }] = await Promise.all([getJson(`/learnings?${q}`), getJson(`/documents?${dq}`)]);
  const list = $('knowledge-list');
  list.replaceChildren(...learnings.map((l) => learningCard(l, showKnowledge)));
  if (!learnings.length) list.append(el('li', { class: 'empty' }, 'No learnings match.'));
  const docs = $('documents-list');
  docs.replaceChildren(
    ...documents.map((d) =>
      el('li', { class: `card ${d.status}`, 'data-testid': 'document', 'data-document-id': d.id }, el('p', { class: 'text' }, d.source_uri), el('p', { class: 'prov' }, `${d.status} · ${d.chars} characters · updated ${fmtTime(d.updated_at)}`), el('p', { class: 'doc' }, d.text)),
    ),
  );
  if (!documents.length) docs.append(el('li', { class: 'empty' }, 'No documents match.'));
}
$('knowledge-filter').addEventListener('submit', (ev) => {
  ev.preventDefault();
  void guarded('knowledge', showKnowledge);
});

const PAST = { approve: 'Approved', reject: 'Rejected', delete: 'Deleted', restore: 'Restored' };

/** One learning: text, state, provenance (linked), history on demand, and the actions its state allows. */
function learningCard(l, refresh) {
  const p = l.provenance || {};
  const prov = el(
    'p',
    { class: 'prov', 'data-testid': 'provenance' },
    `${l.scope} · ${l.status} · trust ${l.trust} · by ${l.owner || p.userId || 'unknown'}`,
    p.sessionId ? el('span', {}, ' · session ', el('a', { href: `#/runs?session=${encodeURIComponent(p.sessionId)}` }, p.sessionId)) : '',
    p.runId ? el('span', {}, ' · run ', el('a', { href: `#/runs/${encodeURIComponent(p.runId)}`, 'data-testid': 'provenance-run' }, p.runId)) : '',
    l.superseded_by ? el('span', {}, ' · superseded by ', el('code', { 'data-testid': 'superseded-by' }, l.superseded_by)) : '',
  );
  const history = el('details', { class: 'history' }, el('summary', {}, 'History'), el('ol', {}));
  history.addEventListener('toggle', async () => {
    if (!history.open) return;
    const full = await getJson(`/learnings/${encodeURIComponent(l.id)}`).catch((err) => ({ error: err }));
    if (full.error) return void history.querySelector('ol').replaceChildren(el('li', { class: 'err' }, `${full.error.code}: ${full.error.message}`));
    history.querySelector('ol').replaceChildren(...full.history.map((h) => el('li', {}, `${fmtTime(h.at)} · ${h.action} by ${h.actor}${h.detail ? ` — ${typeof h.detail === 'string' ? h.detail : JSON.stringify(h.detail)}` : ''}`)));
  });
  const actions = el('div', { class: 'actions' });
  const act = (label, verb, method, path, body) => {
    const b = el('button', { type: 'button', 'data-testid': `${verb}-learning` }, label);
    b.addEventListener('click', async () => {
      const { ok, reason } = await confirmAction(`${label}: “${l.text}”`);
      if (!ok) return;
      const url = method === 'DELETE' && reason ? `${path}?reason=${encodeURIComponent(reason)}` : path;
      const res = await send(method, url, method === 'DELETE' ? undefined : { ...body, ...(reason ? { reason } : {}) });
      if (!res.ok) return void (prov.textContent = `${res.error.code}: ${res.error.message}`);
      announce(`${PAST[verb]}: “${l.text}”`);
      const list = b.closest('ul');
      await refresh();
      if (list) refocus(list, 'data-learning-id', l.id);
      void refreshInboxCount();
    });
    actions.append(b);
  };
  const base = `/learnings/${encodeURIComponent(l.id)}`;
  if (l.status === 'pending' && me?.curator) {
    act('Approve', 'approve', 'POST', `${base}/approve`, {});
    act('Reject', 'reject', 'POST', `${base}/reject`, {});
  }
  if (l.status === 'active' || l.status === 'pending') act('Delete', 'delete', 'DELETE', base);
  if (l.status === 'deleted') act('Restore', 'restore', 'POST', `${base}/restore`, {});
  return el('li', { class: `card ${l.status}`, 'data-learning-id': l.id, 'data-testid': 'learning' }, el('p', { class: 'text' }, l.text), prov, history, actions);
}

// ---- metrics ----------------------------------------------------------------------------------

async function showMetrics() {
  const hours = Number($('metrics-hours').value);
  const s = await getJson(`/stats/series?hours=${hours}&buckets=${hours === 1 ? 12 : 24}`);
  const times = s.buckets.map((b) => Date.parse(b.start));
  const col = (k) => s.buckets.map((b) => b[k]);
  $('metrics-dlq').textContent = `Dead-letter queue: ${s.dlq_depth} message(s) · one point per ${Math.round(s.bucket_seconds / 60)} min`;
  $('metrics-charts').replaceChildren(
    lineChart({ id: 'turns', title: 'Turns', times, series: [{ label: 'turns', values: col('turns') }, { label: 'failed', values: col('failed') }] }),
    lineChart({ id: 'latency', title: 'Latency (ms)', times, unit: ' ms', series: [{ label: 'p50', values: col('p50_ms') }, { label: 'p95', values: col('p95_ms') }] }),
    lineChart({ id: 'tokens', title: 'Tokens', times, series: [{ label: 'tokens', values: col('tokens') }] }),
    lineChart({ id: 'cost', title: 'Estimated cost (USD)', times, series: [{ label: 'cost', values: col('cost_usd') }] }),
    lineChart({ id: 'learning', title: 'Learning rate', times, series: [{ label: 'learning rate', values: col('learning_rate') }] }),
    lineChart({ id: 'quality', title: 'Quality score', times, series: [{ label: 'quality', values: col('quality') }] }),
    lineChart({ id: 'guard', title: 'Guardrail findings', times, series: [{ label: 'findings', values: col('guard_findings') }] }),
  );
}
$('metrics-filter').addEventListener('submit', (ev) => {
  ev.preventDefault();
  void guarded('metrics', showMetrics);
});

// ---- inbox ------------------------------------------------------------------------------------

async function pending() {
  // whoAmI first: a request started before an await would reject unhandled (a 401 without a token).
  const curator = (await whoAmI())?.curator;
  const [a, l] = await Promise.all([getJson('/approvals?status=pending'), curator ? getJson('/learnings?status=pending') : { learnings: [] }]);
  return { approvals: a.approvals, learnings: l.learnings };
}

async function refreshInboxCount() {
  try {
    const { approvals, learnings } = await pending();
    const n = approvals.length + learnings.length;
    $('inbox-count').textContent = n ? String(n) : '';
    // Heard as "Inbox 2 waiting", not a bare "Inbox 2".
    $('inbox-waiting').textContent = n ? ' waiting' : '';
    return { approvals, learnings };
  } catch {
    return null;
  }
}

/**
 * Polled every few seconds while open, so it updates in place (syncList): a reason being typed
 * and the focused button survive a refresh; only cards that came or went change.
 */
async function showInbox() {
  const got = await refreshInboxCount();
  if (!got) return;
  const box = $('inbox-approvals');
  syncList(box, got.approvals, 'data-approval-id', (a) => a.approval_id, approvalCard, 'No tool call is waiting.');
  syncList($('inbox-learnings'), got.learnings, 'data-learning-id', (l) => l.id, (l) => learningCard(l, showInbox), 'Nothing to review.');
}

function approvalCard(a) {
  const reason = el('input', { 'data-testid': 'decision-reason', autocomplete: 'off' });
  const status = el('p', { class: 'prov', role: 'status' });
  const li = el(
    'li',
    { class: 'card pending', 'data-approval-id': a.approval_id, 'data-testid': 'approval' },
    el('p', { class: 'text' }, `${a.tool} ${JSON.stringify(a.input)}`),
    el('p', { class: 'prov' }, `${a.reason}${a.user_id ? ` · asked by ${a.user_id}` : ''} · run `, el('a', { href: `#/runs/${encodeURIComponent(a.run_id)}` }, a.run_id), ` · expires ${fmtTime(a.expires_at)}`),
    el('label', {}, 'Reason ', reason),
    status,
  );
  const actions = el('div', { class: 'actions' });
  for (const decision of ['approve', 'reject']) {
    const b = el('button', { type: 'button', 'data-testid': `${decision}-approval` }, decision === 'approve' ? 'Approve' : 'Reject');
    b.addEventListener('click', async () => {
      for (const x of actions.querySelectorAll('button')) x.disabled = true;
      const r = reason.value.trim();
      const res = await send('POST', `/approvals/${encodeURIComponent(a.approval_id)}`, { decision, ...(r ? { reason: r } : {}) });
      if (!res.ok) {
        status.textContent = `${res.error.code}: ${res.error.message}`;
        for (const x of actions.querySelectorAll('button')) x.disabled = false;
        return;
      }
      // The card goes away with the refresh, so the outcome is said in the page's status line.
      announce(`${decision === 'approve' ? 'Approved' : 'Rejected'} ${a.tool} ${JSON.stringify(a.input)}; the run is ${res.body.status}`);
      const list = li.parentElement;
      await showInbox();
      if (list) refocus(list, 'data-approval-id', a.approval_id);
    });
    actions.append(b);
  }
  li.append(actions);
  return li;
}

// ---- router -----------------------------------------------------------------------------------

/** The inbox is live by polling: a short interval while it is open, a slow one for the nav badge. */
let timer = null;
async function route() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, query = ''] = hash.split('?');
  const parts = (path || 'chat').split('/').map(decodeURIComponent);
  const view = parts[0] === 'runs' && parts[1] ? 'run' : VIEWS.includes(parts[0]) ? parts[0] : 'chat';
  for (const v of VIEWS) $(`view-${v}`).hidden = v !== view;
  for (const a of document.querySelectorAll('nav a')) {
    const on = a.getAttribute('href') === `#/${view === 'run' ? 'runs' : view}`;
    if (on) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  document.title = view === 'chat' ? 'Lore' : `Lore · ${view === 'run' ? 'Run' : view[0].toUpperCase() + view.slice(1)}`;
  clearInterval(timer);
  timer = setInterval(() => void (view === 'inbox' ? showInbox() : refreshInboxCount()), view === 'inbox' ? 3000 : 15000);
  const main = $('view');
  main.dataset.view = view;
  main.removeAttribute('data-ready');
  for (const e of main.querySelectorAll('.view > .err[role="alert"]')) e.remove();
  await guarded(view, async () => {
    await whoAmI();
    if (view === 'runs') {
      const session = new URLSearchParams(query).get('session');
      if (session !== null) $('runs-session').value = session;
      await showRuns();
    } else if (view === 'run') await showRun(parts[1]);
    else if (view === 'knowledge') await showKnowledge();
    else if (view === 'metrics') await showMetrics();
    else if (view === 'inbox') await showInbox();
    else void refreshInboxCount();
  });
  // Tests and screen readers: the view has its data.
  main.dataset.ready = view;
  const h2 = view !== 'chat' ? $(`view-${view}`).querySelector('h2') : null;
  if (h2) {
    h2.tabIndex = -1;
    h2.focus({ preventScroll: true });
  }
}

/**
 * Runs a view's loader and shows its failure at the top of the view (a filter pressed with an
 * expired token says so, instead of failing silently).
 */
async function guarded(view, load) {
  const section = $(`view-${view}`);
  for (const e of section.querySelectorAll(':scope > .err[role="alert"]')) e.remove();
  try {
    await load();
  } catch (err) {
    let msg = err?.code ? `${err.code}: ${err.message}` : String(err);
    // Say what to do, not only what went wrong: the token box is opened for the fix.
    if (err?.code === 'UNAUTHORIZED') {
      msg += ` — ${$('token').value.trim() ? 'the token was refused; paste a fresh one' : 'paste a bearer token'} in Token (top of the page) and press Enter.`;
      $('auth').open = true;
    }
    section.prepend(el('p', { class: 'err', role: 'alert' }, msg));
  }
}
$('token').addEventListener('change', async () => {
  me = null;
  await route();
  // An accepted token folds the box away (on a phone it takes a third of the screen); focus stays
  // on its summary rather than falling to <body> with the hidden input.
  if (me && $('auth').open) {
    const hadFocus = $('auth').contains(document.activeElement) || document.activeElement === document.body;
    $('auth').open = false;
    if (hadFocus) $('auth').querySelector('summary').focus();
  }
});
addEventListener('hashchange', () => void route());
addEventListener('lore:changed', () => void refreshInboxCount());
void route();
