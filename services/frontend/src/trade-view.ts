import type { SessionUser } from './session/data.ts';

/**
 * What a trade means for the person looking at it: their role, who is on the other side, and which
 * actions the rules allow them now (the offers service enforces the same rules again).
 */
export function tradeView(trade: any, offer: any, me: SessionUser, now: Date) {
  const role = trade.buyerId === me.id ? 'buyer' : trade.sellerId === me.id ? 'seller' : 'moderator';
  const otherId = role === 'buyer' ? trade.sellerId : trade.buyerId;
  // The offer names its owner; the taker is known by id only (the API has no lookup by id).
  const counterparty =
    otherId === offer.ownerId ? { username: offer.ownerUsername as string, id: otherId } : { username: null, id: otherId };
  const windowOver = new Date(trade.paymentDeadline) <= now;
  const state: string = trade.state;
  return {
    role,
    counterparty,
    canMarkPaid: role === 'buyer' && state === 'AWAITING_PAYMENT' && !windowOver,
    canCancel: state === 'AWAITING_PAYMENT' && (role === 'buyer' || (role === 'seller' && windowOver)),
    canRelease: role === 'seller' && state === 'PAYMENT_SENT',
    canDispute: role !== 'moderator' && state === 'PAYMENT_SENT',
    canChat: role !== 'moderator' && !['COMPLETED', 'CANCELLED', 'RESOLVED'].includes(state),
    canRate: role !== 'moderator' && state === 'COMPLETED',
    next: nextStep(role, state),
  };
}

/** The catalog key of what this party should do now ('' for a moderator, who has nothing to do on a trade). */
function nextStep(role: string, state: string): string {
  const states = ['AWAITING_PAYMENT', 'PAYMENT_SENT', 'COMPLETED', 'CANCELLED', 'DISPUTED', 'RESOLVED'];
  return role !== 'moderator' && states.includes(state) ? `nextStep.${state}.${role}` : '';
}
