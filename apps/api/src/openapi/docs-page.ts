/**
 * `/api/docs`: a self-contained page (no CDN, no external assets) that reads `/api/v1/openapi.json` and shows
 * every operation with its parameters, request body and responses, schemas expanded from their `$ref`s.
 */
const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{background:#1d2330;color:#fff;padding:16px 24px}header h1{margin:0;font-size:20px}
header p{margin:4px 0 0;color:#c9cfdb;max-width:900px}
main{padding:16px 24px;max-width:1100px}h2{margin:24px 0 8px;text-transform:capitalize}
details.op{background:#fff;border:1px solid #dde1e8;border-radius:6px;margin:6px 0}
details.op>summary{cursor:pointer;padding:8px 12px;list-style:none;display:flex;gap:12px;align-items:center}
.m{font:600 12px monospace;padding:2px 8px;border-radius:4px;color:#fff;min-width:54px;text-align:center}
.get{background:#2f6fdf}.post{background:#1f9d55}.patch{background:#c27c0e}.delete{background:#c53030}
code,.path{font-family:ui-monospace,monospace}.path{font-weight:600}.sum{color:#4a5366}
.body{padding:4px 16px 12px;border-top:1px solid #eef0f4}table{border-collapse:collapse;margin:4px 0}
td,th{border:1px solid #e3e6ec;padding:3px 8px;text-align:left;vertical-align:top}
pre{background:#f1f3f6;padding:8px;border-radius:4px;overflow:auto;max-height:420px;font-size:12px}
input{font:inherit;padding:6px 8px;width:320px;margin:8px 0}`;

const SCRIPT = `
const resolve = (doc, schema, depth = 0) => {
  if (!schema || depth > 12) return schema;
  if (schema.$ref) return resolve(doc, doc.components.schemas[schema.$ref.split('/').pop()], depth + 1);
  if (Array.isArray(schema)) return schema.map((s) => resolve(doc, s, depth + 1));
  if (typeof schema !== 'object') return schema;
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, typeof v === 'object' ? resolve(doc, v, depth + 1) : v]));
};
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const child of children) node.append(child);
  return node;
};
const pre = (value) => el('pre', {}, JSON.stringify(value, null, 2));
function operation(doc, path, method, op) {
  const body = el('div', { class: 'body' });
  if (op.parameters?.length) {
    const table = el('table', {}, el('tr', {}, el('th', {}, 'parameter'), el('th', {}, 'in'), el('th', {}, 'description')));
    for (const p of op.parameters) table.append(el('tr', {}, el('td', {}, el('code', {}, p.name)), el('td', {}, p.in), el('td', {}, p.description ?? p.schema?.description ?? '')));
    body.append(el('h4', {}, 'Parameters'), table);
  }
  const request = op.requestBody?.content?.['application/json']?.schema;
  if (request) body.append(el('h4', {}, 'Request body'), pre(resolve(doc, request)));
  body.append(el('h4', {}, 'Responses'));
  for (const [status, response] of Object.entries(op.responses ?? {})) {
    const schema = Object.values(response.content ?? {})[0]?.schema;
    const item = el('details', {}, el('summary', {}, status + ' ' + (response.description ?? '')));
    if (schema) item.append(pre(resolve(doc, schema)));
    body.append(item);
  }
  return el('details', { class: 'op', 'data-text': (method + ' ' + path + ' ' + (op.summary ?? '')).toLowerCase() },
    el('summary', {}, el('span', { class: 'm ' + method }, method.toUpperCase()), el('span', { class: 'path' }, path), el('span', { class: 'sum' }, op.summary ?? '')),
    body);
}
fetch('/api/v1/openapi.json').then((r) => r.json()).then((doc) => {
  document.getElementById('title').textContent = doc.info.title + ' ' + doc.info.version;
  document.getElementById('about').textContent = doc.info.description ?? '';
  const groups = new Map();
  for (const [path, item] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(item)) {
    const tag = op.tags?.[0] ?? 'other';
    if (!groups.has(tag)) groups.set(tag, []);
    groups.get(tag).push(operation(doc, path, method, op));
  }
  const main = document.getElementById('ops');
  for (const [tag, ops] of groups) main.append(el('h2', {}, tag), ...ops);
  document.getElementById('filter').addEventListener('input', (e) => {
    const q = e.target.value.toLowerCase();
    for (const op of document.querySelectorAll('details.op')) op.style.display = op.dataset.text.includes(q) ? '' : 'none';
  });
}).catch((error) => { document.getElementById('ops').textContent = 'Could not load the API description: ' + error; });`;

export const DOCS_PAGE_CSP =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'";

export const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>cite API</title><style>${STYLE}</style></head>
<body><header><h1 id="title">cite API</h1><p id="about"></p></header>
<main><p>Machine-readable: <a href="/api/v1/openapi.json"><code>/api/v1/openapi.json</code></a>. Authenticate with <code>Authorization: Bearer &lt;token&gt;</code>.</p>
<input id="filter" placeholder="filter operations" aria-label="filter operations"><div id="ops">Loading…</div></main>
<script>${SCRIPT}</script></body></html>`;
