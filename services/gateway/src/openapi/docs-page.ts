import type { Json, OpenApiDocument, Operation } from './components.ts';

const escapeHtml = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');

const pretty = (value: unknown) => `<pre>${escapeHtml(JSON.stringify(value, null, 2))}</pre>`;

/** `#/components/responses/Error` → `Error`: shared answers are named, not repeated. */
const refName = (value: unknown) => {
  const ref = (value as { $ref?: unknown } | undefined)?.$ref;
  return typeof ref === 'string' ? ref.split('/').pop() : undefined;
};

function parametersTable(parameters: unknown[]) {
  const rows = (parameters as { name: string; in: string; required?: boolean; schema?: unknown }[]).map(
    (p) =>
      `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${escapeHtml(p.in)}</td><td>${p.required ? 'yes' : 'no'}</td><td><code>${escapeHtml(JSON.stringify(p.schema ?? {}))}</code></td></tr>`,
  );
  return `<table><tr><th>Parameter</th><th>In</th><th>Required</th><th>Schema</th></tr>${rows.join('')}</table>`;
}

function responsesList(responses: Json) {
  const items = Object.entries(responses).map(([status, response]) => {
    const name = refName(response);
    if (name) return `<li><b>${escapeHtml(status)}</b> ${escapeHtml(name)} (ErrorBody)</li>`;
    const { description, content } = response as { description?: string; content?: Record<string, { schema?: unknown }> };
    const schema = content?.['application/json']?.schema;
    return `<li><b>${escapeHtml(status)}</b> ${escapeHtml(description ?? '')}${schema ? pretty(schema) : ''}</li>`;
  });
  return `<ul>${items.join('')}</ul>`;
}

function operationSection(method: string, path: string, operation: Operation) {
  const secured = Array.isArray(operation.security) && operation.security.length > 0;
  const body = (operation.requestBody as { content?: Record<string, { schema?: unknown }> } | undefined)?.content?.['application/json'];
  return [
    `<section><h3><span class="method">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code>`,
    secured ? ' <small>bearer token</small>' : ' <small>public</small>',
    '</h3>',
    operation.parameters?.length ? parametersTable(operation.parameters) : '',
    body ? `<details><summary>Request body</summary>${pretty(body.schema)}</details>` : '',
    `<details><summary>Responses</summary>${responsesList(operation.responses ?? {})}</details></section>`,
  ].join('');
}

/** The docs page: the same document as HTML, rendered here so it needs no script and no CDN. */
export function renderDocsPage(document: OpenApiDocument): string {
  const sections = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ tag: operation?.tags, html: operationSection(method, path, operation!) })),
  );
  const byTag = (document.tags ?? []).map((tag) => {
    const html = sections.filter((s) => Array.isArray(s.tag) && s.tag.includes(tag.name)).map((s) => s.html);
    return `<h2>${escapeHtml(tag.name)}</h2>${html.join('')}`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(document.info.title)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
section{border-top:1px solid #ddd;padding:.4rem 0}h3{font-size:1rem;margin:.3rem 0}.method{display:inline-block;min-width:4.5rem;font-family:monospace}
small{color:#666;font-weight:normal}pre{background:#f6f6f6;padding:.5rem;overflow:auto;font-size:13px}table{border-collapse:collapse;font-size:14px}
td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:left}</style></head>
<body><h1>${escapeHtml(document.info.title)} <small>${escapeHtml(document.info.version)}</small></h1>
<p>${escapeHtml(document.info.description ?? '')} The machine-readable document: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).
Routes marked <i>bearer token</i> need <code>Authorization: Bearer</code> and an access token from <code>POST /auth/login</code>.</p>
<details><summary>Every error answer has one shape, <code>ErrorBody</code></summary>${pretty(document.components?.schemas?.ErrorBody)}</details>
${byTag.join('\n')}
</body></html>`;
}
