/**
 * A two-column Sankey layout: sources on the left, targets on the right, one
 * band per link whose width is proportional to its value. Two columns are all
 * the clearing needs (an insured province pays a treatment province), so the
 * general iterative relaxation of a Sankey library is not needed: nodes are
 * stacked by size, and each node's bands are ordered by the position of the
 * node at their other end, which keeps bands from crossing needlessly.
 * Pixels are display geometry: values (fen) are only ever divided here.
 */

export type Column = 'left' | 'right';

export interface SankeyInput {
  nodes: { id: string; column: Column }[];
  links: { source: string; target: string; value: number }[];
}

export interface SankeyOptions {
  width: number;
  /** the height the bands may take, without the gaps; the result may be taller when many small nodes need their minimum */
  height: number;
  nodeWidth: number;
  /** the gap between two nodes of a column */
  nodePadding: number;
  /** the thinnest band drawn, so a small flow stays visible and can be pointed at */
  minBand: number;
  /** room kept for the labels left of the left column and right of the right column */
  labelLeft: number;
  labelRight: number;
}

export interface LaidNode {
  id: string;
  column: Column;
  value: number;
  x: number;
  y: number;
  height: number;
}

export interface LaidLink {
  source: string;
  target: string;
  value: number;
  /** the band's thickness */
  width: number;
  /** the band's top edge where it leaves the source and where it reaches the target */
  sy: number;
  ty: number;
  /** the band's centre line from the source node's right edge to the target node's left edge */
  path: string;
}

export interface SankeyLayout {
  width: number;
  height: number;
  nodes: LaidNode[];
  links: LaidLink[];
}

const byValueThenId = (a: { value: number; id: string }, b: { value: number; id: string }) => b.value - a.value || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Lays out `input`; links with a value ≤ 0 or an unknown end, and nodes left without links, are left out. */
export function layoutSankey(input: SankeyInput, o: SankeyOptions): SankeyLayout {
  const column = new Map(input.nodes.map((n) => [n.id, n.column]));
  const links = input.links.filter((l) => l.value > 0 && Number.isFinite(l.value) && column.get(l.source) === 'left' && column.get(l.target) === 'right');
  const total = links.reduce((s, l) => s + l.value, 0);
  if (links.length === 0) return { width: o.width, height: 0, nodes: [], links: [] };

  const valueOf = new Map<string, number>();
  for (const l of links) {
    valueOf.set(l.source, (valueOf.get(l.source) ?? 0) + l.value);
    valueOf.set(l.target, (valueOf.get(l.target) ?? 0) + l.value);
  }
  const stack = (col: Column) =>
    input.nodes
      .filter((n) => n.column === col && valueOf.has(n.id))
      .map((n) => ({ id: n.id, value: valueOf.get(n.id)! }))
      .sort(byValueThenId);
  const left = stack('left');
  const right = stack('right');

  // One scale for both columns (each column carries the same total), bands no thinner than minBand.
  const scale = o.height / total;
  const band = (v: number) => Math.max(v * scale, o.minBand);
  const widthOf = new Map(links.map((l) => [l, band(l.value)]));
  const heightOf = (id: string, end: 'source' | 'target') => links.filter((l) => l[end] === id).reduce((s, l) => s + widthOf.get(l)!, 0);
  const columnHeight = (nodes: { id: string }[], end: 'source' | 'target') => nodes.reduce((s, n) => s + heightOf(n.id, end), 0) + o.nodePadding * (nodes.length - 1);
  const height = Math.max(columnHeight(left, 'source'), columnHeight(right, 'target'));

  const xLeft = o.labelLeft;
  const xRight = o.width - o.labelRight - o.nodeWidth;
  const laid = new Map<string, LaidNode>();
  const place = (nodes: { id: string; value: number }[], col: Column, end: 'source' | 'target') => {
    // A shorter column is centred against the taller one.
    let y = (height - columnHeight(nodes, end)) / 2;
    for (const n of nodes) {
      const h = heightOf(n.id, end);
      laid.set(n.id, { id: n.id, column: col, value: n.value, x: col === 'left' ? xLeft : xRight, y, height: h });
      y += h + o.nodePadding;
    }
  };
  place(left, 'left', 'source');
  place(right, 'right', 'target');

  const yOf = (id: string) => laid.get(id)!.y;
  const order = (end: 'source' | 'target', other: 'source' | 'target') => {
    const offsets = new Map<(typeof links)[number], number>();
    for (const n of laid.values()) {
      let y = n.y;
      const mine = links.filter((l) => l[end] === n.id).sort((a, b) => yOf(a[other]) - yOf(b[other]) || b.value - a.value);
      for (const l of mine) {
        offsets.set(l, y);
        y += widthOf.get(l)!;
      }
    }
    return offsets;
  };
  const sy = order('source', 'target');
  const ty = order('target', 'source');
  const x0 = xLeft + o.nodeWidth;
  const x1 = xRight;
  const mid = (x0 + x1) / 2;
  const r = (v: number) => Math.round(v * 100) / 100;

  return {
    width: o.width,
    height,
    nodes: [...left, ...right].map((n) => laid.get(n.id)!),
    links: links.map((l) => {
      const w = widthOf.get(l)!;
      const a = sy.get(l)! + w / 2;
      const b = ty.get(l)! + w / 2;
      return {
        source: l.source,
        target: l.target,
        value: l.value,
        width: w,
        sy: sy.get(l)!,
        ty: ty.get(l)!,
        path: `M${r(x0)},${r(a)}C${r(mid)},${r(a)} ${r(mid)},${r(b)} ${r(x1)},${r(b)}`,
      };
    }),
  };
}
