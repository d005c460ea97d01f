/**
 * Who may call each public route: one row per route of the gateway's table (upstreams.ts), and for
 * each of five callers the answer they get, as a class:
 *
 * - `allowed`: the request passed authorization. Any status but 401, 403 and 404 (a 400 for a body,
 *   a 409 or 422 for the state of things: the handler decided, not the guard). 429 and 5xx fail the
 *   test: rate limits are lifted and nothing should break.
 * - `denied-401`: no valid access token (the gateway refuses before anything is proxied).
 * - `denied-403`: signed in, but not allowed (a role, or not the party whose action it is).
 * - `not-found-404`: the resource exists, but is hidden from this caller: ids reveal nothing.
 *
 * The callers: `anonymous`; `owner`, the plain user the resource belongs to (for a trade: the party
 * whose action the route is); `other`, a plain signed-in user with no part in it; `moderator` and
 * `admin`, by role. A route without `:id` acts on the caller's own account or on nothing; its owner
 * is then just a signed-in plain user.
 *
 * authorization-matrix.test.ts fails when the gateway has a route without a row here, or a row
 * names a route the gateway no longer has, and plays every row against the real services.
 */
export const callers = ['anonymous', 'owner', 'other', 'moderator', 'admin'] as const;
export type Caller = (typeof callers)[number];
export type Outcome = 'allowed' | 'denied-401' | 'denied-403' | 'not-found-404';
export type Expected = Record<Caller, Outcome>;

export type TradeState = 'AWAITING_PAYMENT' | 'PAYMENT_SENT' | 'COMPLETED' | 'DISPUTED';

/** What `:id` points at: prepared fresh for each case, owned by the owner. */
export type Resource =
  | { kind: 'user-id' }
  | { kind: 'username' }
  | { kind: 'currency' }
  | { kind: 'withdrawal' }
  | { kind: 'offer' }
  | { kind: 'trade'; state: TradeState; owner: 'buyer' | 'seller' };

export interface RequestContext {
  caller: Caller;
  ownerId: number;
}

export interface MatrixCase {
  on?: Resource;
  expect: Expected;
}

export interface MatrixRow {
  /** Method and path as written in upstreams.ts. */
  route: string;
  cases: MatrixCase[];
  /** The smallest request that lets authorization decide: the services check a body before their role guard. */
  body?: unknown | ((at: RequestContext) => unknown);
  /** The caller's sessions end (log out everywhere): played after every other row. */
  endsSessions?: boolean;
}

const answers = (anonymous: Outcome, owner: Outcome, other: Outcome, moderator: Outcome, admin: Outcome): Expected => ({
  anonymous,
  owner,
  other,
  moderator,
  admin,
});

/** Public: no token needed, everyone passes. */
const everyone = answers('allowed', 'allowed', 'allowed', 'allowed', 'allowed');
/** The caller's own account (or a new thing of their own): every signed-in caller, on their own. */
const signedIn = answers('denied-401', 'allowed', 'allowed', 'allowed', 'allowed');
const adminsOnly = answers('denied-401', 'denied-403', 'denied-403', 'denied-403', 'allowed');
const staffOnly = answers('denied-401', 'denied-403', 'denied-403', 'allowed', 'allowed');
/** A trade's parties alone; to anyone else, moderators included, it does not exist until disputed. */
const partiesOnly = answers('denied-401', 'allowed', 'not-found-404', 'not-found-404', 'not-found-404');
/** A disputed trade: moderators and admins see it. */
const partiesAndStaff = answers('denied-401', 'allowed', 'not-found-404', 'allowed', 'allowed');
/** A disputed trade: staff see it, but the action is a party's (403, not 404: they may see it). */
const partyActionSeenByStaff = answers('denied-401', 'allowed', 'not-found-404', 'denied-403', 'denied-403');

const trade = (state: TradeState, owner: 'buyer' | 'seller' = 'buyer'): Resource => ({ kind: 'trade', state, owner });
const disputed = (owner: 'buyer' | 'seller' = 'buyer'): MatrixCase => ({ on: trade('DISPUTED', owner), expect: partyActionSeenByStaff });
const self = (expected: Expected): MatrixCase[] => [{ expect: expected }];

