import { useId, useMemo, useState } from 'react';
import type { Flows } from '../clearing.ts';
import { formatYuan } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import { layoutSankey } from '../sankeyLayout.ts';
import { useElementWidth } from './ClearingParts.tsx';
import { useWide } from './ui.tsx';

const PALETTE = ['#0b4f8a', '#0d7a5f', '#b5541a', '#6b3fa0', '#a3195b', '#2f6f9f', '#7a6a00', '#1f7a7a', '#8a3b12', '#4b5d12'];
const FONT = 13;
const NODE_WIDTH = 12;

/** A label's width in px at FONT, near enough to keep room for it: Han characters are square, the rest about half as wide. */
function textWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u2e80-\u9fff\uff00-\uffef]/.test(ch) ? FONT : FONT * 0.6;
  return w;
}

/**
 * Who owes whom in a month: insured provinces on the left, treatment provinces
 * on the right, each band as wide as the amount. Pointing at (or tapping) a
 * band names it; the same flows follow as a table for screen readers and for
 * reading off figures.
 */
export function Sankey({ flows }: { flows: Flows }) {
  const { t, lang } = useI18n();
  const [ref, width] = useElementWidth<HTMLDivElement>();
  const [selected, setSelected] = useState<number | null>(null);
  const titleId = useId();
  const name = (id: string) => {
    const n = flows.nodes.find((x) => x.id === id);
    return n ? (lang === 'en' ? n.name_en : n.name_zh) : id;
  };
  const totals = useMemo(() => {
    const m = new Map<string, number>();
    for (const l of flows.links) {
      m.set(l.source, (m.get(l.source) ?? 0) + l.amount_fen);
      m.set(l.target, (m.get(l.target) ?? 0) + l.amount_fen);
    }
    return m;
  }, [flows]);
  const labelRoom = (side: 'insured' | 'treatment') =>
    Math.ceil(Math.max(40, ...flows.nodes.filter((n) => n.side === side && totals.has(n.id)).map((n) => Math.max(textWidth(name(n.id)) + 4, textWidth(formatYuan(totals.get(n.id)!))))) + 8);

  const layout = useMemo(() => {
    if (width === 0) return null;
    const nodes = flows.nodes.map((n) => ({ id: n.id, column: n.side === 'insured' ? ('left' as const) : ('right' as const) }));
    const rows = Math.max(flows.nodes.filter((n) => n.side === 'insured').length, flows.nodes.filter((n) => n.side === 'treatment').length);
    return layoutSankey(
      { nodes, links: flows.links.map((l) => ({ source: l.source, target: l.target, value: l.amount_fen })) },
      { width, height: Math.max(220, rows * 36), nodeWidth: NODE_WIDTH, nodePadding: 34, minBand: 2, labelLeft: labelRoom('insured'), labelRight: labelRoom('treatment') },
    );
    // names change with the language, and so do the label widths
  }, [flows, width, lang]);

  const colour = new Map(flows.nodes.filter((n) => n.side === 'insured').map((n, i) => [n.id, PALETTE[i % PALETTE.length]!]));
  const caption = (i: number) => {
    const l = flows.links[i]!;
    return t('clg.flowTitle', { from: name(l.source), to: name(l.target), amount: formatYuan(l.amount_fen), n: l.settlements });
  };
  const pad = FONT * 2 + 6;

  return (
    <div className="sankey" ref={ref} data-testid="sankey">
      {layout && layout.links.length > 0 && (
        <svg width={layout.width} height={layout.height + pad} viewBox={`0 ${-pad / 2} ${layout.width} ${layout.height + pad}`} role="img" aria-labelledby={titleId} data-links={layout.links.length}>
          <title id={titleId}>{t('clg.sankeyLabel', { month: flows.month, n: flows.links.length })}</title>
          <text x={0} y={-pad / 2 + FONT} className="sankey-head" textAnchor="start">
            {t('clg.sankeyInsured')}
          </text>
          <text x={layout.width} y={-pad / 2 + FONT} className="sankey-head" textAnchor="end">
            {t('clg.sankeyTreatment')}
          </text>
          <g fill="none">
            {layout.links.map((l) => {
              const i = flows.links.findIndex((x) => x.source === l.source && x.target === l.target);
              return (
                <path
                  key={`${l.source}>${l.target}`}
                  d={l.path}
                  stroke={colour.get(l.source) ?? PALETTE[0]}
                  strokeWidth={l.width}
                  className={`sankey-link${selected === i ? ' selected' : ''}`}
                  data-link={`${l.source}>${l.target}`}
                  onClick={() => setSelected(selected === i ? null : i)}
                >
                  <title>{caption(i)}</title>
                </path>
              );
            })}
          </g>
          {layout.nodes.map((n) => {
            const left = n.column === 'left';
            const cy = n.y + n.height / 2;
            return (
              <g key={n.id} data-node={n.id}>
                <rect x={n.x} y={n.y} width={NODE_WIDTH} height={Math.max(n.height, 1)} rx={2} fill={left ? (colour.get(n.id) ?? PALETTE[0]) : '#45525f'}>
                  <title>{`${name(n.id)}: ${formatYuan(n.value)}`}</title>
                </rect>
                <text x={left ? n.x - 6 : n.x + NODE_WIDTH + 6} y={cy - 2} textAnchor={left ? 'end' : 'start'} className="sankey-name">
                  {name(n.id)}
                </text>
                <text x={left ? n.x - 6 : n.x + NODE_WIDTH + 6} y={cy + FONT} textAnchor={left ? 'end' : 'start'} className="sankey-amount">
                  {formatYuan(n.value)}
                </text>
              </g>
            );
          })}
        </svg>
      )}
      <p className="sankey-caption muted" aria-live="polite">
        {selected !== null ? caption(selected) : t('clg.sankeyHint')}
      </p>
    </div>
  );
}

