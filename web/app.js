// Lore chat page: POST /chat with Accept: text/event-stream, read the AG-UI events off the
// response body (EventSource cannot POST), render text as it arrives, then learnings as chips
// and thumbs up/down that call POST /feedback with the run id.

const $ = (id) => document.getElementById(id);
const sessionInput = $('session');
const tokenInput = $('token');

const newSessionId = () => `web-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
// Stored at once (not only on edit), so a reload continues the same session.
sessionInput.value = localStorage.getItem('lore.session') || newSessionId();
localStorage.setItem('lore.session', sessionInput.value);
tokenInput.value = localStorage.getItem('lore.token') || '';
sessionInput.addEventListener('change', () => {
  sessionInput.value = sessionInput.value.trim() || newSessionId();
  localStorage.setItem('lore.session', sessionInput.value);
});
tokenInput.addEventListener('change', () => localStorage.setItem('lore.token', tokenInput.value.trim()));
$('new-session').addEventListener('click', () => {
  sessionInput.value = newSessionId();
  localStorage.setItem('lore.session', sessionInput.value);
  $('log').replaceChildren();
});

function headers(extra) {
  const h = { 'content-type': 'application/json', ...extra };
  const token = tokenInput.value.trim();
  if (token) h.authorization = `Bearer ${token}`;
  return h;
}

/** Yields each parsed `data:` payload of an SSE body. */
async function* sseEvents(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += value;
    let end;
    while ((end = buf.indexOf('\n\n')) !== -1) {
      const frame = buf.slice(0, end);
      buf = buf.slice(end + 2);
      const data = frame.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
      if (data) yield JSON.parse(data);
    }
  }
}

function addTurn(message) {
  const node = $('turn-tpl').content.firstElementChild.cloneNode(true);
  node.querySelector('.you').textContent = message;
  $('log').append(node);
  node.scrollIntoView({ block: 'end' });
  return node;
}

function finishTurn(node, result) {
  node.classList.add('done');
  node.dataset.runId = result.run_id || '';
  const chips = node.querySelector('.chips');
  chips.replaceChildren();
  for (const l of result.learnings || []) {
    if (l.event === 'NOOP') continue;
    const li = document.createElement('li');
    li.textContent = l.fact;
    // The state is written out, not only coloured: shared, personal, pending review.
    const state = document.createElement('span');
    state.className = 'state';
    state.textContent = ` · ${l.about === 'user' ? 'your memory' : STATE_LABEL[l.state || 'shared'] || l.state}`;
    li.append(state);
    li.dataset.state = l.state || 'shared';
    li.title = `${l.about === 'user' ? 'About you: kept in your own memory, never shared' : CHIP_TITLE[li.dataset.state] || 'Learned'}${l.event === 'UPDATE' ? ', superseding an older fact' : ''}${l.reason ? ` — ${l.reason}` : ''} (${l.learning_id || ''})`;
    li.className = [l.event === 'UPDATE' ? 'superseding' : '', li.dataset.state === 'shared' ? '' : li.dataset.state].filter(Boolean).join(' ');
    chips.append(li);
  }
  if ((result.learnings || []).some((l) => l.state === 'pending')) void loadReview();
  showApprovals(node, result.pending_approvals || []);
  // The console's inbox badge listens: a turn may have left a call or a learning waiting.
  dispatchEvent(new CustomEvent('lore:changed'));
  const u = result.usage || {};
  const meta = node.querySelector('.meta');
  meta.textContent = `${result.intent || ''} · ${u.total_tokens ?? 0} tokens · run `;
  const link = document.createElement('a');
  link.href = `#/runs/${encodeURIComponent(result.run_id || '')}`;
  link.textContent = result.run_id || '';
  link.dataset.testid = 'run-link';
  meta.append(link);
  if (result.run_id) void showMemory(node, result.run_id);
  for (const b of node.querySelectorAll('.rate')) {
    b.disabled = false;
    b.onclick = () => rate(node, result.run_id, b);
  }
}

/** Which long-term memory reached the prompt (GET /runs/:id → memory): appended to the turn's meta line. */
async function showMemory(node, runId) {
  try {
    const res = await fetch(`/runs/${encodeURIComponent(runId)}`, { headers: headers() });
    if (!res.ok) return;
    const run = await res.json();
    showSources(node, run.sources || []);
    const refs = run.memory || [];
    if (!refs.length) return;
    const n = (kind) => refs.filter((r) => r.kind === kind).length;
    const parts = [n('summary') ? 'session summary' : '', n('user_fact') ? `${n('user_fact')} fact(s) about you` : '', n('past_summary') ? `${n('past_summary')} earlier session(s)` : ''].filter(Boolean);
    node.querySelector('.meta').textContent += ` · memory: ${parts.join(', ')}`;
  } catch {
    // The meta line is a nicety; the answer is already shown.
  }
}

