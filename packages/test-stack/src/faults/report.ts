import type { FaultsReport } from './run.ts';

/** The report an operator reads: counts first, then each fault, then anything wrong. */
export function formatReport(report: FaultsReport): string {
  const { requests: r, checks: c } = report;
  const byTarget = new Map<string, { graceful: number; kill: number }>();
  for (const f of report.faults) {
    const entry = byTarget.get(f.target) ?? { graceful: 0, kill: 0 };
    entry[f.mode] += 1;
    byTarget.set(f.target, entry);
  }
  const keyed = r.retried.filter((x) => x.keyed).length;
  const retriedOps = new Map<string, number>();
  for (const x of r.retried) retriedOps.set(x.op, (retriedOps.get(x.op) ?? 0) + 1);
  const lines = [
    `faults under load: ${report.pairs} trading pairs, ${report.durationSeconds} s`,
    `requests sent ${r.sent}, successes ${r.successes}, refusals (4xx) ${r.refusals}, retries ${r.retries} (${r.retried.length} operations retried, ${keyed} with the same Idempotency-Key), gave up ${r.gaveUp.length}`,
    `operations retried after no answer or a 5xx: ${[...retriedOps].map(([op, n]) => `${op} ${n}`).join(', ') || 'none'}`,
    `registrations ${report.registrations}`,
    `faults injected ${report.faults.length}: ${[...byTarget].map(([t, m]) => `${t} ${m.graceful} graceful + ${m.kill} kill -9`).join(', ')}`,
    `movements checked ${c.movementsChecked.total} (deposits ${c.movementsChecked.deposits}, trades ${c.movementsChecked.trades}, withdrawals ${c.movementsChecked.withdrawals}; ${c.movementsChecked.accounts} accounts balanced against their transfers and holds)`,
    `withdrawals by state ${JSON.stringify(c.withdrawalStates)}, received by the outside wallet ${c.receivedByOutsideWallet}`,
    `lost ${c.lost.length}, doubled ${c.doubled.length}, other problems ${c.problems.length}`,
    `ledger invariants ${JSON.stringify(c.invariants)}`,
    `reconcile ${JSON.stringify(c.reconcile)}`,
    `unhealthy at the end: ${report.unhealthyAtEnd.join(', ') || 'none'}`,
    'time to healthy after each fault (from the restart; the stop itself in down):',
    ...report.faults.map(
      (f) =>
        `  ${f.target.padEnd(15)} ${f.mode.padEnd(8)} down ${String(f.downMs).padStart(6)} ms  healthy after ${f.healthyAfterMs === null ? `NEVER (${f.stillUnhealthy.join(', ')})` : `${f.healthyAfterMs} ms`}`,
    ),
    ...[...c.lost.map((x) => `LOST ${x}`), ...c.doubled.map((x) => `DOUBLED ${x}`), ...c.problems.map((x) => `PROBLEM ${x}`)],
    ...r.gaveUp.map((x) => `GAVE UP ${x}`),
    ...report.anomalies.map((x) => `ANOMALY ${x}`),
  ];
  return lines.join('\n');
}

/** The report as JSON (bigints as strings). */
export const reportJson = (report: FaultsReport) =>
  JSON.stringify(report, (_key, value) => (typeof value === 'bigint' ? value.toString() : value), 2);