/** The Sankey's flows as a table, largest first. */
export function FlowTable({ flows }: { flows: Flows }) {
  const { t, lang } = useI18n();
  const name = (id: string) => {
    const n = flows.nodes.find((x) => x.id === id);
    return n ? (lang === 'en' ? n.name_en : n.name_zh) : id;
  };
  const wide = useWide();
  const links = [...flows.links].sort((a, b) => b.amount_fen - a.amount_fen);
  const total = links.reduce((s, l) => s + l.amount_fen, 0);
  if (!wide) {
    return (
      <ul className="plain-list" data-testid="flow-table" aria-label={t('clg.flowsTitle')}>
        {links.map((l) => (
          <li key={`${l.source}>${l.target}`} className="list-item" data-flow={`${l.source}>${l.target}`}>
            <span className="list-item-head">
              <span className="strong">{t('clg.pairName', { from: name(l.source), to: name(l.target) })}</span>
              <span className="nowrap strong" data-amount="amount_fen">
                {formatYuan(l.amount_fen)}
              </span>
            </span>
            <span className="muted">{t('clg.nRows', { n: l.settlements })}</span>
          </li>
        ))}
        <li className="list-item list-item-head strong">
          <span>{t('clg.total')}</span>
          <span className="nowrap">{formatYuan(total)}</span>
        </li>
      </ul>
    );
  }
  return (
    <div className="table-scroll">
      <table className="table counts-table clr-table flow-table" data-testid="flow-table">
        <caption className="visually-hidden">{t('clg.flowsTitle')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('clg.insuredProvince')}</th>
            <th scope="col">{t('clg.treatmentProvince')}</th>
            <th scope="col" className="num">
              {t('clg.amount')}
            </th>
            <th scope="col" className="num">
              {t('clg.rows')}
            </th>
          </tr>
        </thead>
        <tbody>
          {links.map((l) => (
            <tr key={`${l.source}>${l.target}`} data-flow={`${l.source}>${l.target}`}>
              <th scope="row">{name(l.source)}</th>
              <td>{name(l.target)}</td>
              <td className="num nowrap" data-amount="amount_fen">
                {formatYuan(l.amount_fen)}
              </td>
              <td className="num">{l.settlements}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={2}>
              {t('clg.total')}
            </th>
            <td className="num nowrap">{formatYuan(total)}</td>
            <td className="num">{links.reduce((s, l) => s + l.settlements, 0)}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
