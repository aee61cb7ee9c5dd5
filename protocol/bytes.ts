/** Big-endian 64-bit integers (whole numbers below 2^53) without a DataView: these run per page. */
export function writeU64(out: Uint8Array, at: number, n: number): void {
  const hi = Math.floor(n / 2 ** 32);
  out[at] = hi >>> 24;
  out[at + 1] = hi >>> 16;
  out[at + 2] = hi >>> 8;
  out[at + 3] = hi;
  out[at + 4] = n >>> 24;
  out[at + 5] = n >>> 16;
  out[at + 6] = n >>> 8;
  out[at + 7] = n;
}

export function readU64(bytes: Uint8Array, at: number): number {
  const hi = ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
  const lo = ((bytes[at + 4] << 24) | (bytes[at + 5] << 16) | (bytes[at + 6] << 8) | bytes[at + 7]) >>> 0;
  return hi * 2 ** 32 + lo;
}
