import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '@pupero/shared/config';
import { buildApp as buildGateway } from '../../gateway/src/app.ts';
import { configSchema as gatewayConfig } from '../../gateway/src/config.ts';
import { buildApp as buildLogin } from '../../login/src/app.ts';
import { buildApp as buildTransactions } from '../../transactions/src/app.ts';
import { type OffersStack, startOffersStack } from '../test/helpers.ts';
import { buildApp as buildOffers } from './app.ts';

/** Each service's /metrics (the wallet manager's is checked in its health test, beside a chain). */
describe('/metrics of login, gateway, transactions and offers', () => {
  let stack: OffersStack;
  before(async () => {
    stack = await startOffersStack();
  });
  after(() => stack.close());

  it('answers in Prometheus text format with the series the dashboard reads', async () => {
    const gateway = await buildGateway(
      {
        config: loadConfig(gatewayConfig, {
          LOGIN_SERVICE_URL: stack.login.url,
          JWT_SECRET: stack.login.deps.config.JWT_SECRET,
          LOG_LEVEL: 'silent',
        }),
        tokens: stack.deps.tokens,
      },
      { logger: false },
    );
    const apps = {
      login: buildLogin(stack.login.deps, { logger: false }),
      gateway,
      transactions: buildTransactions(stack.deps, { logger: false }),
      offers: buildOffers(stack.offers, { logger: false }),
    };
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
