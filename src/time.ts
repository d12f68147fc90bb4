// Instants as the clients exchange them. Every date a request carries is read here, and only what
// every client can read back is accepted: RFC 3339 with a four-digit year and a colon in the offset
// (Go's time.Parse, which the Terraform provider uses), no leap second (Go refuses `:60`, and
// JavaScript cannot represent one), and, once the offset is applied, a UTC year from 0001 to 9999
// (Python's datetime has no year 0, and later years need more than four digits). Answers always
// render as `toISOString()` does, in UTC to the millisecond; finer fractions are truncated.

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/

// Date.UTC would read years 0 to 99 as 1900 to 1999; setUTCFullYear does not.
function utc (year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number {
  const date = new Date(0)
  date.setUTCFullYear(year, month - 1, day)
  return date.setUTCHours(hour, minute, second, ms)
}

const EARLIEST = utc(1, 1, 1)
export const LATEST = utc(9999, 12, 31, 23, 59, 59, 999)

const isLeapYear = (year: number) => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
const daysIn = (year: number, month: number) => month === 2 && isLeapYear(year) ? 29 : DAYS[month - 1]

/** Milliseconds since the epoch, or undefined for anything outside the accepted form and range. */
export function parseInstant (text: string): number | undefined {
  const match = RFC3339.exec(text)
  if (!match) return undefined
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number)
  const [offsetHours, offsetMinutes] = [Number(match[9] ?? 0), Number(match[10] ?? 0)]
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59 ||
    offsetHours > 23 || offsetMinutes > 59) return undefined
  const ms = Number((match[7] ?? '0').slice(0, 3).padEnd(3, '0'))
  const offset = (match[8] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000
  const instant = utc(year, month, day, hour, minute, second, ms) - offset
  return instant >= EARLIEST && instant <= LATEST ? instant : undefined
}

/** What the validator has already accepted, as milliseconds. */
export function instantOf (text: string): number {
  const instant = parseInstant(text)
  if (instant === undefined) throw new Error(`not an accepted date-time: ${text}`)
  return instant
}

// Rendering an instant costs a Date and half a microsecond, and reads render the same few instants
// over and over (a row's creation, its last update): the last rendering of each is kept in a small
// table indexed by the instant's low bits. A pure function's memo, so always right.
const RENDERED_SLOTS = 4096
const renderedAt = new Float64Array(RENDERED_SLOTS).fill(Number.NaN)
const rendered = new Array<string>(RENDERED_SLOTS).fill('')

export function formatInstant (ms: number): string {
  const slot = ms & (RENDERED_SLOTS - 1)
  if (renderedAt[slot] !== ms) {
    rendered[slot] = new Date(ms).toISOString()
    renderedAt[slot] = ms
  }
  return rendered[slot]
}

export const DATE_TIME_RULE = 'must be an RFC 3339 date-time from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z, without a leap second'
