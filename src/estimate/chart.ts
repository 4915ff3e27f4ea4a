// `apiship recommend --chart FILE.svg`: monthly cost against monthly requests, both on log scales,
// one polyline per candidate, a legend, and vertical markers at today's traffic and at the
// break-even. A small hand-written SVG (no chart library): pure, and byte-for-byte the same for
// the same input, so it can be committed, diffed and tested.

export interface ChartPoint {
  /** Requests a month. */
  x: number;
  /** USD a month. */
  y: number;
}

export interface ChartSeries {
  label: string;
  points: readonly ChartPoint[];
  /** Drawn dashed (recommend uses it for always-on platforms). */
  dashed?: boolean;
}

export interface ChartSpec {
  title: string;
  series: readonly ChartSeries[];
  /** Today's traffic: a vertical line with its label. */
  marker?: { x: number; label: string };
  /** The break-even volume: a dotted vertical line with its label. */
  breakEven?: { x: number; label: string };
  /** Requests a month on the x axis; default 1e3..1e9, widened to decades holding the markers. */
  xRange?: [number, number];
}

/** The fixed geometry: the SVG's size and its plot area (tests check drawings against it). */
export const CHART = {
  width: 940,
  height: 460,
  plot: { left: 80, top: 50, right: 600, bottom: 390 },
  legend: { x: 620, y: 60, step: 22 },
} as const;

/** Costs at or below this are drawn on the bottom of the axis (a log scale has no zero). */
export const COST_FLOOR = 0.01;

const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];

/** Text for XML content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** 950, 12k, 3M, 31M, 1.2B: two significant figures, for axes and messages. */
export function compactNumber(n: number): string {
  const units: [number, string][] = [
    [1e9, "B"],
    [1e6, "M"],
    [1e3, "k"],
  ];
  for (const [size, suffix] of units)
    if (Math.abs(n) >= size) return `${Number((n / size).toPrecision(2))}${suffix}`;
  return String(Number(n.toPrecision(2)));
}

function dollars(n: number): string {
  return n < 1 ? `$${n.toFixed(2)}` : `$${compactNumber(n)}`;
}

/** Volumes to sample a curve at: `perDecade` points a decade from `from` to `to`, both included. */
export function chartVolumes(from = 1e3, to = 1e9, perDecade = 8): number[] {
  const steps = Math.round(Math.log10(to / from) * perDecade);
  return Array.from({ length: steps + 1 }, (_, i) => from * 10 ** (i / perDecade));
}

const decadeBelow = (v: number) => 10 ** Math.floor(Math.log10(v) + 1e-9);
const decadeAbove = (v: number) => 10 ** Math.ceil(Math.log10(v) - 1e-9);
const f1 = (n: number) => n.toFixed(1);

interface Scale {
  x: (v: number) => number;
  y: (v: number) => number;
  xTicks: number[];
  yTicks: number[];
}

function scale(spec: ChartSpec): Scale {
  const [x0, x1] = spec.xRange ?? [1e3, 1e9];
  const marks = [spec.marker?.x, spec.breakEven?.x].filter((v): v is number => v !== undefined && v > 0);
  const xLo = decadeBelow(Math.min(x0, ...marks));
  const xHi = decadeAbove(Math.max(x1, ...marks));
  const ys = spec.series.flatMap((s) => s.points.map((p) => p.y)).filter((y) => y > COST_FLOOR);
  const yLo = COST_FLOOR;
  const yHi = Math.max(decadeAbove(Math.max(1, ...ys)), yLo * 10);
  const { left, right, top, bottom } = CHART.plot;
  const lin = (v: number, lo: number, hi: number) => (Math.log10(v) - Math.log10(lo)) / Math.log10(hi / lo);
  const decades = (lo: number, hi: number) =>
    Array.from({ length: Math.round(Math.log10(hi / lo)) + 1 }, (_, i) => lo * 10 ** i);
  return {
    x: (v) => left + (right - left) * lin(Math.min(Math.max(v, xLo), xHi), xLo, xHi),
    y: (v) => bottom - (bottom - top) * lin(Math.min(Math.max(v, yLo), yHi), yLo, yHi),
    xTicks: decades(xLo, xHi),
    yTicks: decades(yLo, yHi),
  };
}

