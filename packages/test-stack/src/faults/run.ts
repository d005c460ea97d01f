import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { setRoleScript } from '@pupero/login/testing';
import { mariadbConfig } from '@pupero/shared/db';
import mariadb from 'mariadb';
import { type CheckReport, checkMovements } from './checks.ts';
import { apiClient, type ClientStats, newStats } from './client.ts';
import { type Platform, startPlatform, type TargetName, targetNames } from './platform.ts';
import { type FaultMode, pause } from './processes.ts';
import { root } from './services.ts';
import { journey, type Movements, newMovements, register, signIn, type User, type Workload } from './workload.ts';

export interface Fault {
  target: TargetName;
  mode: FaultMode;
}

export interface FaultRecord extends Fault {
  /** From the stop to the start again (the stop itself included: a graceful one waits for the exit). */
  downMs: number;
  /** From the start again until every service's /healthz answered 200; null if never within the bound. */
  healthyAfterMs: number | null;
  stillUnhealthy: string[];
}

export interface FaultsReport {
  pairs: number;
  durationSeconds: number;
  requests: ClientStats;
  registrations: number;
  faults: FaultRecord[];
  checks: CheckReport;
  unhealthyAtEnd: string[];
  anomalies: string[];
  /** Where the run's logs were (deleted at the end unless kept). */
  dir: string;
}

/** Every target once, graceful and kill -9 alternating (the short run), or every target both ways, `rounds` times. */
export function faultPlan(options: { rounds: number; bothModes: boolean }): Fault[] {
  const plan: Fault[] = [];
  for (let round = 0; round < options.rounds; round += 1) {
    targetNames.forEach((target, i) => {
      const first: FaultMode = (i + round) % 2 === 0 ? 'graceful' : 'kill';
      plan.push({ target, mode: first });
      if (options.bothModes) plan.push({ target, mode: first === 'kill' ? 'graceful' : 'kill' });
    });
  }
  return plan;
}

export interface RunOptions {
  plan: Fault[];
  /** Seller and buyer pairs trading at once. */
  pairs: number;
  /** Workload between two faults. */
  gapMs?: number;
  /** How long a stopped target stays down before it is started again. */
  downMs?: number;
  /** The bound on "healthy again". */
  healthySeconds?: number;
  log?: (line: string) => void;
  /** Keeps the run's directory (logs, data) for a look afterwards. */
  keep?: boolean;
}

/**
 * The proof: a workload through the gateway while each target is stopped and started again, then
 * the settled ledger, chain and outside wallet checked against every success the clients got.
 */
export async function runFaults(options: RunOptions): Promise<FaultsReport> {
  const log = options.log ?? (() => undefined);
  const began = Date.now();
  const platform = await startPlatform({ log, keep: options.keep });
  try {
    const stats = newStats();
    const api = apiClient(platform.gatewayUrl, stats);
    const moves = newMovements();
    const admin = await makeAdmin(platform, api, moves);
    let stopped = false;
    const w: Workload = { api, moves, admin, outside: platform.chain.externalAddress, stopped: () => stopped, anomalies: [] };
    const miner = startMiner(platform);
    log(`workload: ${options.pairs} pairs through ${platform.gatewayUrl}`);
    const journeys = Array.from({ length: options.pairs }, (_, n) =>
      journey(w, n, () => platform.chain.mine(1)).catch((error: Error) => w.anomalies.push(`journey ${n}: ${error.message}`)),
    );
    await waitFor(() => moves.trades.length >= options.pairs, 180);
    const faults: FaultRecord[] = [];
    for (const fault of options.plan) {
      await pause(options.gapMs ?? 3000);
      const record = await inject(platform, fault, options);
      faults.push(record);
      log(
        `${fault.target} ${fault.mode}: down ${record.downMs} ms, healthy again after ${record.healthyAfterMs ?? 'never'} ms (${stats.sent} requests so far)`,
      );
    }
    stopped = true;
    await Promise.all(journeys);
    log('faults over; settling');
    await settle(platform, moves, log);
    miner.stop();
    const checks = await checkMovements({ databaseUrl: platform.adminDatabaseUrl, moves, outside: platform.chain.external, api, admin });
    return {
      pairs: options.pairs,
      durationSeconds: Math.round((Date.now() - began) / 1000),
      requests: stats,
      registrations: moves.registrations,
      faults,
      checks,
      unhealthyAtEnd: await platform.unhealthy(),
      anomalies: w.anomalies,
      dir: platform.dir,
    };
  } finally {
    await platform.shutdown();
  }
}

