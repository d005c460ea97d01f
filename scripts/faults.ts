// Faults under load at full size: a private MariaDB, RabbitMQ and regtest chain, the five back-end
// services as child processes, a workload of registrations, deposits, trades and withdrawals through
// the gateway, and every target (MariaDB, RabbitMQ, monerod, the platform's wallet-rpc, login,
// transactions, wallet-manager, offers, gateway) stopped both ways (SIGTERM; kill -9) and started
// again, `rounds` times. Then nothing may be lost or doubled, the ledger's invariants must hold, the
// wallet must cover the ledger and every service must be healthy again on its own.
//
//   pnpm faults [--rounds 2] [--users 6] [--gap 4] [--out .run/faults.json]
//
// Prints the report (docs/security.md, "Faults under load"), writes it as JSON, exits 1 on any finding.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { faultPlan, formatReport, reportJson, runFaults } from '@pupero/test-stack/faults';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '2' },
    users: { type: 'string', default: '6' },
    gap: { type: 'string', default: '4' },
    out: { type: 'string', default: '.run/faults.json' },
  },
});
const rounds = Number(values.rounds);
const pairs = Number(values.users);
const gapSeconds = Number(values.gap);
if (![rounds, pairs].every((n) => Number.isInteger(n) && n >= 1) || !(gapSeconds >= 0)) {
  console.error('usage: pnpm faults [--rounds N] [--users N (trading pairs)] [--gap seconds between faults] [--out file.json]');
  process.exit(2);
}

const log = (line: string) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
const report = await runFaults({ plan: faultPlan({ rounds, bothModes: true }), pairs, gapMs: gapSeconds * 1000, log });
process.stdout.write(`\n${formatReport(report)}\n`);
mkdirSync(path.dirname(path.resolve(values.out)), { recursive: true });
writeFileSync(values.out, reportJson(report));
log(`written to ${values.out}`);
const { lost, doubled, problems } = report.checks;
const unhealthy = report.faults.some((f) => f.healthyAfterMs === null) || report.unhealthyAtEnd.length > 0;
process.exit(lost.length + doubled.length + problems.length > 0 || unhealthy || report.requests.gaveUp.length > 0 ? 1 : 0);
