import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const views = fileURLToPath(new URL('../../views/', import.meta.url));

/** What may stand in a template as it is: the brand, the coin, symbols. Anything else with letters is a sentence for the catalogs. */
const ALLOWED = ['Pupero', 'XMR', 'ɱ', '☰'];
/** Attributes a person reads (or hears): their values must come from the catalogs too. */
const READ_ATTRIBUTES = ['placeholder', 'title', 'aria-label', 'alt', 'data-confirm', 'aria-description'];

const hasWords = (text: string) => {
  let rest = text;
  for (const word of ALLOWED) rest = rest.replaceAll(word, ' ');
  return /\p{L}{2,}/u.test(rest);
};

/**
 * The human text a template holds outside the catalogs: text between tags, the read attributes
 * (and the value of a submit input), once the EJS tags are gone; and, inside the EJS tags, string
 * literals that read as words ("Buy Monero", "the buyer") rather than keys, classes or values.
 */
function strayText(template: string): string[] {
  const found: string[] = [];
  for (const [, code] of template.matchAll(/<%[-=_]?([\s\S]*?)[-_]?%>/g)) {
    for (const [, literal] of code!.matchAll(/'([^'\\]*)'|"([^"\\]*)"|`([^`\\]*)`/g)) {
      if (literal && (/\b[A-Z][a-z]{2,}/.test(literal) || /\b[a-z]{2,} [a-z]{2,}\b/.test(literal))) found.push(literal);
    }
  }
  const html = template.replace(/<%[\s\S]*?%>/g, ' ').replace(/<!--[\s\S]*?-->/g, ' ');
  for (const [, text] of html.matchAll(/>([^<]*)</g)) if (hasWords(text!)) found.push(text!.trim());
  for (const [tag] of html.matchAll(/<[a-z][^>]*>/gi)) {
    for (const [, name, value] of tag.matchAll(/([a-z-]+)="([^"]*)"/gi)) {
      const read =
        READ_ATTRIBUTES.includes(name!.toLowerCase()) || (name === 'value' && /^<input\b[^>]*type="(submit|button|reset)"/.test(tag));
      if (read && hasWords(value!)) found.push(`${name}="${value}"`);
    }
  }
  return found;
}

describe('the templates', () => {
  it('notice a sentence left in a template: in text, in a read attribute, in an EJS literal', () => {
    assert.deepEqual(strayText('<h1>Hello <%= name %></h1>'), ['Hello']);
    assert.deepEqual(strayText('<input placeholder="Write a message" value="<%= v %>">'), ['placeholder="Write a message"']);
    assert.deepEqual(strayText("<p><%= side === 'SELL' ? 'Buy Monero' : t('home.sellTitle') %></p>"), ['Buy Monero']);
    assert.deepEqual(strayText('<p><%= t(\'nav.offers\') %> · 12 XMR — <span class="pos">+<%= n %></span></p>'), []);
  });

  it('hold no human text outside the catalogs', () => {
    const files = readdirSync(views, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.ejs'));
    assert.ok(files.length >= 15, `every template is read (${files.length})`);
    const stray = files.flatMap((file) => strayText(readFileSync(join(views, file), 'utf8')).map((text) => `${file}: ${text}`));
    assert.deepEqual(stray, []);
  });
});
