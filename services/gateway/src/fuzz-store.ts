import { mariadbConfig, tableAccess } from '@pupero/shared/db';
import mariadb from 'mariadb';

/**
 * Audit rows a refused request writes on purpose: the login throttles count them. Everything else
 * a 4xx leaves behind is a finding.
 */
export const FAILURE_RECORDS = ['LOGIN_FAILED', 'SECOND_FACTOR_FAILED', 'SESSION_PASSWORD_FAILED', 'REFRESH_TOKEN_REUSED'] as const;

/**
 * Tables compared by row count only: the outbox relay marks rows published after the request that
 * wrote them answered; the audit log's failure rows are allowed (FAILURE_RECORDS). Every other
 * table is compared by content (CHECKSUM TABLE): an update counts as much as an insert.
 */
const COUNTED_ONLY = new Set(['outbox', 'audit_log']);

export type Snapshot = Record<string, string>;

export interface StoreProbe {
  snapshot(): Promise<Snapshot>;
  close(): Promise<void>;
}

/** What the database holds, table by table, read as root (every table of the grants map, so a new one is included). */
export async function openStoreProbe(databaseUrl: string): Promise<StoreProbe> {
  const connection = await mariadb.createConnection(mariadbConfig(databaseUrl));
  const tables = Object.keys(tableAccess);
  const checksummed = tables.filter((table) => !COUNTED_ONLY.has(table));
  const failures = FAILURE_RECORDS.map((action) => `'${action}'`).join(', ');
  const counts = [
    ...tables.filter((table) => table !== 'audit_log').map((table) => `(SELECT COUNT(*) FROM \`${table}\`) AS \`${table}\``),
    `(SELECT COUNT(*) FROM audit_log WHERE action NOT IN (${failures})) AS audit_log`,
  ].join(', ');
  return {
    async snapshot() {
      const [row] = (await connection.query(`SELECT ${counts}`)) as Record<string, bigint>[];
      const sums = (await connection.query(`CHECKSUM TABLE ${checksummed.map((t) => `\`${t}\``).join(', ')}`)) as {
        Table: string;
        Checksum: bigint | number | null;
      }[];
      const snapshot: Snapshot = {};
      for (const [table, count] of Object.entries(row ?? {})) snapshot[`${table} rows`] = String(count);
      for (const { Table, Checksum } of sums) snapshot[`${Table.split('.').pop()} content`] = String(Checksum);
      return snapshot;
    },
    close: () => connection.end(),
  };
}

/** The entries that differ between two snapshots, as `table rows: 3 → 4`. */
export function changesBetween(before: Snapshot, after: Snapshot): string[] {
  return Object.keys(after)
    .filter((key) => before[key] !== after[key])
    .map((key) => `${key}: ${before[key]} → ${after[key]}`);
}
