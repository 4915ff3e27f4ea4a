// PostgreSQL schema, one numbered step at a time. Never edit a released step: add the next one.
import type { Migration } from "./index.js";

export const postgresMigrations: readonly Migration[] = [
  {
    version: 1,
    up: [
      `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
      `CREATE TABLE stacks (
        stack TEXT PRIMARY KEY,
        serial BIGINT NOT NULL,
        secret_key TEXT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL
      )`,
      `CREATE TABLE targets (
        stack TEXT NOT NULL REFERENCES stacks(stack) ON DELETE CASCADE,
        target TEXT NOT NULL,
        record JSONB NOT NULL,
        PRIMARY KEY (stack, target)
      )`,
      `CREATE TABLE releases (
        stack TEXT NOT NULL REFERENCES stacks(stack) ON DELETE CASCADE,
        id INTEGER NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        result TEXT NOT NULL,
        record JSONB NOT NULL,
        PRIMARY KEY (stack, id)
      )`,
      `CREATE TABLE intents (
        seq BIGSERIAL PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        stack TEXT NOT NULL REFERENCES stacks(stack) ON DELETE CASCADE,
        target TEXT NOT NULL,
        action TEXT NOT NULL,
        resource_type TEXT NOT NULL,
        physical_name TEXT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        resolved_at TIMESTAMPTZ
      )`,
      `CREATE INDEX intents_open ON intents (stack) WHERE resolved_at IS NULL`,
      // No foreign key to stacks: a stack can be locked before anything is recorded for it.
      `CREATE TABLE locks (
        stack TEXT PRIMARY KEY,
        id TEXT NOT NULL,
        holder JSONB NOT NULL,
        acquired_at TIMESTAMPTZ NOT NULL,
        heartbeat_at TIMESTAMPTZ NOT NULL,
        expires_at TIMESTAMPTZ NOT NULL
      )`,
    ],
  },
];
