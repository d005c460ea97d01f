// The fuzz at full size: every public route of a real gateway (login, transactions, offers and the
// wallet manager on a regtest chain, one fresh database), requests generated from the gateway's own
// /openapi.json with hostile parts mixed in, as anonymous, a plain user and an admin, `concurrency`
// at a time. Checks every answer (no 5xx, no leak, the common error shape) and, after each batch
// refused whole, that the database holds what it held before. One at a time (the default), every
// refused request is checked on its own; with more, only batches with no success among them are.
//
//   pnpm fuzz [requests=30000] [--concurrency 1] [--seed 1212] [--out file.json]
//
// Prints the figures (docs/security.md, "Fuzz") and exits 1 on any finding.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type Finding, fuzzOf, playBatch, type Snapshot, startFuzzStack, Tally } from '@pupero/gateway/testing';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { concurrency: { type: 'string', default: '1' }, seed: { type: 'string', default: '1212' }, out: { type: 'string' } },
});
const total = Number(positionals[0] ?? 30_000);
const concurrency = Number(values.concurrency);
const seed = Number(values.seed);
if (!Number.isInteger(total) || total < 1 || !Number.isInteger(concurrency) || concurrency < 1) {
  console.error('usage: pnpm fuzz [requests] [--concurrency N] [--seed N] [--out file.json]');
  process.exit(2);
}

const log = (line: string) => process.stdout.write(`${line}\n`);
const started = Date.now();
const stack = await startFuzzStack();
const fuzz = await fuzzOf(stack);
log(
  `stack up in ${((Date.now() - started) / 1000).toFixed(1)} s; ${fuzz.operations.length} operations; ${total} requests, ${concurrency} at a time, seed ${seed}`,
);

const tally = new Tally();
const fuzzStarted = Date.now();
let snapshot: Snapshot | undefined;
const CHUNK = 1_000;
try {
  for (let chunk = 0; chunk * CHUNK < total; chunk += 1) {
    const requests = fuzz.sample(Math.min(CHUNK, total - chunk * CHUNK), seed + chunk);
    for (let i = 0; i < requests.length; i += concurrency) {
      snapshot = await playBatch(fuzz.target, requests.slice(i, i + concurrency), tally, snapshot);
    }
    if ((chunk + 1) % 5 === 0)
      log(`  ${tally.requests} requests, ${tally.findings.length} findings, ${((Date.now() - fuzzStarted) / 1000).toFixed(0)} s`);
  }
} finally {
  await fuzz.close();
  await stack.stop();
}

const seconds = (Date.now() - fuzzStarted) / 1000;
const kinds = new Map<string, Finding[]>();
for (const finding of tally.findings) {
  const kind = finding.problem.split(':')[0]!;
  kinds.set(kind, [...(kinds.get(kind) ?? []), finding]);
}
const report = {
  requests: tally.requests,
  seconds: Math.round(seconds),
  perSecond: Math.round(tally.requests / seconds),
  operations: tally.operations.size,
  byClass: tally.byClass(),
  byStatus: Object.fromEntries([...tally.statuses].sort(([a], [b]) => a - b)),
  hostileParts: Object.fromEntries(tally.hostileParts),
  rejectedBatchesCompared: tally.rejectedBatches,
  rejectedRequestsCompared: tally.rejectedChecked,
  batchesWithASuccess: tally.mixedBatches,
  perOperation: Object.fromEntries([...tally.operations].sort(([a], [b]) => a.localeCompare(b))),
  slowest: tally.slowest.map(
    ({ milliseconds, status, request }) => `${milliseconds} ms ${status} ${request.caller} ${request.method} ${request.url.slice(0, 120)}`,
  ),
  findings: tally.findings.length,
  findingKinds: Object.fromEntries([...kinds].map(([kind, list]) => [kind, list.length])),
  examples: [...kinds.values()].flatMap((list) => list.slice(0, 3)),
};
if (values.out) writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`);
log(JSON.stringify({ ...report, perOperation: undefined, examples: undefined }, null, 2));
for (const example of report.examples) {
  const { request } = example;
  log(`\n${example.problem}\n  ${request.caller} ${request.method} ${request.url.slice(0, 300)} → ${example.status}`);
  log(
    `  headers ${JSON.stringify(request.headers).slice(0, 300)}\n  body ${String(request.body).slice(0, 300)}\n  answer ${example.body.slice(0, 300)}`,
  );
}
process.exit(tally.findings.length === 0 ? 0 : 1);
