// Bytes the conformance app serves, shared by the app (bundled into each entry) and the cases.

/** A PNG signature then 0..255 twice: not UTF-8, so only a binary-safe bridge keeps it intact. */
export const DOWNLOAD = new Uint8Array([
  0x89,
  0x50,
  0x4e,
  0x47,
  0x0d,
  0x0a,
  0x1a,
  0x0a,
  ...Array.from({ length: 512 }, (_, i) => i % 256),
]);
