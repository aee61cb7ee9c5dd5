/** Int32Array words read bytes in the order the byte paths combine them only on a little-endian host. */
export const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Arrays at least this long (a machine's memory, not a key) are worth a word view. */
export const WORDS_MIN_BYTES = 4096;

/**
 * An Int32Array view of the last byte array asked for, made again only when the
 * array changes (a machine's memory is the same array from call to call, until a
 * memory.grow replaces it). Undefined where the array does not start at a
 * multiple of 4. Copies through it move the same bytes on any host; hashes and
 * comparisons against byte-wise results also need LITTLE_ENDIAN. The last array
 * stays referenced until another replaces it.
 */
export class WordView {
  private source: Uint8Array | undefined;
  private view: Int32Array | undefined;

  of(bytes: Uint8Array): Int32Array | undefined {
    if (bytes !== this.source) {
      this.source = bytes;
      this.view =
        (bytes.byteOffset & 3) === 0
          ? new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2)
          : undefined;
    }
    return this.view;
  }
}
