import { readFile } from 'node:fs/promises';
import internals from '@prisma/internals';
import mariadb from 'mariadb';
import { mariadbConfig } from './connection.ts';

/**
 * Describes a schema as a set of facts ("users.email varchar(254) NOT NULL", "users UNIQUE (email)",
 * "refresh_tokens (user_id) -> users (id) ON DELETE CASCADE"), once from schema.prisma and once from
 * a migrated database, so a test can show every difference between the two.
 */
type DmmfModel = Awaited<ReturnType<typeof internals.getDMMF>>['datamodel']['models'][number];
type DmmfField = DmmfModel['fields'][number];

const defaultTypes: Record<string, string> = {
  String: 'varchar(191)',
  Int: 'int',
  BigInt: 'bigint',
  Boolean: 'tinyint',
  DateTime: 'datetime(3)',
  Decimal: 'decimal(65,30)',
  Json: 'longtext',
  Float: 'double',
};

export async function factsFromSchema(schemaPath: string): Promise<Set<string>> {
  const dmmf = await internals.getDMMF({ datamodel: await readFile(schemaPath, 'utf8') });
  const enums = new Map(dmmf.datamodel.enums.map((e) => [e.name, e.values.map((v) => v.dbName ?? v.name)]));
  const facts = new Set<string>();
  const tableOf = new Map(dmmf.datamodel.models.map((m) => [m.name, m.dbName ?? m.name]));
  const columnOf = (model: DmmfModel, field: string) => {
    const f = model.fields.find((x) => x.name === field);
    return f?.dbName ?? field;
  };
  for (const model of dmmf.datamodel.models) {
    const table = tableOf.get(model.name)!;
    facts.add(`table ${table}`);
    for (const field of model.fields) {
      if (field.kind === 'object') {
        addForeignKey(facts, table, model, field, tableOf, dmmf.datamodel.models);
        continue;
      }
      const type = field.kind === 'enum' ? `enum(${enums.get(field.type)!.join(',')})` : nativeType(field);
      facts.add(`${table}.${field.dbName ?? field.name} ${type} ${field.isRequired ? 'NOT NULL' : 'NULL'}`);
    }
  }
  for (const index of dmmf.datamodel.indexes) {
    const model = dmmf.datamodel.models.find((m) => m.name === index.model)!;
    const kind = index.type === 'id' ? 'PRIMARY' : index.type === 'unique' ? 'UNIQUE' : 'INDEX';
    facts.add(`${tableOf.get(model.name)} ${kind} (${index.fields.map((f) => columnOf(model, f.name)).join(',')})`);
  }
  return facts;
}

function nativeType(field: DmmfField): string {
  const native = field.nativeType as [string, string[]] | null | undefined;
  if (!native) return defaultTypes[field.type] ?? field.type.toLowerCase();
  const [name, args] = native;
  const base = name.toLowerCase().replace(/^unsigned(.*)$/, '$1 unsigned');
  return args.length ? `${base}(${args.join(',')})` : base;
}

function addForeignKey(
  facts: Set<string>,
  table: string,
  model: DmmfModel,
  field: DmmfField,
  tableOf: Map<string, string>,
  models: readonly DmmfModel[],
) {
  if (!field.relationFromFields?.length) return;
  const target = models.find((m) => m.name === field.type)!;
  const cols = (m: DmmfModel, names: readonly string[]) => names.map((n) => m.fields.find((f) => f.name === n)?.dbName ?? n).join(',');
  const onDelete = (field.relationOnDelete ?? (field.isRequired ? 'Restrict' : 'SetNull'))
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toUpperCase();
  facts.add(
    `${table} (${cols(model, field.relationFromFields)}) -> ${tableOf.get(target.name)} (${cols(target, field.relationToFields ?? [])}) ON DELETE ${onDelete}`,
  );
}

export async function factsFromDatabase(databaseUrl: string): Promise<Set<string>> {
  const conn = await mariadb.createConnection(mariadbConfig(databaseUrl));
  try {
    const db = mariadbConfig(databaseUrl).database;
    const facts = new Set<string>();
    const tables: { t: string }[] = await conn.query(
      "SELECT TABLE_NAME t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME <> '_prisma_migrations'",
      [db],
    );
    for (const { t } of tables) facts.add(`table ${t}`);
    const columns: Record<string, string | number | null>[] = await conn.query(
      "SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE, DATETIME_PRECISION, IS_NULLABLE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME <> '_prisma_migrations'",
      [db],
    );
    for (const c of columns)
      facts.add(`${c.TABLE_NAME}.${c.COLUMN_NAME} ${columnType(c)} ${c.IS_NULLABLE === 'YES' ? 'NULL' : 'NOT NULL'}`);
    const indexes: { TABLE_NAME: string; INDEX_NAME: string; NON_UNIQUE: number | bigint; cols: string }[] = await conn.query(
      "SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX) cols FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME <> '_prisma_migrations' GROUP BY TABLE_NAME, INDEX_NAME, NON_UNIQUE",
      [db],
    );
    for (const i of indexes) {
      const kind = i.INDEX_NAME === 'PRIMARY' ? 'PRIMARY' : Number(i.NON_UNIQUE) === 0 ? 'UNIQUE' : 'INDEX';
      facts.add(`${i.TABLE_NAME} ${kind} (${i.cols})`);
    }
    const fks: Record<string, string>[] = await conn.query(
      `SELECT k.TABLE_NAME, GROUP_CONCAT(k.COLUMN_NAME ORDER BY k.ORDINAL_POSITION) cols, k.REFERENCED_TABLE_NAME,
              GROUP_CONCAT(k.REFERENCED_COLUMN_NAME ORDER BY k.ORDINAL_POSITION) refs, r.DELETE_RULE
         FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.REFERENTIAL_CONSTRAINTS r
           ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
        WHERE k.TABLE_SCHEMA = ? AND k.REFERENCED_TABLE_NAME IS NOT NULL
        GROUP BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.REFERENCED_TABLE_NAME, r.DELETE_RULE`,
      [db],
    );
    for (const f of fks) facts.add(`${f.TABLE_NAME} (${f.cols}) -> ${f.REFERENCED_TABLE_NAME} (${f.refs}) ON DELETE ${f.DELETE_RULE}`);
    return facts;
  } finally {
    await conn.end();
  }
}

function columnType(c: Record<string, string | number | null>): string {
  const type = String(c.DATA_TYPE);
  const unsigned = String(c.COLUMN_TYPE).includes('unsigned') ? ' unsigned' : '';
  if (type === 'enum') return String(c.COLUMN_TYPE).replaceAll("'", '').replaceAll(', ', ',');
  if (type === 'varchar' || type === 'char') return `${type}(${c.CHARACTER_MAXIMUM_LENGTH})`;
  if (type === 'datetime' || type === 'timestamp') return `${type}(${c.DATETIME_PRECISION})`;
  if (type === 'decimal') return `decimal(${c.NUMERIC_PRECISION},${c.NUMERIC_SCALE})`;
  return type + unsigned;
}
