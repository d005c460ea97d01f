import { fiatCurrencies, paymentMethods } from '@pupero/shared/contracts';
import { LANGUAGES } from './i18n/setup.ts';

/**
 * Defaults every template can use (templates read `locals.*` for what may be missing). The
 * reader's own helpers (`t`, `when`, `amount`, `methodLabel`, `stateLabel`) come per request, from
 * the i18n middleware and pageLocals.
 */
export const viewHelpers = {
  user: null,
  flash: null,
  needsAction: null,
  path: '',
  here: '/',
  lang: 'en',
  languages: LANGUAGES,
  csrfToken: () => '',
  currencies: fiatCurrencies,
  methods: paymentMethods,
  timeZones: Intl.supportedValuesOf('timeZone'),
};
