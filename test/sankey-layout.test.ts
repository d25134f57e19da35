import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { layoutSankey, type SankeyInput, type SankeyOptions } from '../web/src/sankeyLayout.ts';

const OPTS: SankeyOptions = { width: 600, height: 300, nodeWidth: 12, nodePadding: 20, minBand: 2, labelLeft: 100, labelRight: 120 };
const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(1e-6);

const flows: SankeyInput = {
  nodes: [
    { id: 'I:230000', column: 'left' },
    { id: 'I:430000', column: 'left' },
    { id: 'I:510000', column: 'left' },
    { id: 'T:440000', column: 'right' },
    { id: 'T:310000', column: 'right' },
    { id: 'T:110000', column: 'right' },
  ],
  links: [
    { source: 'I:230000', target: 'T:440000', value: 600_00 },
    { source: 'I:430000', target: 'T:440000', value: 300_00 },
    { source: 'I:510000', target: 'T:310000', value: 100_00 },
    { source: 'I:230000', target: 'T:310000', value: 0 },
  ],
};

describe('the Sankey layout', () => {
  it('draws sources left and targets right, bands in proportion to their values, and leaves out empty links and lone nodes', () => {
    const l = layoutSankey(flows, OPTS);
    expect(l.nodes.map((n) => n.id)).toEqual(['I:230000', 'I:430000', 'I:510000', 'T:440000', 'T:310000']);
    expect(l.links).toHaveLength(3);
    for (const n of l.nodes) expect(n.x).toBe(n.column === 'left' ? 100 : 600 - 120 - 12);
    const [a, b, c] = l.links;
    close(a!.width / b!.width, 2);
    close(a!.width / c!.width, 6);
    close(a!.width + b!.width + c!.width, 300);
    expect(l.height).toBeCloseTo(300 + 2 * 20);
  });

  it('stacks the bands of a node in the order of the nodes at their other end, without gaps', () => {
    const l = layoutSankey(flows, OPTS);
    const node = (id: string) => l.nodes.find((n) => n.id === id)!;
    const into = l.links.filter((x) => x.target === 'T:440000');
    expect(into.map((x) => x.source)).toEqual(['I:230000', 'I:430000']);
    close(into[0]!.ty, node('T:440000').y);
    close(into[1]!.ty, into[0]!.ty + into[0]!.width);
    expect(into[0]!.path.startsWith(`M${100 + 12},`)).toBe(true);
  });

  it('gives a tiny flow the thinnest band rather than none', () => {
    const l = layoutSankey({ nodes: flows.nodes, links: [{ source: 'I:230000', target: 'T:440000', value: 1_000_000_00 }, { source: 'I:510000', target: 'T:110000', value: 1 }] }, OPTS);
    expect(l.links.find((x) => x.value === 1)!.width).toBe(2);
  });

  it('lays out nothing when there is no flow', () => {
    expect(layoutSankey({ nodes: flows.nodes, links: [] }, OPTS)).toEqual({ width: 600, height: 0, nodes: [], links: [] });
  });

  it('keeps every node as tall as its bands, nodes of a column apart, and the bands inside their nodes, for any flows', () => {
    const ids = ['11', '23', '31', '33', '41', '43', '44', '46', '51'];
    const arb = fc.array(fc.record({ s: fc.constantFrom(...ids), t: fc.constantFrom(...ids), v: fc.integer({ min: 1, max: 10_000_000_00 }) }), { minLength: 1, maxLength: 30 });
    fc.assert(
      fc.property(arb, (raw) => {
        const seen = new Set<string>();
        const links = raw.filter((x) => x.s !== x.t && !seen.has(`${x.s}${x.t}`) && seen.add(`${x.s}${x.t}`)).map((x) => ({ source: `I:${x.s}`, target: `T:${x.t}`, value: x.v }));
        const nodes = ids.flatMap((p) => [
          { id: `I:${p}`, column: 'left' as const },
          { id: `T:${p}`, column: 'right' as const },
        ]);
        const l = layoutSankey({ nodes, links }, OPTS);
        if (links.length === 0) return;
        for (const n of l.nodes) {
          const end = n.column === 'left' ? 'source' : 'target';
          const bands = l.links.filter((x) => x[end] === n.id);
          close(n.height, bands.reduce((s, x) => s + x.width, 0));
          for (const x of bands) {
            const y = end === 'source' ? x.sy : x.ty;
            expect(y).toBeGreaterThanOrEqual(n.y - 1e-6);
            expect(y + x.width).toBeLessThanOrEqual(n.y + n.height + 1e-6);
          }
        }
        for (const col of ['left', 'right'] as const) {
          const stack = l.nodes.filter((n) => n.column === col);
          for (let i = 1; i < stack.length; i++) close(stack[i]!.y, stack[i - 1]!.y + stack[i - 1]!.height + OPTS.nodePadding);
          expect(stack[0]!.y).toBeGreaterThanOrEqual(-1e-6);
          expect(stack.at(-1)!.y + stack.at(-1)!.height).toBeLessThanOrEqual(l.height + 1e-6);
        }
        expect(l.links.every((x) => x.width >= OPTS.minBand)).toBe(true);
      }),
    );
  });
});
