import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { packageFile } from '../package-files.js'

const MIGRATIONS = fileURLToPath(packageFile('migrations/'))
const MIGRATION_FILE = /^(\d{3})\.do\.[\w-]+\.sql$/

export type Db = Database.Database

/**
 * An in-memory database made from an image of an in-memory store (Store.image()), migrated like any
 * other. A file store's image, in WAL mode, is only ever written back to its file.
 */
export function openImage (image: Buffer): Db {
  const db = new Database(image)
  db.pragma('foreign_keys = ON')
  migrate(db)
  return db
}

export function openDatabase (path: string): Db {
  const db = new Database(path)
  try {
    db.pragma('foreign_keys = ON')
    if (path !== ':memory:') claim(db)
    migrate(db)
  } catch (error) {
    db.close()
    throw error
  }
  return db
}

// A file serves one process at a time: the connection takes the file's lock now and holds it until
// it closes, so that a second server on the same file stops at its start, where it would answer
// from caches (authentication, src/db/until-written.ts) that the first one's writes never reach.
// Locked so from the first access, WAL keeps its index in this process's memory (no -shm file).
// WAL lets a write append rather than rewrite pages; NORMAL syncs at checkpoints, which survives a
// crash of this process (what a test run can do to it), though not necessarily of the machine.
function claim (db: Db): void {
  // Time for a server stopping as the next one starts to let go.
  db.pragma('busy_timeout = 1000')
  try {
    db.pragma('locking_mode = EXCLUSIVE')
    db.pragma('journal_mode = WAL')
    db.exec('BEGIN IMMEDIATE; COMMIT')
  } catch (error) {
    if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error
    throw new Error('another server has it open (a store file serves one server at a time)', { cause: error })
  }
  db.pragma('synchronous = NORMAL')
}

// Applies each numbered file after the database's `user_version`, each in its own transaction
// together with the version it brings the database to, so a failed migration leaves no trace.
// Foreign keys are off while they run, so that a migration may rebuild a table others refer to
// (SQLite's own procedure); every reference must still hold before each one commits. The files are
// the package's own, or, in a test, those of another directory.
export function migrate (db: Db, directory = MIGRATIONS): void {
  const files = readdirSync(directory).filter(f => MIGRATION_FILE.test(f)).sort()
  files.forEach((file, index) => {
    if (Number(MIGRATION_FILE.exec(file)![1]) !== index + 1) throw new Error(`migrations must be numbered 001, 002, ... without gaps: ${file}`)
  })
  const current = db.pragma('user_version', { simple: true }) as number
  if (current > files.length) {
    throw new Error(`the database is at migration ${current}, newer than this portkey-mock knows (${files.length})`)
  }
  if (current === files.length) return
  const enforced = db.pragma('foreign_keys', { simple: true }) === 1
  db.pragma('foreign_keys = OFF')
  try {
    for (const [index, file] of files.entries()) {
      if (index < current) continue
      const sql = readFileSync(join(directory, file), 'utf8')
      db.transaction(() => {
        db.exec(sql)
        const broken = db.pragma('foreign_key_check') as { table: string }[]
        if (broken.length > 0) throw new Error(`migration ${file} breaks a reference from ${broken[0].table}`)
        db.pragma(`user_version = ${index + 1}`)
      })()
    }
  } finally {
    if (enforced) db.pragma('foreign_keys = ON')
  }
}
