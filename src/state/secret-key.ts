import { randomBytes } from "node:crypto";

const KEY_BYTES = 32;
/** Keys drawn per call to the CSPRNG: a plan of 400 new stacks made 400 calls of ~15 µs each. */
const POOL_KEYS = 64;
let pool = Buffer.alloc(0);
let offset = 0;

/**
 * A fresh per-stack HMAC key: 32 random bytes, base64. Made once, when the stack is first
 * recorded. Keys are cut from a larger draw of the same CSPRNG (as node's randomUUID does), and
 * no two keys share a byte.
 */
export function newSecretKey(): string {
  if (offset + KEY_BYTES > pool.length) {
    pool = randomBytes(KEY_BYTES * POOL_KEYS);
    offset = 0;
  }
  const key = pool.toString("base64", offset, offset + KEY_BYTES);
  offset += KEY_BYTES;
  return key;
}
