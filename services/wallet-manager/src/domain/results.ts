import { exchangeFor } from '@pupero/shared/amqp';
import type { WithdrawalResult } from '@pupero/shared/contracts';
import { formatXmr } from '@pupero/shared/money';
import { signMessage } from '@pupero/shared/signed-message';
import type { WalletDeps } from '../deps.ts';

export interface WithdrawalRow {
  id: bigint;
  address: string;
  amount: bigint;
  state: string;
}

type Outcome = { status: 'SENDING' } | { status: 'SENT'; txHash: string; networkFee: string } | { status: 'FAILED'; reason: string };

/**
 * Reports to the ledger, signed with the wallet manager's own key (only it may settle or refund a
 * withdrawal), naming the address and amount it acted on. Message id `<withdrawalId>:<status>`;
 * the ledger applies each report once, so sending one again is harmless.
 */
export async function publishResult(deps: WalletDeps, withdrawal: WithdrawalRow, outcome: Outcome): Promise<void> {
  const result = {
    type: 'withdrawal.result',
    withdrawalId: String(withdrawal.id),
    address: withdrawal.address,
    amount: formatXmr(withdrawal.amount),
    ...outcome,
  } satisfies WithdrawalResult;
  const content = Buffer.from(JSON.stringify(result), 'utf8');
  await deps.broker.publish(exchangeFor(deps.config.RABBITMQ_RESULTS_QUEUE), content, {
    messageId: `${result.withdrawalId}:${result.status}`,
    headers: signMessage('withdrawal-result', content, deps.config.SERVICE_SIGNING_KEY, 'wallet-manager'),
  });
}
