// The plan JSON's format version, apart from schema.ts so that assembling a plan does not
// build the zod plan schema (~17 ms of start-up) that only reading a saved plan needs.
export const PLAN_FORMAT_VERSION = 1;