/** The documents and learnings that reached this answer's prompt, folded under the answer. */
function showSources(node, sources) {
  const box = node.querySelector('.sources');
  box.hidden = !sources.length;
  if (!sources.length) return;
  box.querySelector('summary').textContent = `Sources (${sources.length})`;
  const list = box.querySelector('ul');
  list.replaceChildren();
  for (const src of sources) {
    const li = document.createElement('li');
    li.dataset.kind = src.kind;
    const where = document.createElement('span');
    where.className = 'src';
    const score = typeof src.score === 'number' ? ` · score ${src.score.toFixed(2)}` : '';
    where.textContent = `${src.kind === 'learning' ? 'learning' : 'document'} · ${src.source_uri}${src.status === 'active' ? '' : ` · ${src.status}`}${score}`;
    li.append(where, document.createTextNode(` ${src.text}`));
    list.append(li);
  }
}

const STATE_LABEL = { shared: 'shared', personal: 'personal', pending: 'pending review', rejected: 'not stored' };
const CHIP_TITLE = {
  shared: 'Learned and shared with everyone in the workspace',
  personal: 'Learned for you only',
  pending: 'Learned for you; a curator reviews it before anyone else sees it',
  rejected: 'Not stored',
};

/**
 * The curator's inbox: pending learnings with Approve / Reject. A user who is not a curator sees
 * nothing here (the server answers their own pending items only, and the box stays hidden).
 */
async function loadReview() {
  const me = await fetch('/me', { headers: headers() }).then((r) => (r.ok ? r.json() : null)).catch(() => null);
  const box = $('review');
  if (!me || !me.curator) return void (box.hidden = true);
  const res = await fetch('/learnings?status=pending', { headers: headers() });
  if (!res.ok) return;
  const { learnings } = await res.json();
  box.hidden = false;
  $('review-count').textContent = String(learnings.length);
  const list = $('review-list');
  list.replaceChildren();
  for (const l of learnings) {
    const li = document.createElement('li');
    li.dataset.learningId = l.id;
    const text = document.createElement('span');
    text.textContent = `${l.text} — by ${l.owner || 'unknown'}`;
    li.append(text);
    for (const decision of ['approve', 'reject']) {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = decision === 'approve' ? 'Approve' : 'Reject';
      b.dataset.testid = `${decision}-learning`;
      b.addEventListener('click', async () => {
        const reason = decision === 'reject' ? prompt('Why reject it? (kept in its history)') || undefined : undefined;
        const r = await fetch(`/learnings/${encodeURIComponent(l.id)}/${decision}`, { method: 'POST', headers: headers(), body: JSON.stringify(reason ? { reason } : {}) });
        if (r.ok) await loadReview();
        else text.textContent = `${l.text} — ${(await r.json().catch(() => ({})))?.error?.message || r.status}`;
      });
      li.append(b);
    }
    list.append(li);
  }
}
tokenInput.addEventListener('change', () => void loadReview());
void loadReview();

/** A turn parked for a person: one box per pending call, with Approve / Reject. */
function showApprovals(node, approvals) {
  const box = node.querySelector('.approvals');
  box.replaceChildren();
  for (const a of approvals.filter((x) => x.status === 'pending')) {
    const li = document.createElement('li');
    li.dataset.approvalId = a.approval_id;
    const text = document.createElement('span');
    text.textContent = `Waiting for approval: ${a.tool} ${JSON.stringify(a.input)} — ${a.reason}`;
    li.append(text);
    for (const decision of ['approve', 'reject']) {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = decision === 'approve' ? 'Approve' : 'Reject';
      b.dataset.testid = `${decision}-approval`;
      b.addEventListener('click', () => decide(node, a.approval_id, decision));
      li.append(b);
    }
    box.append(li);
  }
}

/**
 * A call parked in this chat may be decided elsewhere (the Inbox, another curator). When the chat
 * comes back into view, parked turns are checked: a decided call loses its buttons, says who
 * decided, and the turn shows the run's final answer.
 */