async function inject(platform: Platform, fault: Fault, options: RunOptions): Promise<FaultRecord> {
  const target = platform.targets[fault.target];
  const stoppedAt = Date.now();
  await target.stop(fault.mode);
  await pause(options.downMs ?? 1000);
  const startedAt = Date.now();
  await target.start();
  // Nothing else is touched: every other part must find its way back by itself.
  const bound = Date.now() + (options.healthySeconds ?? 120) * 1000;
  let unhealthy = await platform.unhealthy();
  while (unhealthy.length > 0 && Date.now() < bound) {
    await pause(250);
    unhealthy = await platform.unhealthy();
  }
  return {
    ...fault,
    downMs: startedAt - stoppedAt,
    healthyAfterMs: unhealthy.length === 0 ? Date.now() - startedAt : null,
    stillUnhealthy: unhealthy,
  };
}

/** The admin that resolves disputes and reads the summary: made with login's own set-role script (`pnpm set-role`). */
async function makeAdmin(platform: Platform, api: ReturnType<typeof apiClient>, moves: Movements): Promise<User> {
  const user = await register(api, moves, 'admin');
  await promisify(execFile)(process.execPath, ['--import', 'tsx', setRoleScript, user.username, 'admin'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: platform.adminDatabaseUrl },
  });
  return signIn(api, user.username);
}

/** A block a second, as a regtest network would: deposits confirm, change unlocks, sends confirm. */
function startMiner(platform: Platform) {
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    await platform.chain.mine(1);
    busy = false;
  }, 1000);
  return { stop: () => clearInterval(timer) };
}

async function waitFor(probe: () => boolean | Promise<boolean>, seconds: number) {
  const deadline = Date.now() + seconds * 1000;
  while (!(await probe())) {
    if (Date.now() > deadline) return false;
    await pause(500);
  }
  return true;
}

async function count(databaseUrl: string, sql: string): Promise<number> {
  const conn = await mariadb.createConnection(mariadbConfig(databaseUrl));
  try {
    const [row] = (await conn.query(sql)) as { n: bigint | number }[];
    return Number(row?.n ?? 0);
  } finally {
    await conn.end();
  }
}

/**
 * Waits (the miner still running) until nothing is on its way: every withdrawal sent or refunded,
 * the outbox empty, every decided trade's escrow settled, every paid deposit credited; then mines
 * enough blocks for the wallet's change to unlock.
 */
async function settle(platform: Platform, moves: Movements, log: (line: string) => void) {
  const url = platform.adminDatabaseUrl;
  const txids = moves.deposits.map((d) => `'${d.txHash.replace(/[^0-9a-f]/g, '')}'`).join(',') || "''";
  const pending = async () =>
    (await count(url, "SELECT COUNT(*) AS n FROM withdrawals WHERE state IN ('PENDING', 'SENDING')")) +
    (await count(url, 'SELECT COUNT(*) AS n FROM outbox WHERE published_at IS NULL')) +
    (await count(
      url,
      "SELECT COUNT(*) AS n FROM trades WHERE (escrow = 'HELD' AND state IN ('COMPLETED', 'CANCELLED', 'RESOLVED')) OR (escrow = 'NONE' AND state = 'CANCELLED')",
    )) +
    moves.deposits.length -
    (await count(url, `SELECT COUNT(DISTINCT reference) AS n FROM transfers WHERE kind = 'DEPOSIT' AND reference IN (${txids})`));
  if (!(await waitFor(async () => (await pending()) === 0, 300))) log(`still ${await pending()} things on their way after 300 s`);
  for (let i = 0; i < 12; i += 1) await platform.chain.mine(1);
  // The wallet manager's wallet sees the last blocks a moment later.
  await pause(3000);
}