export const authorizationMatrix: MatrixRow[] = [
  // login: public credential routes, then the caller's own account (empty bodies: 400, past the guard)
  { route: 'POST /auth/register', cases: self(everyone), body: {} },
  { route: 'POST /auth/login', cases: self(everyone), body: {} },
  { route: 'POST /auth/token/refresh', cases: self(everyone), body: {} },
  { route: 'POST /auth/logout', cases: self(everyone), body: {} },
  { route: 'GET /auth/me', cases: self(signedIn) },
  { route: 'PUT /auth/me', cases: self(signedIn), body: {} },
  { route: 'DELETE /auth/me', cases: self(signedIn), body: {} },
  { route: 'POST /auth/me/logout-all', cases: self(signedIn), endsSessions: true },
  { route: 'POST /auth/2fa/enable', cases: self(signedIn), body: {} },
  { route: 'POST /auth/2fa/confirm', cases: self(signedIn), body: {} },
  { route: 'POST /auth/2fa/disable', cases: self(signedIn), body: {} },
  { route: 'GET /auth/admin/users', cases: self(adminsOnly) },
  // The owner's own role again: allowed, and it changes nothing (no session of the owner ends).
  { route: 'PUT /auth/admin/users/:id/role', cases: [{ on: { kind: 'user-id' }, expect: adminsOnly }], body: { role: 'user' } },

  // transactions: a user's own money; admins may read anyone's, moderators may not
  {
    route: 'GET /balances/:id',
    cases: [{ on: { kind: 'user-id' }, expect: answers('denied-401', 'allowed', 'denied-403', 'denied-403', 'allowed') }],
  },
  { route: 'GET /transactions', cases: self(signedIn) },
  { route: 'POST /withdraw', cases: self(signedIn), body: {} },
  { route: 'GET /withdraw/terms', cases: self(signedIn) },
  { route: 'GET /withdrawals', cases: self(signedIn) },
  {
    route: 'GET /withdrawals/:id',
    cases: [{ on: { kind: 'withdrawal' }, expect: answers('denied-401', 'allowed', 'not-found-404', 'not-found-404', 'allowed') }],
  },
  { route: 'GET /admin/ledger/summary', cases: self(adminsOnly) },
  { route: 'GET /admin/withdrawals', cases: self(adminsOnly) },
  {
    route: 'POST /admin/ledger/corrections',
    cases: self(adminsOnly),
    body: ({ caller, ownerId }: RequestContext) => ({
      key: `matrix-${caller}`,
      account: `USER:${ownerId}`,
      direction: 'CREDIT',
      amount: '0.001',
      reason: 'authorization matrix check',
    }),
  },

  // offers: the book is public; an offer is changed by its owner alone (404 to anyone else, staff too)
  { route: 'GET /offers', cases: self(everyone) },
  { route: 'POST /offers', cases: self(signedIn), body: {} },
  { route: 'GET /offers/:id', cases: [{ on: { kind: 'offer' }, expect: everyone }] },
  {
    route: 'PATCH /offers/:id',
    cases: [{ on: { kind: 'offer' }, expect: answers('denied-401', 'allowed', 'not-found-404', 'not-found-404', 'not-found-404') }],
    body: { paymentWindowMinutes: 45 },
  },
  {
    route: 'DELETE /offers/:id',
    cases: [{ on: { kind: 'offer' }, expect: answers('denied-401', 'allowed', 'not-found-404', 'not-found-404', 'not-found-404') }],
  },
  // Anyone signed in takes an offer; its owner gets a 422 (not with yourself): past the guard.
  {
    route: 'POST /offers/:id/trades',
    cases: [{ on: { kind: 'offer' }, expect: signedIn }],
    body: { amount: '0.5', paymentMethod: 'SEPA' },
  },
  { route: 'GET /me/offers', cases: self(signedIn) },

  // trades: the parties; moderators and admins once disputed, to read and to chat, never to act for a party
  { route: 'GET /trades', cases: self(signedIn) },
  {
    route: 'GET /trades/:id',
    cases: [
      { on: trade('AWAITING_PAYMENT'), expect: partiesOnly },
      { on: trade('DISPUTED'), expect: partiesAndStaff },
    ],
  },
  { route: 'POST /trades/:id/paid', cases: [{ on: trade('AWAITING_PAYMENT'), expect: partiesOnly }, disputed()] },
  {
    route: 'POST /trades/:id/release',
    cases: [{ on: trade('PAYMENT_SENT', 'seller'), expect: partiesOnly }, disputed('seller')],
    body: {},
  },
  { route: 'POST /trades/:id/cancel', cases: [{ on: trade('AWAITING_PAYMENT'), expect: partiesOnly }, disputed()] },
  {
    route: 'PUT /trades/:id/payment-details',
    cases: [{ on: trade('AWAITING_PAYMENT', 'seller'), expect: partiesOnly }, disputed('seller')],
    body: { paymentDetails: 'IBAN FR76 3000 6000 0112 3456 7890 189' },
  },
  {
    route: 'POST /trades/:id/dispute',
    cases: [{ on: trade('PAYMENT_SENT'), expect: partiesOnly }, disputed()],
    body: { reason: 'the payment never arrived' },
  },
  {
    route: 'POST /trades/:id/feedback',
    cases: [{ on: trade('COMPLETED'), expect: partiesOnly }, disputed()],
    body: { rating: 'POSITIVE' },
  },
  {
    route: 'GET /trades/:id/messages',
    cases: [
      { on: trade('AWAITING_PAYMENT'), expect: partiesOnly },
      { on: trade('DISPUTED'), expect: partiesAndStaff },
    ],
  },
  {
    route: 'POST /trades/:id/messages',
    cases: [
      { on: trade('AWAITING_PAYMENT'), expect: partiesOnly },
      { on: trade('DISPUTED'), expect: partiesAndStaff },
    ],
    body: { body: 'hello' },
  },
  { route: 'GET /users/:id', cases: [{ on: { kind: 'username' }, expect: everyone }] },
  { route: 'GET /prices/:id', cases: [{ on: { kind: 'currency' }, expect: everyone }] },
  { route: 'PUT /admin/prices/:id', cases: [{ on: { kind: 'currency' }, expect: adminsOnly }], body: { price: '150.00' } },
  { route: 'GET /admin/disputes', cases: self(staffOnly) },
  // The owner is a party of the disputed trade: a plain user, refused by role.
  {
    route: 'POST /admin/disputes/:id/resolve',
    cases: [{ on: trade('DISPUTED'), expect: staffOnly }],
    body: { winner: 'SELLER', note: 'bank statement checked' },
  },

  // wallet manager: the caller's own deposits; the hot wallet for admins; the faucet on regtest only
  { route: 'GET /wallet/deposit-address', cases: self(signedIn) },
  { route: 'GET /wallet/deposits', cases: self(signedIn) },
  { route: 'POST /admin/withdraw/execute', cases: self(adminsOnly), body: { withdrawalId: '1' } },
  { route: 'GET /admin/wallet/reconcile', cases: self(adminsOnly) },
  { route: 'POST /dev/faucet', cases: self(signedIn), body: { amount: '1' } },
];
