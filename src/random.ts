import { createHash, randomFillSync, randomUUID } from 'node:crypto'

// Where every id, slug suffix and secret the app makes comes from. By default the machine's CSPRNG;
// with --deterministic a generator seeded by a number, so that two servers fed the same requests
// make the same ids and secrets.
export interface Random {
  bytes(length: number): Buffer
  uuid(): string
}

// Drawn from the CSPRNG a few kilobytes at a time, as randomUUID does: one draw costs ~2.5 µs
// whatever its size, and a create needs several. Each caller gets a copy no one else holds.
const POOL_BYTES = 4096
const pool = Buffer.allocUnsafeSlow(POOL_BYTES)
let used = POOL_BYTES

function cryptoBytes (length: number): Buffer {
  if (length > POOL_BYTES) return randomFillSync(Buffer.allocUnsafe(length))
  if (used + length > POOL_BYTES) {
    randomFillSync(pool)
    used = 0
  }
  const bytes = Buffer.from(pool.subarray(used, used += length))
  pool.fill(0, used - length, used)
  return bytes
}

export const cryptoRandom: Random = { bytes: cryptoBytes, uuid: () => randomUUID() }

/**
 * SHA-256 of the seed and a counter, block after block: reproducible, and as unguessable as the seed.
 * Its ids count up in their first eight hex digits: lists break ties of `created_at` by id
 * (CONFORMANCE), and under the frozen clock that comes with it whatever a test makes shares one
 * time, so ids that count up list it in the order it was made.
 */
export function seededRandom (seed: number): Random {
  let counter = 0
  let ids = 0
  const bytes = (length: number): Buffer => {
    const blocks: Buffer[] = []
    for (let made = 0; made < length; made += 32) blocks.push(createHash('sha256').update(`portkey-mock:${seed}:${counter++}`).digest())
    return Buffer.concat(blocks).subarray(0, length)
  }
  return {
    bytes,
    uuid () {
      // RFC 9562 version 4 layout: the version and variant bits set, the first four bytes the count
      // of ids made, the rest from the generator.
      const b = bytes(16)
      b.writeUInt32BE(++ids % 0x1_0000_0000, 0)
      b[6] = (b[6] & 0x0f) | 0x40
      b[8] = (b[8] & 0x3f) | 0x80
      const hex = b.toString('hex')
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
    },
  }
}
