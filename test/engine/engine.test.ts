import { describe, expect, it } from 'vitest';
import { chooseEngine, readOrders, streamingEngine, type Engine } from '../../src/engine/engine.js';
import type { ReadSpec } from '../../src/engine/spec.js';

const spec: ReadSpec = {
  orders: 'fixtures/demo/orders.csv',
  map: { orders: new Map(), customers: new Map(), payments: new Map() },
  warn: () => {},
  parallel: 'off',
};

describe('the engine seam', () => {
  it('the streaming engine reads every spec', () => {
    expect(streamingEngine.unsupported(spec)).toBeNull();
    expect(streamingEngine.unsupported({ ...spec, orders: '-' })).toBeNull();
    expect(chooseEngine(spec)).toEqual({ engine: streamingEngine, reasons: [] });
  });

  it('an engine that cannot honour a spec is passed over, and the reason is kept', () => {
    const picky: Engine = { name: 'picky', unsupported: (s) => (s.orders === '-' ? 'reads files, not stdin' : null), read: () => Promise.reject(new Error('unused')) };
    expect(chooseEngine({ ...spec, orders: '-' }, [picky, streamingEngine])).toEqual({ engine: streamingEngine, reasons: ['picky: reads files, not stdin'] });
    expect(chooseEngine(spec, [picky, streamingEngine]).engine).toBe(picky);
    expect(() => chooseEngine({ ...spec, orders: '-' }, [picky])).toThrow(/no engine can read this input \(picky: reads files, not stdin\)/);
  });

  it('readOrders returns one record per customer and the reconciliation of every row', async () => {
    const data = await readOrders(spec);
    const rec = data.reconciliation;
    const excluded = [...rec.excluded.values()].reduce((a, b) => a + b, 0);
    const rejected = [...rec.rejected.values()].reduce((a, b) => a + b, 0);
    expect(rec.orderRows + rec.refundRows + excluded + rejected).toBe(rec.rowsRead);
    expect(data.table.size).toBe(1253);
    expect(rec.orders).toBe(5738);
    expect(data.inputs.map((i) => i.role)).toEqual(['orders']);
  });
});
