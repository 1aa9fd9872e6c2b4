/*
 * Big typed arrays whose memory goes back to the system as soon as they are freed (glibc: an
 * allocation of its own mapping), for the arrays the two-thread read frees while it builds the
 * next ones.
 */

export type ArrayType<T> = { new (length: number): T; BYTES_PER_ELEMENT: number };

/** A plain array (the other choice where mapped() is one). */
export function plain<T>(type: ArrayType<T>, n: number): T {
  return new type(n);
}

/**
 * Bytes from which glibc's malloc always gives an allocation its own mapping (its mmap
 * threshold rises with every mapped block freed, up to this): freeing such an array gives its
 * pages back to the system at once. A smaller one comes from the malloc heap, where the pages of
 * a freed array stay with the process: the two halves' grouped parts (17 MB arrays at 10M
 * orders), freed while their concatenation is built, stayed resident as 60 MiB of free heap.
 */
const MAPPED_BYTES = 32 << 20;

/**
 * An array of n elements, allocated as MAPPED_BYTES or more when it holds a megabyte or more
 * (a view of its first n elements): pages past n are never touched, so they cost no memory.
 */
export function mapped<T extends Int32Array | Uint8Array | Float64Array>(type: ArrayType<T>, n: number): T {
  const bytes = n * type.BYTES_PER_ELEMENT;
  if (bytes < 1 << 20 || bytes >= MAPPED_BYTES) return new type(n);
  return new type(MAPPED_BYTES / type.BYTES_PER_ELEMENT).subarray(0, n) as T;
}
