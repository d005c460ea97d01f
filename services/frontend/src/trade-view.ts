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

function nextStep(role: string, state: string): string {
  const steps: Record<string, Record<string, string>> = {
    AWAITING_PAYMENT: {
      buyer: 'Pay the seller outside Pupero with the agreed method, then press "I have sent the money".',
      seller: 'Wait for the buyer to pay you. Your XMR is held in escrow meanwhile.',
    },
    PAYMENT_SENT: {
      buyer: 'The seller is checking the payment. The XMR is released to you once they confirm.',
      seller: 'Check that the money has arrived in your account, then release the XMR.',
    },
    COMPLETED: { buyer: 'The XMR is in your wallet.', seller: 'The trade is complete.' },
    CANCELLED: { buyer: 'This trade was cancelled.', seller: 'This trade was cancelled; your XMR is available again.' },
    DISPUTED: { buyer: 'A moderator will look at this trade.', seller: 'A moderator will look at this trade.' },
    RESOLVED: { buyer: 'A moderator decided this trade.', seller: 'A moderator decided this trade.' },
  };
  return steps[state]?.[role] ?? '';
}
