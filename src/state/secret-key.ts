import { randomBytes } from "node:crypto";

/** A fresh per-stack HMAC key: 32 random bytes, base64. Made once, when the stack is first recorded. */
export function newSecretKey(): string {
  return randomBytes(32).toString("base64");
}
