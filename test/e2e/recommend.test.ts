// `apiship recommend` through the built CLI, on copies of the examples with a traffic block: the
// ranking and why the others lose, the --json shape, a --prices pin changing the winner, the
// winner's targets: snippet (pasted into the manifest, it validates), and the --chart SVG as
// Debian's Chromium draws it (rendered to PNG through playwright-core, pixels and DOM checked).

import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, parseDocument } from "yaml";
import type { RecommendResult } from "../../src/cli/commands/recommend.js";
import { CHART } from "../../src/estimate/chart.js";
import { ROOT, STACK_LINE, apiship, cleanup, ensureBuilt, envelope, tempDir } from "./helpers.js";

beforeAll(() => ensureBuilt(), 180_000);
afterAll(cleanup);

const TRAFFIC = { monthlyRequests: 3_000_000, meanDuration: "120ms", peakRps: 25 };

/** A copy of an example whose service has this traffic block (none: the example as it is). */
function example(name: string, traffic: Record<string, unknown> | null = TRAFFIC): string {
  const dir = join(tempDir(), name);
  cpSync(join(ROOT, "examples", name), dir, { recursive: true });
  const file = join(dir, "apiship.yaml");
  const doc = parseDocument(readFileSync(file, "utf8"));
  if (traffic) doc.setIn(["service", "traffic"], traffic);
  else doc.deleteIn(["service", "traffic"]);
  writeFileSync(file, doc.toString());
  return file;
}

async function recommend(file: string, args: string[] = []): Promise<RecommendResult> {
  const r = await apiship(["recommend", "-f", file, ...args, "--json"]);
  expect(r.code, r.stderr).toBe(0);
  const env = envelope<RecommendResult>(r);
  expect(env.status).toBe("ok");
  if (!env.result) throw new Error("no result");
  return env.result;
}

