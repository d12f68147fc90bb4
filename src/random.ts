import { createHash, randomBytes, randomUUID } from 'node:crypto'

// Where every id, slug suffix and secret the app makes comes from. By default the machine's CSPRNG;
// with --deterministic a generator seeded by a number, so that two servers fed the same requests
// make the same ids and secrets.
export interface Random {
  bytes(length: number): Buffer
  uuid(): string
}

export const cryptoRandom: Random = { bytes: length => randomBytes(length), uuid: () => randomUUID() }

/** SHA-256 of the seed and a counter, block after block: reproducible, and as unguessable as the seed. */
export function seededRandom (seed: number): Random {
  let counter = 0
  const bytes = (length: number): Buffer => {
    const blocks: Buffer[] = []
    for (let made = 0; made < length; made += 32) blocks.push(createHash('sha256').update(`portkey-mock:${seed}:${counter++}`).digest())
    return Buffer.concat(blocks).subarray(0, length)
  }
  return {
    bytes,
    uuid () {
      // RFC 9562 version 4 layout: the version and variant bits set, the rest from the generator.
      const b = bytes(16)
      b[6] = (b[6] & 0x0f) | 0x40
      b[8] = (b[8] & 0x3f) | 0x80
      const hex = b.toString('hex')
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
    },
  }
}
