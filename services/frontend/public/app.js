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

// What an amount costs, in exact decimals (BigInt): XMR has 12 decimals, prices 8.
function scaled(text, decimals) {
  const match = /^(\d{1,10})(?:\.(\d+))?$/.exec(text.trim());
  if (!match || (match[2] ?? '').length > decimals) return null;
  return BigInt(match[1]) * 10n ** BigInt(decimals) + BigInt((match[2] ?? '').padEnd(decimals, '0') || '0');
}
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
    preview.textContent = `≈ ${cents / 100n}.${String(cents % 100n).padStart(2, '0')} ${amountInput.dataset.currency}`;
  };
  amountInput.addEventListener('input', update);
  update();
}

// A click on the deposit address copies it.
for (const code of document.querySelectorAll('[data-copy]')) {
  code.addEventListener('click', () => navigator.clipboard?.writeText(code.textContent.trim()));
}
