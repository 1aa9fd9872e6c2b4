#!/usr/bin/env node
// Writes a synthetic shop (customers.csv, orders.csv) into --out. Needs `npm run build` first.
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const USAGE =
  'usage: npm run gen -- --customers N --orders M --seed S --out DIR ' +
  '[--lines] [--second-currency EUR] [--prospects 0.15] [--start YYYY-MM-DD --end YYYY-MM-DD] [--spend] ' +
  '[--id-shape default|numbered|hex|email]';

function failUsage(message) {
  process.stderr.write(`gen: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function parseCount(name, text) {
  if (text === undefined) failUsage(`--${name} is required`);
  if (!/^\d+$/.test(text.replace(/_/g, ''))) failUsage(`--${name} must be a non-negative integer, got '${text}'`);
  return Number(text.replace(/_/g, ''));
}

let args;
try {
  args = parseArgs({
    options: {
      customers: { type: 'string' },
      orders: { type: 'string' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string' },
      lines: { type: 'boolean', default: false },
      'second-currency': { type: 'string' },
      prospects: { type: 'string' },
      start: { type: 'string' },
      end: { type: 'string' },
      spend: { type: 'boolean', default: false },
      'id-shape': { type: 'string', default: 'default' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
  }).values;
} catch (err) {
  failUsage(err.message);
}
if (args.help) {
  let shapes = ['    (run `npm run build` to list them)'];
  try {
    const { ID_SHAPE_HELP } = await import('../dist/gen/ids.js');
    shapes = Object.entries(ID_SHAPE_HELP).map(([name, text]) => `    ${name.padEnd(9)} ${text}`);
  } catch {
    // dist/ not built: the usage line still names the shapes
  }
  const idShapeHelp = '  --id-shape SHAPE  how ids and order dates are spelled (default: default); the shop is the same in every shape:';
  process.stdout.write([USAGE, idShapeHelp, ...shapes].join('\n') + '\n');
  process.exit(0);
}
if (args.out === undefined) failUsage('--out is required');
const options = {
  customers: parseCount('customers', args.customers),
  orders: parseCount('orders', args.orders),
  seed: parseCount('seed', args.seed),
  lines: args.lines,
  secondCurrency: args['second-currency'],
  start: args.start,
  end: args.end,
  prospects: args.prospects === undefined ? undefined : Number(args.prospects),
  idShape: args['id-shape'],
};

let generateShop;
try {
  ({ generateShop } = await import('../dist/gen/generate.js'));
} catch (err) {
  process.stderr.write(`gen: cannot load dist/gen/generate.js (run \`npm run build\` first): ${err.message}\n`);
  process.exit(1);
}

const began = process.hrtime.bigint();
mkdirSync(args.out, { recursive: true });
const files = new Map();
function writeChunk(file, chunk) {
  let fd = files.get(file);
  if (fd === undefined) {
    fd = openSync(join(args.out, file), 'w');
    files.set(file, fd);
  }
  writeSync(fd, chunk, null, 'latin1');
}

let summary;
try {
  summary = generateShop(options, writeChunk);
} catch (err) {
  if (err && err.exitCode === 2) failUsage(err.message);
  throw err;
} finally {
  for (const fd of files.values()) closeSync(fd);
}
if (args.spend) {
  // monthly marketing spend per channel for clm kpis --spend (src/gen/spend.ts)
  const { generateSpend } = await import('../dist/gen/spend.js');
  writeFileSync(join(args.out, 'spend.csv'), generateSpend({ start: summary.start, end: summary.end, seed: options.seed }));
}
const seconds = Number(process.hrtime.bigint() - began) / 1e9;
process.stderr.write(
  `gen: ${summary.rows} order rows (${summary.orders} orders, ${summary.refunds} refunds), ` +
    `${summary.customers} customers (${summary.buyers} buyers), ${summary.start}..${summary.end}, ` +
    `${seconds.toFixed(1)} s -> ${args.out}\n`,
);
