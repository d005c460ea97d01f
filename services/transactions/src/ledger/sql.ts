/**
 * Options for the ledger's connection pool. READ COMMITTED: every statement sees what is committed
 * when it runs, so a key looked up after the account locks were taken sees a same-key transfer that
 * committed while this one waited for them (and InnoDB takes no gap locks on plain lookups).
 */
export const ledgerPoolOptions = { sessionVariables: { tx_isolation: 'READ-COMMITTED' } };
