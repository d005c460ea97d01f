/**
 * The key images a transaction spends, read from its blob: the prefix starts with the version and
 * the unlock time, then the inputs, each (for a key input, tag 0x02) an amount, its ring's offsets
 * and the 32-byte key image. A key image names the output spent: two transactions that share one
 * can never both be mined.
 */
export function keyImagesOfTx(hex: string): string[] {
  const bytes = Buffer.from(hex, 'hex');
  let at = 0;
  const byte = () => {
    const value = bytes[at++];
    if (value === undefined) throw new Error('transaction blob ends early');
    return value;
  };
  const varint = () => {
    let value = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const b = byte();
      value |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return value;
    }
  };
  varint(); // version
  varint(); // unlock time
  const inputs = Number(varint());
  const keyImages: string[] = [];
  for (let i = 0; i < inputs; i += 1) {
    const tag = byte();
    if (tag !== 0x02) throw new Error(`input ${i} is not a key input (tag ${tag})`);
    varint(); // amount (0 for RingCT)
    const ring = Number(varint());
    for (let j = 0; j < ring; j += 1) varint();
    if (at + 32 > bytes.length) throw new Error('transaction blob ends early');
    keyImages.push(bytes.subarray(at, at + 32).toString('hex'));
    at += 32;
  }
  return keyImages;
}
