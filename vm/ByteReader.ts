import { MalformedModuleError } from "./errors.ts";

/** A cursor over a WebAssembly binary with the spec's LEB128 rules (length and unused-bit checks). */
export class ByteReader {
  readonly bytes: Uint8Array;
  pos: number;
  end: number;

  constructor(bytes: Uint8Array, pos = 0, end = bytes.length) {
    this.bytes = bytes;
    this.pos = pos;
    this.end = end;
  }

  fail(reason: string, offset = this.pos): never {
    throw new MalformedModuleError(reason, offset);
  }

  atEnd(): boolean {
    return this.pos >= this.end;
  }

  u8(): number {
    if (this.pos >= this.end) this.fail("unexpected end");
    return this.bytes[this.pos++];
  }

  /** Unsigned LEB128 of at most 32 bits (at most 5 bytes, unused bits zero). */
  u32(): number {
    const start = this.pos;
    let result = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.u8();
      if (i === 4) {
        if (b & 0xf0) this.fail("integer too large", start);
        return (result + (b & 0x7f) * 2 ** 28) >>> 0;
      }
      result |= (b & 0x7f) << (7 * i);
      if ((b & 0x80) === 0) return result >>> 0;
    }
    return this.fail("integer representation too long", start);
  }

  /** Signed LEB128 of at most 32 bits; the unused bits of a fifth byte must copy the sign. */
  s32(): number {
    const start = this.pos;
    let result = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.u8();
      if (i === 4) {
        // Bits 4..6 of the fifth byte lie beyond bit 31: they must copy bit 31.
        const high = b & 0x70;
        if (b & 0x80 || (b & 0x08 ? high !== 0x70 : high !== 0)) this.fail("integer too large", start);
        return result | (b << 28);
      }
      result |= (b & 0x7f) << (7 * i);
      if ((b & 0x80) === 0) {
        const shift = 7 * (i + 1);
        return shift < 32 && b & 0x40 ? result | (-1 << shift) : result;
      }
    }
    return this.fail("integer representation too long", start);
  }

  /** Signed LEB128 of at most 64 bits, as a bigint. */
  s64(): bigint {
    const start = this.pos;
    let result = 0n;
    for (let i = 0; i < 10; i++) {
      const b = this.u8();
      if (i === 9) {
        // The tenth byte holds bit 63 only; the rest must copy it.
        if (b !== 0 && b !== 0x7f) this.fail("integer too large", start);
        result |= BigInt(b & 1) << 63n;
        return BigInt.asIntN(64, result);
      }
      result |= BigInt(b & 0x7f) << BigInt(7 * i);
      if ((b & 0x80) === 0) {
        const shift = BigInt(7 * (i + 1));
        if (b & 0x40) result -= 1n << shift;
        return BigInt.asIntN(64, result);
      }
    }
    return this.fail("integer representation too long", start);
  }

  /** Signed LEB128 of at most 33 bits (block types); returns a number. */
  s33(): number {
    const start = this.pos;
    let result = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.u8();
      const payload = b & 0x7f;
      if (i === 4) {
        // Bits 5..6 of the fifth byte lie beyond bit 32: they must copy bit 32.
        const high = payload & 0x60;
        if (b & 0x80 || (payload & 0x10 ? high !== 0x60 : high !== 0)) this.fail("integer too large", start);
        const value = result + (payload & 0x1f) * 2 ** 28;
        return payload & 0x10 ? value - 2 ** 33 : value;
      }
      result += payload * 2 ** (7 * i);
      if ((b & 0x80) === 0) {
        const bits = 7 * (i + 1);
        return payload & 0x40 ? result - 2 ** bits : result;
      }
    }
    return this.fail("integer representation too long", start);
  }

  bytesOf(length: number): Uint8Array {
    if (length > this.end - this.pos) this.fail("unexpected end of section or function");
    const out = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  /** A length-prefixed UTF-8 name; malformed if the bytes are not valid UTF-8. */
  name(): string {
    const start = this.pos;
    const raw = this.bytesOf(this.u32());
    try {
      return utf8.decode(raw);
    } catch {
      return this.fail("malformed UTF-8 encoding", start);
    }
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
