/**
 * Test support only (imported by *.test.ts): a minimal MaxMind DB writer
 * (format spec 2.0: binary search tree, 16 zero bytes, data section, metadata
 * after "\xAB\xCD\xEFMaxMind.com"), so the record layouts of GeoLite2-City
 * and GeoLite2-ASN, and database reloads, are tested with real .mmdb bytes
 * without shipping those databases.
 */
function encode(value: unknown): Buffer {
  const control = (type: number, size: number): Buffer => {
    if (size >= 285) throw new Error('The test writer encodes sizes below 285 only.');
    const extended = type > 7;
    const first = ((extended ? 0 : type) << 5) | (size < 29 ? size : 29);
    return Buffer.from([first, ...(extended ? [type - 7] : []), ...(size >= 29 ? [size - 29] : [])]);
  };
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([control(2, bytes.length), bytes]);
  }
  if (typeof value === 'number' && Number.isInteger(value)) {
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32BE(value);
    return Buffer.concat([control(6, 4), bytes]);
  }
  if (typeof value === 'number') {
    const bytes = Buffer.alloc(8);
    bytes.writeDoubleBE(value);
    return Buffer.concat([control(3, 8), bytes]);
  }
  if (Array.isArray(value)) return Buffer.concat([control(11, value.length), ...value.map(encode)]);
  const entries = Object.entries(value as Record<string, unknown>);
  return Buffer.concat([control(7, entries.length), ...entries.flatMap(([k, v]) => [encode(k), encode(v)])]);
}

/** An IPv4 database holding one record for `network`/`prefix`; every other address is absent. */
export function writeMmdb(network: number, prefix: number, record: Record<string, unknown>, databaseType: string): Buffer {
  const nodeCount = prefix;
  const tree = Buffer.alloc(nodeCount * 6);
  const notFound = nodeCount;
  const dataPointer = nodeCount + 16;
  for (let node = 0; node < nodeCount; node++) {
    const bit = (network >>> (31 - node)) & 1;
    const onPath = node + 1 < nodeCount ? node + 1 : dataPointer;
    tree.writeUIntBE(bit === 0 ? onPath : notFound, node * 6, 3);
    tree.writeUIntBE(bit === 1 ? onPath : notFound, node * 6 + 3, 3);
  }
  const metadata = encode({
    node_count: nodeCount,
    record_size: 24,
    ip_version: 4,
    database_type: databaseType,
    languages: ['en'],
    binary_format_major_version: 2,
    binary_format_minor_version: 0,
    build_epoch: 1_700_000_000,
    description: { en: 'test' },
  });
  return Buffer.concat([tree, Buffer.alloc(16), encode(record), Buffer.from([0xab, 0xcd, 0xef]), Buffer.from('MaxMind.com'), metadata]);
}

