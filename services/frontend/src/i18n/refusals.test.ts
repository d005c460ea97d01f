import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { refusalOf } from '../api-client/errors.ts';
import { formattersFor } from './format.ts';
import { describeRefusal, waitInWords } from './refusals.ts';
import { createI18n, type Language, type Translate } from './setup.ts';

const { instance } = createI18n();
const reader = (language: Language) => {
  const t: Translate = (key, values) => instance.getFixedT(language)(key, values) as string;
  return { t, amount: formattersFor(language, 'UTC').amount };
};
const say = (language: Language, status: number, body: unknown, retryAfter: string | null = null) => {
  const { t, amount } = reader(language);
  return describeRefusal(refusalOf({ status, body, retryAfter }), t, amount);
};

describe('the gateway refusals a person reads, in English and in French', () => {
  it('says when to try again after a 429, rounded up: seconds under a minute, then minutes, then hours', () => {
    const { t } = reader('en');
    assert.deepEqual(
      [1, 45, 59, 60, 61, 240, 899, 3600, 3601].map((s) => waitInWords(s, t)),
      ['1 second', '45 seconds', '59 seconds', '1 minute', '2 minutes', '4 minutes', '15 minutes', '1 hour', '2 hours'],
    );
    assert.deepEqual(
      [1, 45, 60, 7200].map((s) => waitInWords(s, reader('fr').t)),
      ['1 seconde', '45 secondes', '1 minute', '2 heures'],
    );
    const limited = { statusCode: 429, code: 'TOO_MANY_REQUESTS', message: 'Too many requests; retry in 3 s' };
    assert.equal(say('en', 429, limited, '181'), 'Too many attempts. Try again in 4 minutes.');
    assert.equal(say('fr', 429, limited, '181'), 'Trop de tentatives. Réessayez dans 4 minutes.');
    assert.equal(
      say('en', 429, { ...limited, details: { retryAfterSeconds: 3 } }),
      'Too many attempts. Try again in 3 seconds.',
      'the common shape when the header is lost',
    );
    assert.equal(say('en', 429, limited), 'Too many attempts. Try again later.');
  });

  it('words the validation failures of the forms field by field, never in the API words', () => {
    const body = {
      statusCode: 400,
      code: 'VALIDATION_FAILED',
      message: 'The request is invalid',
      details: [
        { path: 'body.paymentMethods', message: 'must list at least one payment method' },
        { path: 'body.minAmount', message: 'must be a decimal XMR string such as "1.5"' },
      ],
    };
    assert.equal(
      say('en', 400, body),
      'Choose at least one payment method. Enter the minimum in XMR as a number, such as 0.1 (at most 12 decimals).',
    );
    assert.equal(
      say('fr', 400, body),
      'Choisissez au moins un moyen de paiement. Saisissez le minimum en XMR sous forme de nombre, comme 0,1 (12 décimales au plus).',
    );
    const rule = { ...body, details: [{ path: 'minAmount', message: 'must not be greater than maxAmount' }] };
    assert.equal(say('fr', 400, rule), 'Le minimum ne doit pas dépasser le maximum.');
    const nothing = { ...body, details: [{ path: 'body', message: 'change at least one of email, username or newPassword' }] };
    assert.equal(say('en', 400, nothing), 'Change your username, e-mail or password first.');
    const strange = { ...body, details: [{ path: 'body.isAdmin', message: 'Unrecognized key' }] };
    assert.equal(say('en', 400, strange), 'Some of what you entered is not valid. Check the form and try again.');
  });

  it('recognises the services refusals by their message, with their numbers written the reader way', () => {
    const limits = { statusCode: 422, code: 'UNPROCESSABLE', message: 'amount must be between 0.1 and 1234.5 XMR for this offer' };
    assert.equal(say('en', 422, limits), 'The amount must be between 0.1 and 1,234.5 XMR for this offer.');
    assert.equal(say('fr', 422, limits), 'Le montant doit être compris entre 0,1 et 1\u202f234,5 XMR pour cette offre.');
    const reputation = {
      statusCode: 422,
      code: 'UNPROCESSABLE',
      message: 'The owner of this offer trades only with people who have completed at least 1 trades; you have completed 0.',
    };
    assert.match(say('fr', 422, reputation), /au moins 1 échange ; vous en avez terminé 0\.$/);
    const state = { statusCode: 409, code: 'CONFLICT', message: 'The trade is payment sent' };
    assert.equal(
      say('fr', 409, state),
      'Cet échange est maintenant « Paiement envoyé » : rechargez la page pour voir ce que vous pouvez faire.',
    );
    const funds = { statusCode: 422, code: 'INSUFFICIENT_FUNDS', message: 'Not enough available funds' };
    assert.match(say('fr', 422, funds), /^Fonds disponibles insuffisants/);
    const hourly = { statusCode: 429, code: 'TOO_MANY_REQUESTS', message: 'You can open at most 5 trades an hour; try again later.' };
    assert.equal(say('en', 429, hourly, '120'), 'You can open at most 5 trades an hour. Too many attempts. Try again in 2 minutes.');
  });

  it('gives a refusal it does not know its code sentence, not the API message', () => {
    const odd = { statusCode: 409, code: 'CONFLICT', message: 'Hold 12 is already posted' };
    assert.equal(say('en', 409, odd), 'That cannot be done now: the page may be out of date. Reload it and try again.');
    assert.doesNotMatch(say('fr', 409, odd), /Hold/);
    assert.equal(say('fr', 418, { statusCode: 418, code: 'TEAPOT', message: 'I am a teapot' }), "Cela n'a pas fonctionné. Réessayez.");
  });
});