function axes(s: Scale): string[] {
  const { left, right, top, bottom } = CHART.plot;
  const out = [
    `<rect id="plot-area" x="${left}" y="${top}" width="${right - left}" height="${bottom - top}" fill="#ffffff" stroke="#333333"/>`,
  ];
  for (const t of s.xTicks) {
    const x = f1(s.x(t));
    out.push(
      `<line class="grid" x1="${x}" y1="${top}" x2="${x}" y2="${bottom}" stroke="#e5e5e5"/>`,
      `<line class="tick" x1="${x}" y1="${bottom}" x2="${x}" y2="${bottom + 5}" stroke="#333333"/>`,
      `<text class="tick-label" x="${x}" y="${bottom + 20}" text-anchor="middle">${escapeXml(compactNumber(t))}</text>`,
    );
  }
  for (const t of s.yTicks) {
    const y = f1(s.y(t));
    const text = t === COST_FLOOR ? `≤ ${dollars(t)}` : dollars(t);
    out.push(
      `<line class="grid" x1="${left}" y1="${y}" x2="${right}" y2="${y}" stroke="#e5e5e5"/>`,
      `<line class="tick" x1="${left - 5}" y1="${y}" x2="${left}" y2="${y}" stroke="#333333"/>`,
      `<text class="tick-label" x="${left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeXml(text)}</text>`,
    );
  }
  out.push(
    `<text class="axis-label" x="${(left + right) / 2}" y="${bottom + 45}" text-anchor="middle">monthly requests (log scale)</text>`,
    `<text class="axis-label" x="18" y="${(top + bottom) / 2}" text-anchor="middle" transform="rotate(-90 18 ${(top + bottom) / 2})">monthly cost, USD (log scale)</text>`,
  );
  return out;
}

/** A vertical line across the plot; its label above the plot (today) or inside its top (break-even). */
function vertical(id: string, x: number, text: string, dash: string, inside: boolean): string[] {
  const { top, bottom, right } = CHART.plot;
  const px = f1(x);
  // Inside the plot the label sits right of the line, or left of it near the plot's right edge.
  const before = x + 8 * text.length > right;
  const label = inside
    ? `x="${f1(before ? x - 4 : x + 4)}" y="${top + 16}" text-anchor="${before ? "end" : "start"}"`
    : `x="${px}" y="${top - 8}" text-anchor="middle"`;
  return [
    `<line id="${id}" x1="${px}" y1="${top}" x2="${px}" y2="${bottom}" stroke="#000000" stroke-width="2" stroke-dasharray="${dash}"/>`,
    `<text id="${id}-label" ${label}>${escapeXml(text)}</text>`,
  ];
}

/** Legend labels are cut to fit beside the plot. */
function fit(text: string, max = 40): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The chart as an SVG document. */
export function renderChart(spec: ChartSpec): string {
  const s = scale(spec);
  const { width, height, legend } = CHART;
  const body: string[] = [
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text id="title" x="${CHART.plot.left}" y="22" font-size="15" font-weight="bold">${escapeXml(spec.title)}</text>`,
    ...axes(s),
  ];
  spec.series.forEach((series, i) => {
    const color = COLORS[i % COLORS.length] ?? "#000000";
    const dash = series.dashed ? ` stroke-dasharray="8 4"` : "";
    const pts = series.points.map((p) => `${f1(s.x(p.x))},${f1(s.y(p.y))}`).join(" ");
    const y = legend.y + i * legend.step;
    body.push(
      `<polyline class="series" data-label="${escapeXml(series.label)}" points="${pts}" fill="none" stroke="${color}" stroke-width="2"${dash}/>`,
      `<line class="legend-swatch" x1="${legend.x}" y1="${y}" x2="${legend.x + 24}" y2="${y}" stroke="${color}" stroke-width="3"${dash}/>`,
      `<text class="legend-label" x="${legend.x + 30}" y="${y}" dominant-baseline="middle">${escapeXml(fit(series.label))}</text>`,
    );
  });
  if (spec.breakEven)
    body.push(...vertical("break-even", s.x(spec.breakEven.x), spec.breakEven.label, "2 3", true));
  if (spec.marker) body.push(...vertical("marker", s.x(spec.marker.x), spec.marker.label, "6 3", false));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12" fill="#222222">`,
    ...body.map((l) => `  ${l}`),
    `</svg>`,
    "",
  ].join("\n");
}
