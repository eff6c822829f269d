// Pictures of a series of numbers (a loss curve): a standalone SVG line plot and a terminal
// sparkline. Both are plain text; the command line writes the SVG to a file, the playground shows it.

export interface PlotOptions {
  readonly title?: string;
  readonly width?: number;
  readonly height?: number;
  /** "auto" (the default) uses a log scale when the positive values span more than two decades. */
  readonly scale?: "linear" | "log" | "auto";
  readonly xLabel?: string;
  readonly yLabel?: string;
}

const SPARKS = "▁▂▃▄▅▆▇█";

/** The smallest and largest of the values, by a loop (a long series would overflow Math.max(...v)). */
function range(values: readonly number[]): { lo: number; hi: number } {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return { lo, hi };
}

/** Whether positive values spanning more than two decades are better seen on a log scale. */
function wantsLog(values: readonly number[]): boolean {
  if (values.length === 0 || values.some((v) => !(v > 0))) return false;
  const { lo, hi } = range(values);
  return hi / lo > 100;
}

/** The series in at most `width` characters, each the mean of its bucket (log scale where it helps). */
export function sparkline(values: readonly number[], width = 40): string {
  let finite = values.filter(Number.isFinite);
  if (finite.length === 0) return "";
  if (wantsLog(finite)) finite = finite.map(Math.log10);
  const buckets = Math.min(width, finite.length);
  const means: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * finite.length) / buckets);
    const to = Math.max(from + 1, Math.floor(((b + 1) * finite.length) / buckets));
    let s = 0;
    for (let i = from; i < to; i++) s += finite[i]!;
    means.push(s / (to - from));
  }
  const { lo, hi } = range(means);
  return means
    .map(
      (v) =>
        SPARKS[
          hi === lo ? 0 : Math.min(SPARKS.length - 1, Math.floor(((v - lo) / (hi - lo)) * SPARKS.length))
        ],
    )
    .join("");
}

function formatTick(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(1);
  return Number(v.toPrecision(3)).toString();
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A line plot of the series (x = index) as a standalone SVG document. */
export function linePlotSvg(values: readonly number[], options: PlotOptions = {}): string {
  const width = options.width ?? 640;
  const height = options.height ?? 360;
  const margin = { left: 64, right: 16, top: options.title ? 36 : 16, bottom: 44 };
  const positive = values.filter((v) => Number.isFinite(v) && v > 0);
  const finite = values.filter(Number.isFinite);
  const log = options.scale === "log" || (options.scale !== "linear" && wantsLog(finite));
  const f = (v: number) => (log ? Math.log10(v) : v);
  const shown = (log ? positive : finite).map(f);
  let { lo, hi } = shown.length > 0 ? range(shown) : { lo: 0, hi: 1 };
  if (hi === lo) {
    hi += 0.5;
    lo -= 0.5;
  }
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const n = Math.max(values.length - 1, 1);
  const x = (i: number) => margin.left + (i / n) * plotW;
  const y = (v: number) => margin.top + (1 - (f(v) - lo) / (hi - lo)) * plotH;
  const points: string[] = [];
  values.forEach((v, i) => {
    if (Number.isFinite(v) && (!log || v > 0)) points.push(`${x(i).toFixed(1)},${y(v).toFixed(1)}`);
  });
  const ticks: string[] = [];
  for (let k = 0; k <= 4; k++) {
    const t = lo + ((hi - lo) * k) / 4;
    const value = log ? 10 ** t : t;
    const ty = margin.top + (1 - k / 4) * plotH;
    ticks.push(
      `<line x1="${margin.left}" x2="${width - margin.right}" y1="${ty.toFixed(1)}" y2="${ty.toFixed(1)}" stroke="#e5e7eb"/>`,
      `<text x="${margin.left - 6}" y="${(ty + 4).toFixed(1)}" text-anchor="end">${formatTick(value)}</text>`,
    );
  }
  for (let k = 0; k <= 4; k++) {
    const i = Math.round((n * k) / 4);
    ticks.push(
      `<text x="${x(i).toFixed(1)}" y="${height - margin.bottom + 18}" text-anchor="middle">${i}</text>`,
    );
  }
  const title = options.title
    ? `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15">${escapeXml(options.title)}</text>`
    : "";
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    title,
    ...ticks,
    `<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#9ca3af"/>`,
    `<polyline fill="none" stroke="#2563eb" stroke-width="2" points="${points.join(" ")}"/>`,
    `<text x="${margin.left + plotW / 2}" y="${height - 8}" text-anchor="middle">${escapeXml(options.xLabel ?? "step")}</text>`,
    `<text x="14" y="${margin.top + plotH / 2}" text-anchor="middle" transform="rotate(-90 14 ${margin.top + plotH / 2})">${escapeXml(`${options.yLabel ?? "loss"}${log ? " (log scale)" : ""}`)}</text>`,
    "</svg>",
    "",
  ].join("\n");
}