async function refreshParked() {
  const parked = [...$('log').querySelectorAll('.approvals li[data-approval-id]')].filter((li) => !li.dataset.decided);
  if (!parked.length) return;
  const res = await fetch('/approvals', { headers: headers() }).catch(() => null);
  if (!res?.ok) return;
  const byId = new Map(((await res.json()).approvals || []).map((a) => [a.approval_id, a]));
  for (const li of parked) {
    const a = byId.get(li.dataset.approvalId);
    if (!a || a.status === 'pending') continue;
    li.replaceChildren(Object.assign(document.createElement('span'), { textContent: `${a.tool} ${JSON.stringify(a.input)}: ${a.status}${a.decided_by ? ` by ${a.decided_by}` : ''}${a.decision_reason ? ` — ${a.decision_reason}` : ''}` }));
    li.dataset.decided = a.status;
    const node = li.closest('.turn');
    const run = await fetch(`/runs/${encodeURIComponent(a.run_id)}`, { headers: headers() }).then((r) => (r.ok ? r.json() : null)).catch(() => null);
    if (node && run?.result?.answer) {
      node.querySelector('.answer').textContent = run.result.answer;
      node.querySelector('.err').hidden = true;
      node.classList.remove('error');
    }
  }
}
addEventListener('hashchange', () => {
  // This listener runs before the router's, so the hash says whether the chat is coming into view.
  if (/^(#\/?(chat)?)?$/.test(location.hash)) void refreshParked();
});

/** Decide, then follow the run as it continues: its answer replaces the "waiting" state of this turn. */
async function decide(node, approvalId, decision) {
  for (const b of node.querySelectorAll('.approvals button')) b.disabled = true;
  try {
    const res = await fetch(`/approvals/${encodeURIComponent(approvalId)}`, {
      method: 'POST',
      headers: headers({ accept: 'text/event-stream' }),
      body: JSON.stringify({ decision }),
    });
    if (res.ok) {
      node.classList.remove('done');
      node.querySelector('.answer').textContent = '';
    } else if (res.status === 409) {
      // Decided elsewhere meanwhile: show that decision and the run's answer instead of an error.
      return void (await refreshParked());
    }
    await follow(node, res);
  } catch (err) {
    showError(node, { error: { code: 'NETWORK', message: `could not reach the Lore server; check that \`lore serve\` is still running, then send again (${err?.message || err})` } });
  }
  if (!node.classList.contains('done')) showError(node, { error: { code: 'INTERRUPTED', message: 'the stream ended before the run finished; see GET /runs/:id' } });
}

async function rate(node, runId, button) {
  const res = await fetch('/feedback', { method: 'POST', headers: headers(), body: JSON.stringify({ run_id: runId, rating: button.dataset.rating }) });
  if (!res.ok) return showError(node, await res.json().catch(() => ({})));
  node.classList.remove('error');
  node.querySelector('.err').hidden = true;
  for (const b of node.querySelectorAll('.rate')) b.classList.toggle('chosen', b === button);
}

/** Shows the error under the turn; what the answer already streamed stays readable. */
function showError(node, body) {
  node.classList.add('done', 'error');
  const err = node.querySelector('.err');
  err.textContent = body?.error ? `${body.error.code}: ${body.error.message}` : 'Request failed';
  // A 401 says where the fix is: the Token box, opened.
  if (body?.error?.code === 'UNAUTHORIZED') {
    err.textContent += ` — ${tokenInput.value.trim() ? 'the token was refused; paste a fresh one' : 'paste a bearer token'} in Token (top of the page), press Enter, and send again.`;
    $('auth').open = true;
  }
  err.hidden = false;
}

async function send(message) {
  const node = addTurn(message);
  try {
    await stream(node, message);
  } catch (err) {
    showError(node, { error: { code: 'NETWORK', message: `could not reach the Lore server; check that \`lore serve\` is still running, then send again (${err?.message || err})` } });
  }
  // A stream that ends without RUN_FINISHED / RUN_ERROR (server stopped, proxy cut it) is not an answer.
  if (!node.classList.contains('done')) showError(node, { error: { code: 'INTERRUPTED', message: 'the stream ended before the run finished; see GET /runs/:id' } });
}

async function stream(node, message) {
  const res = await fetch('/chat', {
    method: 'POST',
    headers: headers({ accept: 'text/event-stream' }),
    body: JSON.stringify({ session_id: sessionInput.value.trim(), message }),
  });
  await follow(node, res);
}

/** Render a run's AG-UI events into its turn as they arrive (a turn, or a run continuing after a decision). */
async function follow(node, res) {
  const answer = node.querySelector('.answer');
  if (!res.ok || !res.body) return showError(node, await res.json().catch(() => null));
  for await (const e of sseEvents(res.body)) {
    if (e.type === 'TEXT_MESSAGE_CONTENT') answer.textContent += e.delta;
    else if (e.type === 'TEXT_MESSAGE_START' && answer.textContent) answer.textContent += '\n\n';
    else if (e.type === 'TOOL_CALL_START') {
      const li = document.createElement('li');
      li.textContent = `⚙ ${e.toolCallName}`;
      node.querySelector('.tools').append(li);
    } else if (e.type === 'RUN_FINISHED') finishTurn(node, e.result || {});
    else if (e.type === 'RUN_ERROR') showError(node, { error: { code: e.code || 'ERROR', message: e.message } });
    node.scrollIntoView({ block: 'end' });
  }
}

// One turn at a time: Enter submits even while the Send button is disabled.
let busy = false;
$('composer').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const text = $('message').value.trim();
  if (!text || busy) return;
  busy = true;
  $('message').value = '';
  $('send').disabled = true;
  try {
    await send(text);
  } finally {
    busy = false;
    $('send').disabled = false;
    $('message').focus();
  }
});
$('message').addEventListener('keydown', (ev) => {
  if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
    ev.preventDefault();
    $('composer').requestSubmit();
  }
});
