import { fiatCurrencies, paymentMethods } from '@pupero/shared/contracts';

/** Helpers and defaults every template can use (templates read `locals.*` for what may be missing). */
export const viewHelpers = {
  user: null,
  flash: null,
  path: '',
  csrfToken: () => '',
  currencies: fiatCurrencies,
  methods: paymentMethods,
  methodLabel: (method: string) => methodLabels[method] ?? method,
  /** "PAYMENT_SENT" → "Payment sent". */
  stateLabel: (state: string) => cap(state.replaceAll('_', ' ')),
  /** An ISO time as "2026-11-22 14:05 UTC", the same for every reader. */
  when: (iso: string | null | undefined) => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : '—'),
};

const methodLabels: Record<string, string> = {
  SEPA: 'SEPA',
  SEPA_INSTANT: 'SEPA Instant',
  BANK_TRANSFER: 'Bank transfer',
  FASTER_PAYMENTS: 'Faster Payments',
  ZELLE: 'Zelle',
  INTERAC: 'Interac',
  PIX: 'Pix',
  UPI: 'UPI',
  REVOLUT: 'Revolut',
  WISE: 'Wise',
  PAYPAL: 'PayPal',
  CASH_BY_MAIL: 'Cash by mail',
  CASH_IN_PERSON: 'Cash in person',
  GIFT_CARD: 'Gift card',
  OTHER: 'Other',
};

function cap(word: string) {
  return word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
}
