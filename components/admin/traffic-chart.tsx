// Messages in and out per hour over the last 24 hours as a small inline SVG bar chart: no chart
// library, no script; the numbers are also in the accessible name and in each bar's title.
import { getFormatter, getTranslations } from "next-intl/server";

export interface HourTraffic {
  hour: string;
  in: number;
  out: number;
}

const WIDTH = 480;
const HEIGHT = 160;
const AXIS = 18;
const SLOT = WIDTH / 24;

export async function TrafficChart({ hours }: { hours: HourTraffic[] }) {
  const t = await getTranslations("Admin.status");
  const format = await getFormatter();
  const max = Math.max(1, ...hours.flatMap((h) => [h.in, h.out]));
  const scale = (n: number) => ((HEIGHT - AXIS - 4) * n) / max;
  const totals = hours.reduce((sum, h) => ({ in: sum.in + h.in, out: sum.out + h.out }), { in: 0, out: 0 });
  const time = (iso: string) => format.dateTime(new Date(iso), { hour: "2-digit", minute: "2-digit" });
  return (
    <figure className="flex flex-col gap-2">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={t("chartLabel", { in: totals.in, out: totals.out, max })} className="h-auto w-full max-w-xl">
        <line x1="0" x2={WIDTH} y1={HEIGHT - AXIS} y2={HEIGHT - AXIS} className="stroke-slate-300 dark:stroke-slate-700" />
        {hours.map((h, i) => {
          const x = i * SLOT;
          return (
            <g key={h.hour}>
              <title>{t("barTitle", { time: time(h.hour), in: h.in, out: h.out })}</title>
              <rect x={x + 2} y={HEIGHT - AXIS - scale(h.in)} width={SLOT / 2 - 2} height={scale(h.in)} className="fill-indigo-500" />
              <rect x={x + SLOT / 2} y={HEIGHT - AXIS - scale(h.out)} width={SLOT / 2 - 2} height={scale(h.out)} className="fill-amber-500" />
              {i % 6 === 0 ? (
                <text x={x + 2} y={HEIGHT - 4} className="fill-slate-500 text-[10px]">
                  {time(h.hour)}
                </text>
              ) : null}
            </g>
          );
        })}
        <text x={WIDTH - 2} y={10} textAnchor="end" className="fill-slate-500 text-[10px]">
          {t("max", { max })}
        </text>
      </svg>
      <figcaption className="flex gap-4 text-sm">
        <span className="inline-flex items-center gap-1.5">
          <span aria-hidden="true" className="inline-block size-3 rounded-sm bg-indigo-500" />
          {t("in", { count: totals.in })}
        </span>
        <span className="inline-flex items-center gap-1.5">
          <span aria-hidden="true" className="inline-block size-3 rounded-sm bg-amber-500" />
          {t("out", { count: totals.out })}
        </span>
      </figcaption>
    </figure>
  );
}
