// The recommend chart's SVG as text: deterministic, escaped, one polyline and legend entry per
// series, log-scale axes with decade ticks, and the markers where the scale puts them. The
// browser test (test/e2e/recommend.test.ts) checks what Chromium draws from it.

import { describe, expect, it } from "vitest";
import { CHART, COST_FLOOR, chartVolumes, compactNumber, escapeXml, renderChart } from "./chart.js";
import type { ChartSpec } from "./chart.js";

const spec: ChartSpec = {
  title: `a&b <"api"> 'x'`,
  series: [
    { label: "aws/lambda (lambda)", points: chartVolumes().map((x) => ({ x, y: x * 1.2e-6 })) },
    { label: "heroku/heroku", dashed: true, points: chartVolumes().map((x) => ({ x, y: 7 })) },
  ],
  marker: { x: 3e6, label: "today: 3M/month" },
  breakEven: { x: 5.8e6, label: "break-even ~5.8M" },
};

const attr = (svg: string, id: string, name: string) =>
  Number(new RegExp(`id="${id}"[^>]* ${name}="([\\d.]+)"`).exec(svg)?.[1]);

describe("renderChart", () => {
  it("is byte-for-byte the same for the same input", () => {
    expect(renderChart(spec)).toBe(renderChart(structuredClone(spec)));
  });

  it("escapes every text it writes", () => {
    const svg = renderChart(spec);
    expect(svg).toContain("a&#38;b &#60;&#34;api&#34;&#62; &#39;x&#39;");
    expect(svg).not.toContain(`<"api">`);
    expect(escapeXml(`<a href="x">&'`)).toBe("&#60;a href=&#34;x&#34;&#62;&#38;&#39;");
  });

  it("draws one polyline and one legend entry per series, dashed where asked", () => {
    const svg = renderChart(spec);
    const lines = [...svg.matchAll(/<polyline class="series" data-label="([^"]+)" points="([^"]+)"[^>]*>/g)];
    expect(lines.map((m) => m[1])).toEqual(["aws/lambda (lambda)", "heroku/heroku"]);
    expect(lines[1]?.[0]).toContain('stroke-dasharray="8 4"');
    expect(lines[0]?.[0]).not.toContain("stroke-dasharray");
    expect([...svg.matchAll(/class="legend-label"[^>]*>([^<]+)</g)].map((m) => m[1])).toEqual([
      "aws/lambda (lambda)",
      "heroku/heroku",
    ]);
    // Every point lies in the plot area.
    const { left, right, top, bottom } = CHART.plot;
    for (const m of lines)
      for (const pair of (m[2] ?? "").split(" ")) {
        const [x, y] = pair.split(",").map(Number);
        expect(x).toBeGreaterThanOrEqual(left);
        expect(x).toBeLessThanOrEqual(right);
        expect(y).toBeGreaterThanOrEqual(top);
        expect(y).toBeLessThanOrEqual(bottom);
      }
  });

  it("puts decade ticks on both log axes and the markers where the scale says", () => {
    const svg = renderChart(spec);
    const xTicks = [...svg.matchAll(/text-anchor="middle">([^<]+)<\/text>/g)].map((m) => m[1]);
    expect(xTicks).toEqual(expect.arrayContaining(["1k", "10k", "100k", "1M", "10M", "100M", "1B"]));
    // y: from the floor to the decade above the dearest point ($1.2k at 1e9 requests).
    const yTicks = [...svg.matchAll(/text-anchor="end" dominant-baseline="middle">([^<]+)</g)].map(
      (m) => m[1],
    );
    expect(yTicks).toEqual(["≤ $0.01", "$0.10", "$1", "$10", "$100", "$1k", "$10k"]);
    // 3M on a 1k..1B axis: log10(3e6 / 1e3) / 6 of the way across.
    const { left, right } = CHART.plot;
    const expected = left + ((right - left) * Math.log10(3e3)) / 6;
    expect(attr(svg, "marker", "x1")).toBeCloseTo(expected, 1);
    expect(svg).toContain(">today: 3M/month</text>");
    expect(attr(svg, "break-even", "x1")).toBeGreaterThan(attr(svg, "marker", "x1"));
  });

  it("draws costs at or below the floor on the axis, and widens the x axis to hold the marker", () => {
    const svg = renderChart({
      title: "t",
      series: [
        {
          label: "free",
          points: [
            { x: 1e3, y: 0 },
            { x: 1e9, y: COST_FLOOR / 2 },
          ],
        },
      ],
      marker: { x: 5e10, label: "today" },
    });
    const points = /points="([^"]+)"/.exec(svg)?.[1];
    expect(points?.split(" ").map((p) => p.split(",")[1])).toEqual([
      CHART.plot.bottom.toFixed(1),
      CHART.plot.bottom.toFixed(1),
    ]);
    expect(svg).toContain(">100B</text>");
    expect(attr(svg, "marker", "x1")).toBeLessThan(CHART.plot.right);
  });

  it("samples volumes per decade and writes numbers compactly", () => {
    expect(chartVolumes(1e3, 1e5, 2).map((v) => Math.round(v))).toEqual([1000, 3162, 10000, 31623, 100000]);
    expect([950, 12_345, 3e6, 31_400_000, 1.2e9, 0.5].map(compactNumber)).toEqual([
      "950",
      "12k",
      "3M",
      "31M",
      "1.2B",
      "0.5",
    ]);
  });
});
