// HTTPS_PROXY / HTTP_PROXY / NO_PROXY for every call made through the global fetch (the
// DigitalOcean, Heroku and Firebase Hosting clients, health checks, status probes): Node 20's
// fetch ignores them, so the CLI routes it through undici's EnvHttpProxyAgent, which reads the
// same variables. Loaded only when one is set. The AWS SDK and apiship's own dialer take an agent
// from providers/_shared/proxy.ts; the Azure SDK's pipeline and gaxios honour the variables
// themselves.

export async function installProxy(env: Record<string, string | undefined>): Promise<boolean> {
  const set = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"].some((k) => env[k]);
  if (!set) return false;
  const { EnvHttpProxyAgent, setGlobalDispatcher } = await import("undici");
  setGlobalDispatcher(new EnvHttpProxyAgent());
  return true;
}
