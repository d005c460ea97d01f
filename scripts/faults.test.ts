// Faults under load, the short run (scripts/faults.ts is the full one): every target restarted once
// while a small workload runs through the gateway, graceful and kill -9 alternating, then nothing
// lost or doubled, the invariants, the wallet's cover and every service healthy again on its own.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { faultPlan, formatReport, runFaults, targetNames } from '@pupero/test-stack/faults';

test('every part restarted under load: nothing lost or doubled, the ledger balanced and covered, all healthy again', {
  timeout: 600_000,
}, async () => {
  const plan = faultPlan({ rounds: 1, bothModes: false });
  assert.deepEqual(new Set(plan.map((f) => f.target)), new Set(targetNames));
  assert.deepEqual(new Set(plan.map((f) => f.mode)), new Set(['graceful', 'kill']));

  const began = Date.now();
  const log = (line: string) => console.log(`${((Date.now() - began) / 1000).toFixed(1)} s ${line}`);
  const report = await runFaults({ plan, pairs: 2, gapMs: 1500, downMs: 500, healthySeconds: 90, log });
  const text = formatReport(report);
  console.log(text);

  assert.equal(report.faults.length, targetNames.length);
  for (const fault of report.faults)
    assert.notEqual(fault.healthyAfterMs, null, `${fault.target} (${fault.mode}): not healthy again\n${text}`);
  assert.deepEqual(report.unhealthyAtEnd, []);
  assert.deepEqual(report.checks.lost, [], text);
  assert.deepEqual(report.checks.doubled, [], text);
  assert.deepEqual(report.checks.problems, [], text);
  assert.deepEqual(report.requests.gaveUp, [], text);
  assert.deepEqual(report.anomalies, [], text);
  // The workload did move money of every kind, and the faults hit it.
  assert.ok(
    report.checks.movementsChecked.deposits > 0 &&
      report.checks.movementsChecked.trades > 0 &&
      report.checks.movementsChecked.withdrawals > 0,
    text,
  );
  assert.ok(report.checks.receivedByOutsideWallet > 0, text);
});
