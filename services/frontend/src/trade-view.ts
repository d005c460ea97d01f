import type { SessionUser } from './session/data.ts';

/**
 * What a trade means for the person looking at it: their role, who is on the other side, which
 * actions the rules allow them now (the offers service enforces the same rules again), whose move
 * it is and how long the buyer has left to pay.
 */
export function tradeView(trade: any, me: SessionUser, now: Date) {
  const role = trade.buyerId === me.id ? 'buyer' : trade.sellerId === me.id ? 'seller' : 'moderator';
  const otherId = role === 'buyer' ? trade.sellerId : trade.buyerId;
  // Null once that account is deleted: the page then names them by id.
  const counterparty = { username: (role === 'buyer' ? trade.sellerUsername : trade.buyerUsername) as string | null, id: otherId };
  const msLeft = new Date(trade.paymentDeadline).getTime() - now.getTime();
  const windowOver = msLeft <= 0;
  const state: string = trade.state;
  const rated = role !== 'moderator' && state === 'COMPLETED' && trade.feedbackGiven === true;
  const mayPay = role === 'buyer' && state === 'AWAITING_PAYMENT' && !windowOver;
  return {
    role,
    counterparty,
    canMarkPaid: mayPay && trade.paymentDetails !== null,
    // The buyer cannot say "money sent" before the seller has said where to send it.
    waitingForDetails: mayPay && trade.paymentDetails === null,
    canCancel: state === 'AWAITING_PAYMENT' && (role === 'buyer' || (role === 'seller' && windowOver)),
    canRelease: role === 'seller' && state === 'PAYMENT_SENT',
    canDispute: role !== 'moderator' && state === 'PAYMENT_SENT',
    canChat: role !== 'moderator' && !['COMPLETED', 'CANCELLED', 'RESOLVED'].includes(state),
    canRate: role !== 'moderator' && state === 'COMPLETED' && !rated,
    rated,
    // An automatic dispute's reason in the reader's words (the offers service stores it in English).
    disputeReasonKey: disputeReasonKey(trade.disputeReason),
    canGiveDetails: role === 'seller' && state === 'AWAITING_PAYMENT',
    next: nextStep(role, state),
    awaiting: awaitingKey(role, trade.awaiting),
    // The payment window's countdown, while the buyer may still pay.
    secondsLeft: state === 'AWAITING_PAYMENT' ? secondsUntil(trade.paymentDeadline, now) : null,
    // Until a paid trade the seller leaves unanswered becomes a dispute by itself.
    autoDisputeSecondsLeft: state === 'PAYMENT_SENT' && trade.autoDisputeAt ? secondsUntil(trade.autoDisputeAt, now) : null,
  };
}

const secondsUntil = (iso: string, now: Date) => Math.max(0, Math.floor((new Date(iso).getTime() - now.getTime()) / 1000));

/** Whose move it is, in the viewer's words: theirs, the other party's, a moderator's ('' when nobody's). */
function awaitingKey(role: string, awaiting: string | null): string {
  if (!awaiting) return '';
  if (awaiting === 'MODERATOR') return 'awaiting.moderator';
  return awaiting.toLowerCase() === role ? 'awaiting.you' : `awaiting.${awaiting.toLowerCase()}`;
}

/** A countdown as the page shows it: h:mm:ss (the page's script goes on counting from the same figure). */
export function clock(seconds: number): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${Math.floor(seconds / 3600)}:${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)}`;
}

/** The catalog key of what this party should do now ('' for a moderator, who has nothing to do on a trade). */
function nextStep(role: string, state: string): string {
  const states = ['AWAITING_PAYMENT', 'PAYMENT_SENT', 'COMPLETED', 'CANCELLED', 'DISPUTED', 'RESOLVED'];
  return role !== 'moderator' && states.includes(state) ? `nextStep.${state}.${role}` : '';
}

/** The reason the offers service stores, in English, when a paid trade the seller left unanswered becomes a dispute by itself. */
const AUTOMATIC_DISPUTE_REASON = 'The seller did not answer in time';

/** The catalog key of a dispute's reason when the system wrote it (an automatic dispute); null for a party's own words, shown as written. */
export const disputeReasonKey = (reason: string | null): string | null =>
  reason === AUTOMATIC_DISPUTE_REASON ? 'trade.automaticDisputeReason' : null;
