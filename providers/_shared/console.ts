// Where each cloud's own web console shows a deployed target (TargetBehaviour.consoleUrl): the
// URL shapes shared by several platforms. PURE and data only: built from a target's options and
// recorded state, never from a call, and nothing here may import an SDK (DESIGN.md §9.8).

/** A non-empty string, else undefined: recorded state may be partial (`{}` before a first apply). */
export function text(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

/**
 * True when the target's `endpoint` option overrides the control plane (an emulator, a test
 * fake, a sovereign cloud): the public console does not show what it deployed.
 */
export function viaEndpoint(options: { endpoint?: string } | undefined): boolean {
  return text(options?.endpoint) !== undefined;
}

const seg = encodeURIComponent;

// ---- AWS ------------------------------------------------------------------------------------

/** The console host of a region's partition (commercial, China, GovCloud). */
function awsConsoleHost(region: string): string {
  if (region.startsWith("cn-")) return `${region}.console.amazonaws.cn`;
  if (region.startsWith("us-gov-")) return "console.amazonaws-us-gov.com";
  return `${region}.console.aws.amazon.com`;
}

/**
 * A CloudWatch Logs log group in the region's console. The console's hash route takes the
 * group name URI-encoded twice with `%` written `$` ("/aws/lambda/x" → "$252Faws$252Flambda$252Fx").
 */
export function cloudWatchLogGroupUrl(region: string, group: string): string {
  const encoded = seg(seg(group)).replace(/%/g, "$");
  return `https://${awsConsoleHost(region)}/cloudwatch/home?region=${seg(region)}#logsV2:log-groups/log-group/${encoded}`;
}

// ---- Azure ----------------------------------------------------------------------------------

/** A blade of an ARM resource in the Azure portal (the signed-in user's directory). */
export function azurePortalUrl(
  subscription: string,
  resourceGroup: string,
  type: string,
  name: string,
  blade: string,
): string {
  const id = `/subscriptions/${seg(subscription)}/resourceGroups/${seg(resourceGroup)}/providers/${type}/${seg(name)}`;
  return `https://portal.azure.com/#@/resource${id}/${blade}`;
}

// ---- Google Cloud ---------------------------------------------------------------------------

/** A page of the Google Cloud console, in a project, with more query parameters after it. */
export function gcpConsoleUrl(path: string, project: string, params: Record<string, string> = {}): string {
  const query = Object.entries({ project, ...params })
    .map(([k, v]) => `${k}=${seg(v)}`)
    .join("&");
  return `https://console.cloud.google.com/${path}?${query}`;
}

/** A path segment of a console URL. */
export const pathSegment = seg;

/**
 * A console page of a regional resource (a Cloud Run service, a Cloud Function): `page` builds
 * its path from the region and the resource's name, both path segments already. The recorded
 * project, region and name come first, else the target's options and physical name.
 */
export function gcpRegionalConsoleUrl(
  options: { project: string; region: string; endpoint?: string },
  state: { project?: unknown; region?: unknown; name?: unknown } | undefined,
  name: string,
  page: (region: string, resource: string) => string,
  params?: Record<string, string>,
): string | undefined {
  if (viaEndpoint(options)) return undefined;
  const region = pathSegment(text(state?.region) ?? options.region);
  const resource = pathSegment(text(state?.name) ?? name);
  return gcpConsoleUrl(page(region, resource), text(state?.project) ?? options.project, params);
}

/** An App Service or Function App site's Log stream blade (both are Microsoft.Web sites). */
export function webSiteLogStreamUrl(
  options: { subscription: string; resourceGroup: string; endpoint?: string },
  state: Record<string, unknown> | undefined,
  name: string,
): string | undefined {
  if (viaEndpoint(options)) return undefined;
  return azurePortalUrl(
    text(state?.subscription) ?? options.subscription,
    text(state?.resourceGroup) ?? options.resourceGroup,
    "Microsoft.Web/sites",
    text(state?.name) ?? name,
    "logStream",
  );
}
