/**
 * Bytes of an artifact copied into an ArrayBuffer of their own, for typed-array views of them.
 * A view needs its offset aligned to its element size, and artifacts arrive as Node Buffers
 * sliced out of a tar archive at any offset; Buffer#slice (unlike Uint8Array#slice) returns a
 * view of the same memory, not a copy, so the copy is made with Uint8Array's own slice.
 */
export function ownBuffer(bytes: Uint8Array, start = 0, end = bytes.byteLength): ArrayBuffer {
  return Uint8Array.prototype.slice.call(bytes, start, end).buffer;
}