describe("recommend", () => {
  it("refuses a service without traffic, with a hint that shows a traffic block", async () => {
    const r = await apiship(["recommend", "-f", example("hello-fn", null)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/has no service\.traffic for hello-fn\/development/);
    expect(r.stderr).toMatch(
      /hint: .*traffic: \{ monthlyRequests: \d+, meanDuration: \d+ms, peakRps: \d+ \}/,
    );
    expect(r.stderr).not.toMatch(STACK_LINE);
  });

  it("ranks hello-fn's candidates, says why the others lose, and prints the winner's targets: block", async () => {
    const file = example("hello-fn");
    const r = await apiship(["recommend", "-f", file, "--latency-budget", "300ms"]);
    expect(r.code, r.stderr).toBe(0);
    const json = await recommend(file, ["--latency-budget", "300ms"]);
    const ranked = json.candidates.filter((c) => c.rank !== undefined);
    // The table lists the ranked ones in order of monthly cost, the winner first.
    const rows = [...r.stdout.matchAll(/^(\d+) +(\S+)(?: \((\S+)\))?\*? +\$([\d,.]+) +(\d+) ms/gm)];
    expect(rows.map((m) => m[2])).toEqual(ranked.map((c) => c.platform));
    const costs = ranked.map((c) => c.monthly ?? NaN);
    expect(costs).toEqual([...costs].sort((a, b) => a - b));
    expect(json.winner?.platform).toBe(ranked[0]?.platform);
    for (const c of ranked) expect(c.p99Ms ?? Infinity).toBeLessThanOrEqual(300);
    // Why the others lose: DigitalOcean Functions runs Node.js 18, this machine is no host, and
    // the container platforms cannot run a function at all.
    expect(r.stdout).toMatch(/^Losing:$/m);
    expect(r.stdout).toMatch(/^ {2}digitalocean\/functions \(dofn\) +runs nodejs18, .*not nodejs20$/m);
    expect(r.stdout).toMatch(/^ {2}local\/process \(local\) +runs on this machine/m);
    expect(r.stdout).toMatch(/^ {2}cannot run a function at all: aws\/ecs-fargate, .*gcp\/cloud-run/m);
    expect(r.stdout).toMatch(
      /^always-on is cheaper above ~[\d.]+[kMB]? requests\/month \(~[\d.]+[kM]? req\/s\): heroku\/heroku/m,
    );
    // The snippet is the manifest's own target block for the winner.
    const w = json.winner;
    expect(w?.target).toBeDefined();
    expect(r.stdout).toContain(`Winner: ${w?.platform} (${w?.target}),`);
    const snippet = parse(json.snippet ?? "") as { targets: Record<string, Record<string, unknown>> };
    expect(Object.keys(snippet.targets)).toEqual([w?.target]);
    expect(snippet.targets[w?.target ?? ""]?.provider).toBe(w?.provider);
    expect(r.stdout).toContain(json.snippet?.trimEnd());
  });

  it("prints a --json result with every built-in platform, the break-even and the snippet", async () => {
    const json = await recommend(example("hello-fn"));
    expect(json).toMatchObject({
      stack: "hello-fn/development",
      kind: "function",
      traffic: { monthlyRequests: 3_000_000, meanDurationMs: 120, peakRps: 25 },
      freeTier: "apply",
      winner: { rank: 1 },
      breakEven: {
        alwaysOn: { platform: expect.any(String), monthly: expect.any(Number) },
        serverless: { platform: expect.any(String), monthly: expect.any(Number) },
        outcome: "crosses",
        monthlyRequests: expect.any(Number),
        requestsPerSecond: expect.any(Number),
        range: [1e3, 1e10],
      },
      snippet: expect.stringMatching(/^targets:\n/),
      breakEvenText: expect.stringMatching(/^always-on is cheaper above ~/),
    });
    const providers = envelope<{ id: string }[]>(await apiship(["providers", "--json"]));
    const platforms = new Set(json.candidates.map((c) => c.platform));
    expect([...platforms].sort()).toEqual((providers.result ?? []).map((p) => p.id).sort());
    for (const c of json.candidates) {
      expect(Array.isArray(c.losses), c.platform).toBe(true);
      expect(c.rank === undefined, c.platform).toBe(c.losses.length > 0);
      if (c.monthly === null) expect(c.p99Ms).toBeNull();
    }
    expect(json.breakEven?.alwaysOn.monthly).toBeGreaterThan(json.breakEven?.serverless.monthly ?? Infinity);
  });

  it("follows --prices: a cheap pinned dyno wins and always-on is cheaper at every volume", async () => {
    const file = example("hello-fn");
    const pins = join(tempDir(), "pins.json");
    writeFileSync(
      pins,
      JSON.stringify({ currency: "USD", prices: [{ id: "heroku.dyno.basic", value: 0.0001 }] }),
    );
    const json = await recommend(file, ["--prices", pins, "--free-tier", "ignore"]);
    expect(json.winner).toMatchObject({ platform: "heroku/heroku", target: "heroku", monthly: 0.0001 });
    expect(json.breakEven?.outcome).toBe("always-on-cheaper");
    expect(json.breakEvenText).toMatch(/^always-on is cheaper at every volume from 1k–10B requests\/month/);
  });

  it("ranks sentiment-api's container platforms under a budget, and a winner from outside the manifest validates", async () => {
    const file = example("sentiment-api");
    const r = await apiship(["recommend", "-f", file, "--env", "production", "--budget", "60"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^sentiment-api\/production: 3,000,000 requests\/month, .*budget \$60\.00 a month/m,
    );
    expect(r.stdout).toMatch(
      /^ {2}kubernetes\/kubernetes \(cluster\) +≥ \$[\d.]+ +not priced in full: .*--prices/m,
    );
    expect(r.stdout).toMatch(/^ {2}\S+ .*\$[\d,.]+ a month > \$60\.00 budget$/m);
    expect(r.stdout).toMatch(/^ {2}cannot run a container at all: aws\/lambda, /m);
    const json = await recommend(file, ["--env", "production", "--budget", "60"]);
    for (const c of json.candidates.filter((x) => x.rank !== undefined))
      expect(c.monthly).toBeLessThanOrEqual(60);

    // Only DigitalOcean: App Platform, which the manifest does not use, wins with a placeholder.
    const doOnly = await recommend(file, ["--providers", "digitalocean"]);
    expect(doOnly.winner).toMatchObject({ platform: "digitalocean/app-platform", placeholders: ["region"] });
    expect(doOnly.snippet).toMatch(/region: \S+ # placeholder: /);
    const snippet = parseDocument(doOnly.snippet ?? "");
    const doc = parseDocument(readFileSync(file, "utf8"));
    doc.setIn(["targets", "app-platform"], snippet.getIn(["targets", "app-platform"]));
    doc.setIn(["environments", "staging", "targets"], ["cloudrun", "app-platform"]);
    writeFileSync(file, doc.toString());
    const valid = await apiship(["validate", "-f", file, "--env", "staging"]);
    expect(valid.code, valid.stderr).toBe(0);
    expect(valid.stdout).toMatch(/app-platform +digitalocean\/app-platform/);
  });

  it("prints exactly the README's worked example", async () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Cost and cold starts"));
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? "";
    const [command, ...printed] = (/```\n(\$ apiship recommend [\s\S]*?)```/.exec(section)?.[1] ?? "").split(
      "\n",
    );
    const traffic = (parse(yaml) as { service: { traffic: Record<string, unknown> } }).service.traffic;
    expect(traffic).toBeDefined();
    const root = tempDir();
    const file = example("hello-fn", traffic);
    cpSync(join(file, ".."), join(root, "examples", "hello-fn"), { recursive: true });
    const r = await apiship(command?.replace(/^\$ apiship /, "").split(" ") ?? [], { cwd: root });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(printed.join("\n"));
    expect(existsSync(join(root, "cost.svg"))).toBe(true);
  });

  it("refuses unknown providers, a budget that is not an amount and a chart it cannot write", async () => {
    const file = example("hello-fn");
    const r = await apiship(["recommend", "-f", file, "--providers", "aws,acme"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--providers names unknown providers: acme/);
    expect(r.stderr).toMatch(/hint: providers: aws, azure, /);
    const b = await apiship(["recommend", "-f", file, "--budget", "lots"]);
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/--budget lots is not an amount/);
    const c = await apiship([
      "recommend",
      "-f",
      file,
      "--chart",
      join(tempDir(), "no", "such", "dir", "c.svg"),
    ]);
    expect(c.code).toBe(1);
    expect(c.stderr).toMatch(/cannot write the chart to .*c\.svg: ENOENT/);
    expect(c.stderr).not.toMatch(/bug in apiship/);
    expect(b.stderr).not.toMatch(STACK_LINE);
  });
});

const CHROMIUM = "/usr/bin/chromium";
const HAVE_CHROMIUM = existsSync(CHROMIUM);

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
interface Dom {
  root: string;
  parseErrors: number;
  plot: Box | null;
  lines: { label: string | null; box: Box }[];
  legend: { text: string | null; box: Box }[];
  texts: Box[];
  markerX: number;
  markerLabel: string | undefined;
}
interface Ink {
  width: number;
  height: number;
  plotColoured: number;
  marker: number;
  beside: number;
}

// Run inside the page (this project's TypeScript has no DOM types, so the page's code is text).
// What the SVG document holds, with the box each element is drawn in (transforms applied).
const DOM_SCRIPT = `(() => {
  const box = (e) => { const b = e.getBoundingClientRect(); return { x: b.x, y: b.y, width: b.width, height: b.height }; };
  const q = (s) => [...document.querySelectorAll(s)];
  const plot = document.querySelector("#plot-area");
  const marker = document.querySelector("#marker");
  return {
    root: document.documentElement.localName,
    parseErrors: q("parsererror").length,
    plot: plot ? box(plot) : null,
    lines: q("polyline.series").map((e) => ({ label: e.getAttribute("data-label"), box: box(e) })),
    legend: q("text.legend-label").map((e) => ({ text: e.textContent, box: box(e) })),
    texts: q("text").map(box),
    markerX: marker ? Number(marker.getAttribute("x1")) : NaN,
    markerLabel: document.querySelector("#marker-label")?.textContent,
  };
})()`;

// The screenshot decoded on a canvas: coloured pixels (the candidates' lines) inside the plot,
// and the share of dark pixels down the marker's column and down a column 9 px beside it.
const inkScript = (b64: string, markerX: number) => `(async () => {
  const plot = ${JSON.stringify(CHART.plot)};
  const img = new Image();
  img.src = "data:image/png;base64,${b64}";
  await img.decode();
  const canvas = document.createElementNS("http://www.w3.org/1999/xhtml", "canvas");
  canvas.width = img.width;
  canvas.height = img.height;
  const ctx = canvas.getContext("2d");
  ctx.drawImage(img, 0, 0);
  const px = ctx.getImageData(0, 0, img.width, img.height).data;
  const at = (x, y) => { const i = (y * img.width + x) * 4; return [px[i], px[i + 1], px[i + 2]]; };
  const coloured = (c) => Math.max(...c) - Math.min(...c) > 60;
  const dark = (c) => Math.max(...c) < 110;
  let plotColoured = 0;
  for (let y = plot.top + 2; y < plot.bottom - 2; y++)
    for (let x = plot.left + 2; x < plot.right - 2; x++) if (coloured(at(x, y))) plotColoured++;
  const column = (x) => {
    let n = 0;
    for (let y = plot.top + 2; y < plot.bottom - 2; y++) if (dark(at(x, y))) n++;
    return n / (plot.bottom - plot.top - 4);
  };
  const mx = Math.round(${markerX});
  return { width: img.width, height: img.height, plotColoured, marker: column(mx), beside: column(mx + 9) };
})()`;
describe.skipIf(!HAVE_CHROMIUM)(
  `recommend --chart in a real browser${HAVE_CHROMIUM ? "" : ` (skipped: ${CHROMIUM} is missing; apt-get install chromium, as .ci/run does)`}`,
  () => {
    it("Chromium draws the SVG: the axes, one line per candidate inside the plot, the legend and today's marker", async () => {
      const dir = tempDir();
      const svgFile = join(dir, "cost.svg");
      const r = await apiship(["recommend", "-f", example("hello-fn"), "--chart", svgFile]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`chart: ${svgFile}`);
      const { chromium } = await import("playwright-core");
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--no-first-run",
        ],
      });
      try {
        const page = await browser.newPage({ viewport: { width: CHART.width, height: CHART.height } });
        // Opened as a file, the SVG goes through the browser's XML parser: bad markup shows an error.
        await page.goto(pathToFileURL(svgFile).href);
        const dom = await page.evaluate<Dom>(DOM_SCRIPT);
        expect(dom.root).toBe("svg");
        expect(dom.parseErrors).toBe(0);
        const plot = dom.plot ?? { x: NaN, y: NaN, width: NaN, height: NaN };
        expect(plot).toMatchObject({ x: CHART.plot.left, y: CHART.plot.top });
        expect(dom.lines.length).toBeGreaterThanOrEqual(3);
        for (const l of dom.lines) {
          expect(l.box.x, `${l.label}`).toBeGreaterThanOrEqual(plot.x - 1);
          expect(l.box.x + l.box.width, `${l.label}`).toBeLessThanOrEqual(plot.x + plot.width + 1);
          expect(l.box.y, `${l.label}`).toBeGreaterThanOrEqual(plot.y - 1);
          expect(l.box.y + l.box.height, `${l.label}`).toBeLessThanOrEqual(plot.y + plot.height + 1);
        }
        expect(dom.legend.map((l) => l.text)).toEqual(dom.lines.map((l) => l.label));
        expect(dom.legend.map((l) => l.text)).toContain("aws/lambda (lambda)");
        // No text is cut off at the picture's edges.
        for (const t of dom.texts) {
          expect(t.x).toBeGreaterThanOrEqual(0);
          expect(t.x + t.width).toBeLessThanOrEqual(CHART.width);
          expect(t.y).toBeGreaterThanOrEqual(0);
          expect(t.y + t.height).toBeLessThanOrEqual(CHART.height);
        }
        expect(dom.markerLabel).toBe("today: 3M/month");

        const png = await page.screenshot({ type: "png" });
        writeFileSync(join(dir, "cost.png"), png);
        // The PNG's IHDR: the signature, then width and height as big-endian 32-bit integers.
        expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
        expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([CHART.width, CHART.height]);
        expect(png.length).toBeGreaterThan(10_000);
        const ink = await page.evaluate<Ink>(inkScript(png.toString("base64"), dom.markerX));
        expect([ink.width, ink.height]).toEqual([CHART.width, CHART.height]);
        // The candidates' lines are drawn in colour inside the plot area.
        expect(ink.plotColoured).toBeGreaterThan(1_000);
        // Today's marker: a dashed black line down the plot at its x; 9 px beside it, almost nothing.
        expect(ink.marker).toBeGreaterThan(0.4);
        expect(ink.beside).toBeLessThan(0.1);
      } finally {
        await browser.close();
      }
    });
  },
);
