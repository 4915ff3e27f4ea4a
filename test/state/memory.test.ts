import { MemoryStateStore, newMemoryData } from "../../src/state/memory.js";
import { describeStateStore } from "./store-suite.js";

// Two MemoryStateStore instances over one MemoryData act as two clients of one database.
describeStateStore("memory", async () => {
  const data = newMemoryData();
  return {
    persistent: false,
    open: async (opts) => new MemoryStateStore({ ...opts, data }),
    cleanup: async () => undefined,
  };
});
