// Small progressive enhancements; every page works without them. Loaded as a file: the CSP allows
// no inline script.

// Ask before irreversible actions.
for (const form of document.querySelectorAll('form[data-confirm]')) {
  form.addEventListener('submit', (event) => {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
}

// One click, one request: the button is disabled once its form is on its way (the server is
// idempotent anyway; this only saves a second round trip).
for (const form of document.querySelectorAll('form[data-disable-on-submit]')) {
  form.addEventListener('submit', (event) => {
    if (event.defaultPrevented) return;
    for (const button of form.querySelectorAll('button[type="submit"]')) {
      setTimeout(() => {
        button.disabled = true;
      }, 0);
    }
  });
}

// The offer form shows the price field of the chosen price type.
const priceTypes = document.querySelectorAll('input[data-price-type]');
function showPriceField() {
  const chosen = document.querySelector('input[data-price-type]:checked')?.value;
  for (const label of document.querySelectorAll('[data-for-price]')) label.hidden = label.dataset.forPrice !== chosen;
}
for (const radio of priceTypes) radio.addEventListener('change', showPriceField);
if (priceTypes.length > 0) showPriceField();

// The offer form shows the payment details of a SELL offer only (a BUY offer's seller gives them with each trade).
const sides = document.querySelectorAll('input[name=side]');
function showSideFields() {
  const chosen = document.querySelector('input[name=side]:checked')?.value;
  for (const element of document.querySelectorAll('[data-for-side]')) element.hidden = element.dataset.forSide !== chosen;
}
for (const radio of sides) radio.addEventListener('change', showSideFields);
if (sides.length > 0) showSideFields();

// What an amount costs, in exact decimals (BigInt): XMR has 12 decimals, prices 8. The amount is
// read as the server reads it: spaces as thousands separators, a lone comma as the decimal comma.
function scaled(text, decimals) {
  const typed = text.replace(/[\s\u00a0\u202f]/g, '');
  const plain = typed.includes('.') ? typed.replaceAll(',', '') : typed.replace(',', '.');
  const match = /^(\d{1,10})(?:\.(\d+))?$/.exec(plain);
  if (!match || (match[2] ?? '').length > decimals) return null;
  return BigInt(match[1]) * 10n ** BigInt(decimals) + BigInt((match[2] ?? '').padEnd(decimals, '0') || '0');
}
const pageLanguage = document.documentElement.lang || 'en';
const decimalMark = new Intl.NumberFormat(pageLanguage).formatToParts(1.5).find((p) => p.type === 'decimal')?.value ?? '.';
const amountInput = document.querySelector('input[data-price]');
const preview = document.querySelector('[data-fiat-preview]');
if (amountInput && preview && amountInput.dataset.price) {
  const update = () => {
    const amount = scaled(amountInput.value, 12);
    const price = scaled(amountInput.dataset.price, 8);
    if (amount === null || price === null || amount === 0n) {
      preview.textContent = '';
      return;
    }
    const cents = (amount * price) / 10n ** 18n;
    const whole = new Intl.NumberFormat(pageLanguage).format(cents / 100n);
    preview.textContent = `≈ ${whole}${decimalMark}${String(cents % 100n).padStart(2, '0')} ${amountInput.dataset.currency}`;
  };
  amountInput.addEventListener('input', update);
  update();
}

// The reader's time zone, once: the server writes dates in it (the account page can change it).
if (!document.cookie.split('; ').some((c) => c.startsWith('pupero_tz='))) {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API exists only in secure contexts, and a local stack is plain HTTP.
  if (zone) document.cookie = `pupero_tz=${encodeURIComponent(zone)}; path=/; max-age=31536000; samesite=lax`;
}

// A click on the deposit address copies it.
for (const code of document.querySelectorAll('[data-copy]')) {
  code.addEventListener('click', () => navigator.clipboard?.writeText(code.textContent.trim()));
}

// Countdowns (the payment window, the automatic dispute) go on every second from the figure the
// server wrote; one timer for all, so a countdown that a live update put in place counts too.
const two = (n) => String(n).padStart(2, '0');
function tickCountdowns() {
  for (const time of document.querySelectorAll('time[data-countdown]')) {
    const left = Math.max(0, Math.floor((Date.parse(time.getAttribute('datetime')) - Date.now()) / 1000));
    time.textContent = `${Math.floor(left / 3600)}:${two(Math.floor(left / 60) % 60)}:${two(left % 60)}`;
  }
}
if (document.querySelector('time[data-countdown]') || document.querySelector('[data-live]')) setInterval(tickCountdowns, 1000);

// Live parts: an element marked data-live="/live/..." gets its content again from that URL every
// few seconds (data-live-every, in seconds), rendered by the server; with data-live-outer the
// answer replaces the element itself. Not while the tab is hidden, nor while the reader is typing or
// has a fold open inside it; never again after a 4xx (signed out, not theirs). Without JavaScript
// the page shows the same on reload.
function watchLive(element) {
  let current = element;
  const url = element.dataset.live;
  const every = Math.max(1, Number(element.dataset.liveEvery) || 4) * 1000;
  let busy = false;
  let shown = null;
  const refresh = async () => {
    if (busy || document.hidden || !current.isConnected) return;
    busy = true;
    try {
      const answer = await fetch(url, { credentials: 'same-origin', headers: { accept: 'text/html' }, redirect: 'error' });
      if (answer.status >= 400 && answer.status < 500) return stop();
      if (!answer.ok) return;
      const html = await answer.text();
      if (html === shown) return;
      if (current.contains(document.activeElement) || current.querySelector('details[open]')) return;
      shown = html;
      if (current.hasAttribute('data-live-outer')) {
        const template = document.createElement('template');
        template.innerHTML = html.trim();
        const replacement = template.content.firstElementChild;
        if (!replacement) return stop();
        current.replaceWith(replacement);
        current = replacement;
      } else {
        current.innerHTML = html;
      }
      tickCountdowns();
    } catch {
      // The network is away for a moment: the next round tries again.
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(refresh, every);
  const onVisible = () => {
    if (!document.hidden) refresh();
  };
  document.addEventListener('visibilitychange', onVisible);
  function stop() {
    clearInterval(timer);
    document.removeEventListener('visibilitychange', onVisible);
  }
}
for (const element of document.querySelectorAll('[data-live]')) watchLive(element);
