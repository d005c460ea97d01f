import { randomUUID } from 'node:crypto';
import { type Request, type Response, Router } from 'express';
import QRCode from 'qrcode';
import { GatewayError, GatewayUnavailableError } from '../api-client/errors.ts';
import type { FrontendDeps } from '../deps.ts';
import { readerOf } from '../i18n/reader.ts';
import {
  authOf,
  decimalField,
  field,
  flash,
  formState,
  gatewayFor,
  refusal,
  refusedFields,
  refusedWith,
  refuseTo,
  requireLogin,
  say,
  takeRefused,
} from './support.ts';

/** Keys of the last few withdraw forms rendered for this session: a resubmitted (or doubled) form reuses its key. */
const KEPT_KEYS = 10;

/** The wallet: balances, deposit address, deposits, withdrawals, history; and the withdraw form. */
export function walletRoutes(deps: FrontendDeps) {
  const router = Router();
  router.use('/wallet', requireLogin);

  // A refused withdrawal comes back here (post/redirect/get) with what was typed and a new form key.
  router.get('/wallet', async (req, res) => {
    const form = takeRefused(req);
    await renderWallet(req, res, { values: (form.refused?.values as Record<string, string>) ?? {}, key: issueKey(req), ...form });
  });

  router.post('/wallet/withdraw', async (req, res) => {
    const values = { address: field(req.body, 'address'), amount: field(req.body, 'amount') };
    let amount = decimalField(req.body, 'amount');
    // "Withdraw everything": the most that goes through now (the available balance less the fee).
    if (field(req.body, 'everything') === 'true') {
      amount = (await gatewayFor(deps, req).get('/withdraw/terms')).maximum;
      values.amount = amount;
    }
    const key = field(req.body, 'idempotencyKey');
    const totp = field(req.body, 'totp');
    if (!req.session.withdrawKeys?.includes(key)) {
      return renderWallet(req, res.status(409), {
        values,
        error: say(req, 'errors.withdrawFormStale'),
        key: issueKey(req),
      });
    }
    try {
      const withdrawal = await gatewayFor(deps, req).post(
        '/withdraw',
        { ...values, amount, ...(totp ? { totp } : {}) },
        { headers: { 'idempotency-key': key } },
      );
      const { amount: written } = readerOf(req);
      flash(req, 'ok', say(req, 'flash.withdrawalRequested', { amount: written(withdrawal.amount), fee: written(withdrawal.fee) }));
      res.redirect('/wallet');
    } catch (err) {
      // The request may have reached the ledger: only the same key makes sending it again safe.
      if (err instanceof GatewayUnavailableError)
        return res.status(503).render('withdraw-unsure', { values, key, ...formState(undefined) });
      if (refusedWith(err, 'IDEMPOTENCY_CONFLICT')) {
        const error = say(req, 'errors.withdrawFormUsed');
        return renderWallet(req, res.status(409), { values, error, key: issueKey(req) });
      }
      const fields = refusedFields(err);
      const error = refusal(req, err);
      refuseTo(req, res, '/wallet', {
        error,
        values,
        fields: fields.length > 0 ? fields : refusedWith(err, 'INSUFFICIENT_FUNDS') ? ['amount'] : [],
      });
    }
  });

  /**
   * The wallet page. A form key refused as stale or already used (409) is answered here, on the form's
   * own answer with a new key, as the ledger's idempotency asks; any other refusal goes back to GET /wallet.
   */
  async function renderWallet(
    req: Request,
    res: Response,
    form: { values: Record<string, string>; error: string | null; key: string } & Partial<ReturnType<typeof formState>>,
  ) {
    const api = gatewayFor(deps, req);
    const { id } = authOf(req).user;
    const [balance, history, withdrawals, deposits, terms] = await Promise.all([
      api.get(`/balances/${id}`),
      api.get('/transactions?limit=20'),
      api.get('/withdrawals?limit=20'),
      depositsOf(api),
      api.get('/withdraw/terms'),
    ]);
    res.render('wallet', {
      balance,
      history: history.items,
      withdrawals: withdrawals.items,
      deposits,
      terms,
      ...formState(undefined),
      ...form,
    });
  }

  return router;
}

/** The deposit address and its QR code, or null when the wallet manager is absent or down: the rest of the page still works. */
async function depositsOf(api: ReturnType<typeof gatewayFor>) {
  try {
    const [address, list] = await Promise.all([api.get('/wallet/deposit-address'), api.get('/wallet/deposits')]);
    return {
      ...address,
      qr: await QRCode.toDataURL(address.uri, { margin: 1, width: 220 }),
      items: list.items,
      minimum: list.minimum,
      required: list.requiredConfirmations,
    };
  } catch (err) {
    if ((err instanceof GatewayError && (err.statusCode === 404 || err.statusCode === 503)) || err instanceof GatewayUnavailableError)
      return null;
    throw err;
  }
}

function issueKey(req: Request): string {
  const key = `web-${randomUUID()}`;
  req.session.withdrawKeys = [...(req.session.withdrawKeys ?? []), key].slice(-KEPT_KEYS);
  return key;
}
