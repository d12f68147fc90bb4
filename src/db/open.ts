import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'

// Same depth under src/ and dist/, so this resolves to the repository's migrations/ from both.
const MIGRATIONS = fileURLToPath(new URL('../../migrations/', import.meta.url))
const MIGRATION_FILE = /^(\d{3})\.do\.[\w-]+\.sql$/

export type Db = Database.Database

export function openDatabase (path: string): Db {
  const db = new Database(path)
  db.pragma('foreign_keys = ON')
  if (path !== ':memory:') {
    // WAL lets reads run beside a write; NORMAL syncs at checkpoints, which survives a crash of
    // this process (what a test run can do to it), though not necessarily of the machine.
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    db.pragma('busy_timeout = 5000')
  }
  try {
    migrate(db)
  } catch (error) {
    db.close()
    throw error
  }
  return db
}

// Applies each numbered file after the database's `user_version`, each in its own transaction
// together with the version it brings the database to, so a failed migration leaves no trace.
export function migrate (db: Db): void {
  const files = readdirSync(MIGRATIONS).filter(f => MIGRATION_FILE.test(f)).sort()
  files.forEach((file, index) => {
    if (Number(MIGRATION_FILE.exec(file)![1]) !== index + 1) throw new Error(`migrations must be numbered 001, 002, ... without gaps: ${file}`)
  })
  const current = db.pragma('user_version', { simple: true }) as number
  if (current > files.length) {
    throw new Error(`the database is at migration ${current}, newer than this portkey-mock knows (${files.length})`)
  }
  for (const [index, file] of files.entries()) {
    if (index < current) continue
    const sql = readFileSync(MIGRATIONS + file, 'utf8')
    db.transaction(() => {
      db.exec(sql)
      db.pragma(`user_version = ${index + 1}`)
    })()
  }
}
