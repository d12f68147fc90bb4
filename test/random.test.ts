import t from 'tap'
import { cryptoRandom, seededRandom } from '../src/random.js'

t.test('the CSPRNG source: fresh bytes of the length asked, across refills of its pool', async t => {
  const drawn = Array.from({ length: 10_000 }, () => cryptoRandom.bytes(24))
  t.equal(new Set(drawn.map(bytes => bytes.toString('hex'))).size, drawn.length, '10,000 secrets\' worth, all different')
  t.same([1, 3, 4096, 5000].map(length => cryptoRandom.bytes(length).length), [1, 3, 4096, 5000])
  t.notOk(cryptoRandom.bytes(5000).equals(cryptoRandom.bytes(5000)), 'more than the pool holds is drawn afresh too')
  const [first, second] = [cryptoRandom.bytes(16), cryptoRandom.bytes(16)]
  const before = second.toString('hex')
  first.fill(0)
  t.equal(second.toString('hex'), before, 'each caller holds its own copy')
})

t.test('the seeded source: the same seed draws the same bytes and ids', async t => {
  const [a, b] = [seededRandom(7), seededRandom(7)]
  t.same([a.bytes(40), a.uuid()], [b.bytes(40), b.uuid()])
  t.match(seededRandom(8).uuid(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
})

t.test('the seeded source\'s ids count up in their first eight hex digits, the rest drawn', async t => {
  const random = seededRandom(9)
  const ids = Array.from({ length: 300 }, () => random.uuid())
  t.same(ids.map(id => id.slice(0, 8)), ids.map((_, i) => (i + 1).toString(16).padStart(8, '0')))
  t.same([...ids].sort(), ids, 'so that they sort in the order they were made')
  t.equal(new Set(ids.map(id => id.slice(9))).size, ids.length, 'the rest differs from one to the next')
  t.ok(ids.every(id => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id)), 'each a version 4 UUID')
})
