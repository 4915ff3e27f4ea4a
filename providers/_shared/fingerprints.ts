// Secret fingerprints kept beside the values in the cloud resource itself (a Cloud Run template
// annotation, an ECS container's docker label, an App Service setting): one JSON object of
// name → keyed hash, never a value. read() takes them from there rather than from the recorded
// state, so an apply that took effect but was never recorded (a failed run, a retry) is seen as
// done instead of being sent again.

/** The fingerprints as the one string stored: keys sorted, so the same secrets give the same text. */
export function encodeFingerprints(hashes: Record<string, string>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(hashes).sort(([a], [b]) => a.localeCompare(b))));
}

/** The fingerprints a stored string holds; {} when absent or not such an object (edited by hand). */
export function decodeFingerprints(text: string | null | undefined): Record<string, string> {
  if (text === undefined || text === null || text === "") return {};
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v !== "object" || v === null || Array.isArray(v)) return {};
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>).filter(
        (e): e is [string, string] => typeof e[1] === "string",
      ),
    );
  } catch {
    return {};
  }
}
