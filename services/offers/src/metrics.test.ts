import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type OffersStack, serviceApps, startOffersStack } from '@pupero/test-stack/offers';

/** Each service's /metrics (the wallet manager's is checked in its health test, beside a chain). */
describe('/metrics of login, gateway, transactions and offers', () => {
  let stack: OffersStack;
  before(async () => {
    stack = await startOffersStack();
  });
  after(() => stack.close());

  it('answers in Prometheus text format with the series the dashboard reads', async () => {
    const apps = await serviceApps(stack);
    const expected: Record<string, RegExp[]> = {
      login: [],
      gateway: [],
      transactions: [
        /^pupero_outbox_unpublished\{service="transactions"\} \d+$/m,
        /^# TYPE pupero_ledger_transfers gauge$/m,
        /^# TYPE pupero_withdrawals gauge$/m,
      ],
      offers: [/^# TYPE pupero_trades gauge$/m, /^# TYPE pupero_offers gauge$/m],
    };
    for (const [name, app] of Object.entries(apps)) {
      await app.inject({ method: 'GET', url: '/healthz' });
      const res = await app.inject({ method: 'GET', url: '/metrics' });
      assert.equal(res.statusCode, 200, name);
      assert.match(
        res.body,
        new RegExp(`^http_request_duration_seconds_count\\{(?=[^}]*route="/healthz")(?=[^}]*service="${name}")[^}]*\\} 1$`, 'm'),
        name,
      );
      for (const pattern of expected[name]!) assert.match(res.body, pattern, name);
      await app.close();
    }
  });
});
