// DigitalOcean App Platform instance sizes, as data: each slug's vCPU and RAM, and how apiship
// grows a size. One table for both sides: providers/digitalocean picks the size it deploys with
// it (digitalocean/app-spec.ts instanceSizeFor), and the cost model prices that same size
// (src/estimate/models/digitalocean.ts). Data and pure functions only.
//
// Figures: the slugs' names, as the App Platform OpenAPI lists them
// (#/components/schemas/app_component_instance_base, instance_size_slug).

/** instance_size_slug → [vCPU, MiB]. */
export const APP_INSTANCE_SIZES: Readonly<Record<string, readonly [number, number]>> = {
  "apps-s-1vcpu-0.5gb": [1, 512],
  "apps-s-1vcpu-1gb-fixed": [1, 1024],
  "apps-s-1vcpu-1gb": [1, 1024],
  "apps-s-1vcpu-2gb": [1, 2048],
  "apps-s-2vcpu-4gb": [2, 4096],
  "apps-d-1vcpu-0.5gb": [1, 512],
  "apps-d-1vcpu-1gb": [1, 1024],
  "apps-d-1vcpu-2gb": [1, 2048],
  "apps-d-1vcpu-4gb": [1, 4096],
  "apps-d-2vcpu-4gb": [2, 4096],
  "apps-d-2vcpu-8gb": [2, 8192],
  "apps-d-4vcpu-8gb": [4, 8192],
  "apps-d-4vcpu-16gb": [4, 16384],
  "apps-d-8vcpu-32gb": [8, 32768],
};

/** A dedicated size (apps-d-*); the rest are shared (apps-s-*). */
export const isDedicatedSize = (slug: string): boolean => slug.startsWith("apps-d-");

/**
 * The instance size apiship runs: `option` when it holds `res`, else the smallest size of the
 * same family (shared apps-s-*, dedicated apps-d-*) that does, never apps-s-1vcpu-1gb-fixed.
 * Undefined when none does. A slug not in the table counts as 1 vCPU and 512 MiB.
 */
export function fitAppInstanceSize(
  option: string,
  res: { cpu?: number; memory: number },
): string | undefined {
  const [cpu, mem] = APP_INSTANCE_SIZES[option] ?? [1, 512];
  const wantCpu = res.cpu ?? 0;
  if (cpu >= wantCpu && mem >= res.memory) return option;
  return Object.entries(APP_INSTANCE_SIZES).find(
    ([slug, [c, m]]) =>
      isDedicatedSize(slug) === isDedicatedSize(option) &&
      slug !== "apps-s-1vcpu-1gb-fixed" &&
      c >= wantCpu &&
      m >= res.memory,
  )?.[0];
}
