// A run's trace as a timeline: one row per span (agent, step, model call, tool call), indented by
// nesting, with a bar placed by start time and length, and what matters for each kind — tokens
// and cost for model calls, tool name and status for tool calls, the error and events (retries,
// approvals) for any span.

import { el } from './console-api.js';

function kindOf(s) {
  const a = s.attributes || {};
  if (a['gen_ai.tool.name'] || /^execute_tool\b/.test(s.name)) return 'tool';
  if (a['gen_ai.operation.name'] === 'chat' || /^chat\b/.test(s.name)) return 'model';
  if (a['lore.step'] !== undefined) return 'step';
  if (/^invoke_agent\b/.test(s.name)) return 'agent';
  return 'other';
}

function details(s, kind) {
  const a = s.attributes || {};
  const out = [];
  if (kind === 'model') {
    if (a['gen_ai.request.model']) out.push(`model ${a['gen_ai.request.model']}`);
    if (a['gen_ai.usage.input_tokens'] !== undefined) out.push(`${a['gen_ai.usage.input_tokens']} in / ${a['gen_ai.usage.output_tokens'] ?? 0} out tokens`);
    if (a['lore.cost_usd'] !== undefined) out.push(`$${Number(a['lore.cost_usd']).toFixed(6)}`);
  }
  if (kind === 'tool') {
    out.push(`tool ${a['gen_ai.tool.name'] ?? s.name.replace(/^execute_tool\s*/, '')}`);
    if (a['lore.tool.status']) out.push(`status ${a['lore.tool.status']}`);
    if (a['gen_ai.tool.call.id']) out.push(`call ${a['gen_ai.tool.call.id']}`);
  }
  if (kind === 'step' && a['lore.step.attempt'] !== undefined && Number(a['lore.step.attempt']) > 1) out.push(`retry, attempt ${a['lore.step.attempt']}`);
  if (a['error.type']) out.push(`error ${a['error.type']}`);
  if (s.status?.code === 'ERROR' || s.status?.code === 2) out.push(`failed${s.status.message ? `: ${s.status.message}` : ''}`);
  return out;
}

/** Fills `list` (an <ol>) with the spans in start order, children under their parents. */
export function renderTrace(list, spans) {
  list.replaceChildren();
  if (!spans.length) return void list.append(el('li', { class: 'empty' }, 'No trace was kept for this run.'));
  const t0 = Math.min(...spans.map((s) => Date.parse(s.start_time)));
  const t1 = Math.max(...spans.map((s) => Date.parse(s.end_time || s.start_time) || 0), t0 + 1);
  const ids = new Set(spans.map((s) => s.span_id));
  const byParent = new Map();
  for (const s of spans) {
    const p = s.parent_span_id && ids.has(s.parent_span_id) ? s.parent_span_id : '';
    if (!byParent.has(p)) byParent.set(p, []);
    byParent.get(p).push(s);
  }
  const walk = (parent, depth) => {
    for (const s of (byParent.get(parent) || []).sort((a, b) => Date.parse(a.start_time) - Date.parse(b.start_time))) {
      const kind = kindOf(s);
      const start = Date.parse(s.start_time) - t0;
      const dur = s.duration_ms ?? 0;
      const bar = el('span', { class: 'bar', 'aria-hidden': 'true' });
      bar.style.marginLeft = `${(100 * start) / (t1 - t0)}%`;
      bar.style.width = `${Math.max(0.5, (100 * dur) / (t1 - t0))}%`;
      const events = (s.events || []).map((e) => el('li', {}, `${e.name}${e.attributes ? ` ${JSON.stringify(e.attributes)}` : ''}`));
      const row = el(
        'li',
        { class: `span ${kind}`, 'data-kind': kind, 'data-testid': `span-${kind}` },
        el('div', { class: 'head' }, el('span', { class: 'kind' }, kind), el('strong', {}, s.name), el('span', { class: 'dur' }, `+${start} ms · ${dur} ms`)),
        el('div', { class: 'track' }, bar),
        el('p', { class: 'prov' }, details(s, kind).join(' · ')),
        events.length ? el('ul', { class: 'events' }, ...events) : '',
      );
      row.style.setProperty('--depth', String(depth));
      list.append(row);
      walk(s.span_id, depth + 1);
    }
  };
  walk('', 0);
}
