// Small helpers shared by the console views: the JSON API with the page's bearer token, and a
// DOM builder that only ever sets text (API data never becomes markup).

const token = () => (document.getElementById('token')?.value || localStorage.getItem('lore.token') || '').trim();

function headers(json) {
  const h = json ? { 'content-type': 'application/json' } : {};
  const t = token();
  if (t) h.authorization = `Bearer ${t}`;
  return h;
}

/** GET a JSON document; throws the server's `{error}` (code, message) on a non-2xx answer. */
/** A request that never got an answer says what to check, not only "Failed to fetch". */
export const NETWORK_HINT = 'could not reach the Lore server; check that `lore serve` is still running, then try again';

export async function getJson(path) {
  const res = await fetch(path, { headers: headers(false) }).catch((err) => {
    throw { code: 'NETWORK', message: `${NETWORK_HINT} (${err?.message || err})` };
  });
  const body = await res.json().catch(() => null);
  if (!res.ok) throw body?.error || { code: `HTTP_${res.status}`, message: res.statusText };
  return body;
}

/** A write: resolves to { ok, body } or { ok: false, error }; never throws for an HTTP error. */
export async function send(method, path, body) {
  try {
    const res = await fetch(path, { method, headers: headers(body !== undefined), ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const out = await res.json().catch(() => null);
    return res.ok ? { ok: true, body: out } : { ok: false, error: out?.error || { code: `HTTP_${res.status}`, message: res.statusText } };
  } catch (err) {
    return { ok: false, error: { code: 'NETWORK', message: `${NETWORK_HINT} (${err?.message || err})` } };
  }
}

/** el('a', { href }, 'text', child…): attributes are set with setAttribute, strings become text nodes. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) node.setAttribute(k, String(v));
  for (const c of children) if (c !== '' && c !== null && c !== undefined) node.append(c);
  return node;
}

export function fmtTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}
