import type { Db } from './open.js'

// A table's (or a view's) columns, declared once: the SQL that reads and writes every one of them,
// and the codec between a row and the record the code works with. Records have one field per column,
// named as the column. Rows are read as arrays (better-sqlite3's raw mode), which costs a third of
// building an object per row; the declaration fixes their order.

/** How a column holds its field: as SQLite stores it, or as JSON text (the API's own shapes). */
export type ColumnKind = 'value' | 'json'

/** What reads a table or a view. */
export interface View<T> {
  readonly name: string
  readonly columns: readonly (keyof T & string)[]
  /** `SELECT <every column> FROM <name>`, for a statement to go on with WHERE and ORDER BY. */
  readonly select: string
  decode (row: unknown[]): T
  /** A row a statement may not have found, decoded. */
  maybe (row: unknown[] | undefined): T | undefined
}

export interface Table<T> extends View<T> {
  /** `INSERT` of every column, from the named parameters encode() gives. */
  readonly insert: string
  /** `INSERT` of every column and of `extra`, columns the record does not hold, each from the named parameter of its name. */
  insertWith (extra: readonly string[]): string
  /** `UPDATE` of every column but the unchanging ones, for the row whose `key` matches. */
  update (unchanging: readonly (keyof T & string)[], key: keyof T & string): string
  encode (record: T): Record<string, unknown>
}

type Kinds<T> = { [K in keyof T]-?: ColumnKind }

const columnsOf = <T>(kinds: Kinds<T>) => {
  const columns = Object.keys(kinds) as (keyof T & string)[]
  return { columns, isJson: columns.map(column => kinds[column] === 'json') }
}

export function view<T> (name: string, kinds: Kinds<T>): View<T> {
  const { columns, isJson } = columnsOf(kinds)
  const decode = literal<unknown[], T>('decode', 'row', columns, (_, i) => isJson[i] ? `row[${i}] === null ? null : parse(row[${i}])` : `row[${i}]`)
  return {
    name,
    columns,
    select: `SELECT ${columns.join(', ')} FROM ${name}`,
    decode,
    maybe: row => row === undefined ? undefined : decode(row),
  }
}

export function table<T> (name: string, kinds: Kinds<T>): Table<T> {
  const { columns, isJson } = columnsOf(kinds)
  const insertWith = (extra: readonly string[]): string => {
    const all = [...columns, ...extra]
    return `INSERT INTO ${name} (${all.join(', ')}) VALUES (${all.map(c => `@${c}`).join(', ')})`
  }
  return {
    ...view<T>(name, kinds),
    insert: insertWith([]),
    insertWith,
    update: (unchanging, key) =>
      `UPDATE ${name} SET ${columns.filter(c => !unchanging.includes(c)).map(c => `${c} = @${c}`).join(', ')} WHERE ${key} = @${key}`,
    encode: literal<T, Record<string, unknown>>('encode', 'record', columns,
      (column, i) => isJson[i] ? `record.${column} === null ? null : JSON.stringify(record.${column})` : `record.${column}`),
  }
}

// JSON columns repeat: keys share their scopes and limits, workspaces their guardrails. A text read
// before is handed back as the value it parsed to, frozen, so that no reader can change what another
// was given; a long text is parsed each time. A key's row decodes in a third of the time (0.4 µs
// against 1.25, four JSON columns); hashing a text costs a fraction of parsing it.
const SHARED_TEXTS = 4096
const LONGEST_SHARED = 512
const shared = new Map<string, unknown>()

/** A JSON column's value, shared with every other read of the same text; frozen. */
export function parseColumn (text: string): unknown {
  if (text.length > LONGEST_SHARED) return JSON.parse(text)
  let value = shared.get(text)
  if (value === undefined) {
    if (shared.size === SHARED_TEXTS) shared.clear()
    value = deepFreeze(JSON.parse(text))
    shared.set(text, value)
  }
  return value
}

function deepFreeze<T> (value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner)
    Object.freeze(value)
  }
  return value
}

// A row's decoder and a record's encoder are each written out as one object literal, field by
// field: every object made has one shape from its birth, and every field is read by its name.
// Filling an empty object field by field cost a key's decode 1.5 µs more; reading fields by computed
// names cost its encode 1.2 µs more (1.6 against 0.4 µs). The column names are the table's own
// declaration, checked to be plain identifiers.
function literal<In, Out> (name: string, parameter: string, columns: readonly string[], valueOf: (column: string, i: number) => string): (input: In) => Out {
  const fields = columns.map((column, i) => {
    if (!/^[a-z_][a-z0-9_]*$/.test(column)) throw new Error(`not a column name: ${column}`)
    return `${column}: ${valueOf(column, i)}`
  })
  // eslint-disable-next-line no-new-func
  return new Function('parse', `return function ${name} (${parameter}) { return { ${fields.join(', ')} } }`)(parseColumn)
}

/** What a repository of one table does the same way for every resource: write a record, by its id. */
export class TableRepository<T extends { id: string }> {
  readonly #insert
  readonly #update
  readonly #delete

  constructor (db: Db, protected readonly table: Table<T>, unchanging: readonly (keyof T & string)[]) {
    this.#insert = db.prepare<Record<string, unknown>>(table.insert)
    this.#update = db.prepare<Record<string, unknown>>(table.update(['id', ...unchanging], 'id'))
    this.#delete = db.prepare<[string]>(`DELETE FROM ${table.name} WHERE id = ?`)
  }

  insert (record: T): void { this.#insert.run(this.table.encode(record)) }
  /** Replaces every field but the id and the unchanging ones. */
  update (record: T): void { this.#update.run(this.table.encode(record)) }
  delete (id: string): void { this.#delete.run(id) }
}
