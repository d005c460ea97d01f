import type { GatewayError } from '../api-client/errors.ts';
import type { Translate } from './setup.ts';

/** How a refusal's numbers are written for the reader (formattersFor(...).amount). */
type Amount = (text: string) => string;

interface KnownRefusal {
  /** The API's message (English, for developers); the captures are its values. */
  match: RegExp;
  key: string;
  values?: (m: RegExpExecArray, amount: Amount, t: Translate) => Record<string, unknown>;
}

const n = (text: string | undefined) => Number(text ?? 0);

/**
 * The services' refusals a person can meet, recognised by their message, each with a sentence of
 * the catalogs. A message not listed here (or reworded by a service) still gets its code's sentence,
 * never the API's own words.
 */
export const knownRefusals: KnownRefusal[] = [
  { match: /^That email or username is already taken/, key: 'errors.taken' },
  { match: /^The current password is wrong/, key: 'errors.currentPasswordWrong' },
  { match: /^Wrong username, email or password/, key: 'errors.wrongCredentials' },
  { match: /^The two-factor code is wrong/, key: 'errors.totpInvalid' },
  { match: /^A two-factor code is required/, key: 'errors.totpRequired' },
  { match: /^Two-factor authentication is already on/, key: 'errors.twoFactorAlreadyOn' },
  { match: /^Two-factor authentication is off/, key: 'errors.twoFactorOff' },
  { match: /^Start with POST \/2fa\/enable|^Two-factor setup changed/, key: 'errors.twoFactorRestart' },
  { match: /^Finish your open trades before deleting/, key: 'errors.deleteOpenTrades' },
  { match: /^Withdraw your balance and wait/, key: 'errors.deleteMoneyLeft' },
  { match: /^This session has ended|^This account no longer exists/, key: 'errors.sessionEnded' },
  { match: /^No such offer|^There is no such offer/, key: 'errors.noOffer' },
  { match: /^No such trade/, key: 'errors.noTrade' },
  { match: /^No such withdrawal/, key: 'errors.noWithdrawal' },
  { match: /^No such user|^No user named|^There is no such trader/, key: 'errors.noUser' },
  { match: /^There is no such page/, key: 'errors.noPage' },
  { match: /^This offer is not active/, key: 'errors.offerNotActive' },
  { match: /^This offer is closed/, key: 'errors.offerClosed' },
  { match: /^The payment window has closed/, key: 'errors.windowClosed' },
  { match: /^The buyer still has time to pay/, key: 'errors.buyerStillHasTime' },
  {
    match: /^The trade is (.+)$/,
    key: 'errors.tradeIs',
    values: (m, _amount, t) => ({ state: t(`state.${m[1]!.toUpperCase().replaceAll(' ', '_')}`) }),
  },
  { match: /^Feedback is for completed trades/, key: 'errors.feedbackNotYet' },
  { match: /^You already left feedback/, key: 'errors.feedbackTwice' },
  { match: /^This dispute was already resolved/, key: 'errors.disputeDecided' },
  { match: /^A party cannot decide its own dispute/, key: 'errors.ownDispute' },
  { match: /^Only the .+ can do this|^Only the parties|^You are not allowed|^You may not read/, key: 'errors.notYours' },
  { match: /^You cannot trade with your own offer/, key: 'errors.ownOffer' },
  { match: /^This offer does not accept that payment method/, key: 'errors.methodNotAccepted' },
  { match: /^You are the buyer here: the seller's payment details/, key: 'errors.buyerGivesNoDetails' },
  { match: /^Payment details can change only until/, key: 'errors.detailsLocked' },
  { match: /^The seller has not given payment details yet/, key: 'errors.paymentDetailsMissing' },
  { match: /^The seller's XMR is not held in escrow yet/, key: 'errors.escrowNotHeld' },
  {
    match: /^amount must be between (\S+) and (\S+) XMR/,
    key: 'errors.amountOutsideLimits',
    values: (m, amount) => ({ min: amount(m[1]!), max: amount(m[2]!) }),
  },
  { match: /^amount must be at least (\S+) XMR/, key: 'errors.amountBelowMinimum', values: (m, amount) => ({ min: amount(m[1]!) }) },
  { match: /^amount must be greater than zero/, key: 'errors.amountZero' },
  {
    match: /^The owner of this offer trades only with people who have completed at least (\d+) trades; you have completed (\d+)/,
    key: 'errors.takerReputation',
    values: (m) => ({ count: n(m[1]), done: n(m[2]) }),
  },
  {
    match: /^Until you have completed (\d+) trades?, your open trades may hold at most (\S+) XMR in all; you have (\S+) XMR/,
    key: 'errors.newTakerCeiling',
    values: (m, amount) => ({ count: n(m[1]), most: amount(m[2]!), open: amount(m[3]!) }),
  },
  {
    match: /^You already have (\d+) trades? awaiting payment on this offer/,
    key: 'errors.unpaidOnOffer',
    values: (m) => ({ count: n(m[1]) }),
  },
  { match: /^You already have (\d+) trades? awaiting payment/, key: 'errors.unpaidInAll', values: (m) => ({ count: n(m[1]) }) },
  { match: /^You have sent (\d+) messages in this trade/, key: 'errors.chatFull', values: (m) => ({ count: n(m[1]) }) },
  {
    match: /^(\d+) trades? you opened went unpaid within (\d+) hours/,
    key: 'errors.coolOff',
    values: (m) => ({ count: n(m[1]), hours: n(m[2]) }),
  },
  { match: /^You can open at most (\d+) trades? an hour/, key: 'errors.tradesPerHour', values: (m) => ({ count: n(m[1]) }) },
  { match: /^You can send at most (\d+) messages a minute/, key: 'errors.messagesPerMinute', values: (m) => ({ count: n(m[1]) }) },
  { match: /^Another request of yours is still being handled/, key: 'errors.busy' },
  { match: /^The price of .* is more than the largest price/, key: 'errors.priceTooLarge' },
  { match: /would cost .* more than the largest amount a trade can record/, key: 'errors.fiatTooLarge' },
  { match: /^The seller does not have enough available XMR/, key: 'errors.sellerFunds' },
  { match: /^Not enough available funds/, key: 'errors.insufficientFunds' },
  { match: /^That is a Pupero deposit address/, key: 'errors.ownDepositAddress' },
  { match: /^address is not a valid Monero/, key: 'validation.field.address' },
];

/** Refusals the services name by `details.reason`: their sentence whatever the message's words. */
const knownReasons: Record<string, string> = {
  'payment-details-missing': 'errors.paymentDetailsMissing',
  'escrow-not-held': 'errors.escrowNotHeld',
};

/** Which sentence a validation failure of one field gets, when its message says more than "invalid". */
const specialIssues: { field: RegExp; message: RegExp; key: string }[] = [
  { field: /^$/, message: /change at least one of email, username or newPassword/, key: 'validation.nothingToChange' },
  { field: /^$/, message: /change at least one field/, key: 'validation.nothingToChange' },
  { field: /^minAmount$/, message: /greater than maxAmount/, key: 'validation.minAboveMax' },
  { field: /^paymentDetails$/, message: /is for SELL offers/, key: 'validation.detailsOnBuyOffer' },
  { field: /^otherMethod$/, message: /is only for the OTHER/, key: 'validation.otherMethodUnused' },
  { field: /^paymentMethods$/, message: /twice/, key: 'validation.methodTwice' },
  { field: /^paymentMethods$/, message: /at most/, key: 'validation.tooManyMethods' },
  { field: /^(fixedPrice|marginPercent)$/, message: /is not allowed with priceType/, key: 'validation.priceOfOtherType' },
];

/** The fields a form of ours sends: each has a sentence saying what is expected (validation.field.*). */
export const FORM_FIELDS = [
  'email',
  'username',
  'password',
  'newPassword',
  'currentPassword',
  'identifier',
  'totp',
  'side',
  'fiatCurrency',
  'paymentMethods',
  'otherMethod',
  'priceType',
  'fixedPrice',
  'marginPercent',
  'minAmount',
  'maxAmount',
  'paymentWindowMinutes',
  'terms',
  'minTakerCompletedTrades',
  'amount',
  'paymentMethod',
  'paymentDetails',
  'address',
  'reason',
  'body',
  'rating',
  'comment',
  'winner',
  'note',
  'status',
] as const;

/** "45 seconds", "4 minutes", "2 hours": always rounded up, so the user never comes back too early. */
export function waitInWords(seconds: number, t: Translate): string {
  const whole = Math.max(1, Math.ceil(seconds));
  if (whole < 60) return t('wait.second', { count: whole });
  if (whole < 3600) return t('wait.minute', { count: Math.ceil(whole / 60) });
  return t('wait.hour', { count: Math.ceil(whole / 3600) });
}

/** A gateway refusal as one or a few sentences of the reader's language. */
export function describeRefusal(err: GatewayError, t: Translate, amount: Amount): string {
  const reason = (err.details as { reason?: unknown } | undefined)?.reason;
  if (typeof reason === 'string' && Object.hasOwn(knownReasons, reason)) return t(knownReasons[reason]!);
  const known = knownRefusals.find((k) => k.match.test(err.message));
  if (known) {
    const sentence = t(known.key, known.values?.(known.match.exec(err.message)!, amount, t));
    return err.statusCode === 429 ? `${sentence} ${tryAgain(err, t)}` : sentence;
  }
  if (err.statusCode === 429) return tryAgain(err, t);
  const issues = validationIssues(err.details);
  if (issues.length > 0) return [...new Set(issues.map((issue) => issueSentence(issue, t)))].join(' ');
  return t(`errors.code.${err.code}`, { defaultValue: t('errors.code.UNKNOWN') });
}

function tryAgain(err: GatewayError, t: Translate): string {
  return err.retryAfterSeconds === undefined
    ? t('errors.tryLater')
    : t('errors.tryAgainIn', { wait: waitInWords(err.retryAfterSeconds, t) });
}

interface Issue {
  field: string;
  message: string;
}

/** The common shape's details of a validation failure: `[{ path: "body.amount", message }]`. */
function validationIssues(details: unknown): Issue[] {
  if (!Array.isArray(details)) return [];
  return details
    .filter((d): d is { path: string; message: string } => typeof d?.path === 'string' && typeof d?.message === 'string')
    .map((d) => ({ field: d.path.replace(/^(body|querystring|params|headers)\.?/, '').split('.')[0] ?? '', message: d.message }));
}

function issueSentence(issue: Issue, t: Translate): string {
  const special = specialIssues.find((s) => s.field.test(issue.field) && s.message.test(issue.message));
  if (special) return t(special.key);
  if ((FORM_FIELDS as readonly string[]).includes(issue.field)) return t(`validation.field.${issue.field}`);
  return t('validation.unknownField');
}
