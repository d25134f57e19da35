import { useId, useState } from 'react';
import { useI18n } from '../i18n.tsx';
import { useElementWidth } from './ClearingParts.tsx';

const HEIGHT = 180;
const TOP = 22;
/** room under the plot for the dates, and for the lowest figure's label when a day is net negative */
const BOTTOM = 24;
const BOTTOM_NEGATIVE = 44;

/**
 * One bar per day (days without settlements are there, empty), drawn to the
 * width it is given. A day's bar names its date and figure when pointed at or
 * tapped; the figures themselves are in the table beside it.
 */
export function DailyChart({ days, values, format, label }: { days: string[]; values: number[]; format: (v: number) => string; label: string }) {
  const { t } = useI18n();
  const [ref, width] = useElementWidth<HTMLDivElement>();
  const [selected, setSelected] = useState<number | null>(null);
  const titleId = useId();
  const max = Math.max(0, ...values);
  const min = Math.min(0, ...values);
  const span = max - min || 1;
  const plot = HEIGHT - TOP - (min < 0 ? BOTTOM_NEGATIVE : BOTTOM);
  const y = (v: number) => TOP + ((max - v) / span) * plot;
  const step = days.length > 0 ? width / days.length : 0;
  const bar = Math.max(1, Math.min(28, step * 0.7));
  const tick = (i: number) => days[i]!.slice(5);
  const ticks = days.length > 0 ? [...new Set([0, Math.floor((days.length - 1) / 2), days.length - 1])] : [];
  const caption = (i: number) => t('clg.dayTitle', { date: days[i]!, value: format(values[i]!) });

  return (
    <div className="daily-chart" ref={ref} data-testid="daily-chart">
      {width > 0 && (
        <svg width={width} height={HEIGHT} role="img" aria-labelledby={titleId}>
          <title id={titleId}>{label}</title>
          <line x1={0} x2={width} y1={y(max)} y2={y(max)} className="chart-grid" />
          <text x={0} y={y(max) - 6} className="chart-axis">
            {format(max)}
          </text>
          <line x1={0} x2={width} y1={y(0)} y2={y(0)} className="chart-base" />
          {min < 0 && (
            <text x={0} y={y(min) + 14} className="chart-axis">
              {format(min)}
            </text>
          )}
          {values.map((v, i) => {
            const top = Math.min(y(v), y(0));
            const h = Math.abs(y(v) - y(0));
            return (
              <rect
                key={days[i]}
                x={i * step + (step - bar) / 2}
                y={top}
                width={bar}
                height={Math.max(h, v === 0 ? 0 : 1)}
                rx={Math.min(3, bar / 3)}
                className={`chart-bar${v < 0 ? ' negative' : ''}${selected === i ? ' selected' : ''}`}
                data-day={days[i]}
                onClick={() => setSelected(selected === i ? null : i)}
              >
                <title>{caption(i)}</title>
              </rect>
            );
          })}
          {ticks.map((i) => (
            <text key={i} x={Math.min(Math.max(i * step + step / 2, 18), width - 18)} y={HEIGHT - 6} textAnchor="middle" className="chart-axis">
              {tick(i)}
            </text>
          ))}
        </svg>
      )}
      <p className="sankey-caption muted" aria-live="polite">
        {selected !== null ? caption(selected) : t('clg.chartHint')}
      </p>
    </div>
  );
}
