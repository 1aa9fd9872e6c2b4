#!/usr/bin/env node
// Benchmark: clm summary / clm customers against a DuckDB reference on generated shops.
// Run `npm run build` first. Env:
//   BENCH_SIZES=1m,10m   sizes to run (default both)
//   BENCH_ORDERS=N       run only a custom size of N orders (BENCH_CUSTOMERS, default N/10)
//   BENCH_RUNS=3         timed runs per command
// Data goes to bench/data/<size>/ (gitignored); results to bench/RESULTS.md and stdout.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync, openSync, readSync, closeSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TIME = '/usr/bin/time';
const SEED = 1;
const PRESETS = {
  '1m': { orders: 1_000_000, customers: 120_000 },
  '10m': { orders: 10_000_000, customers: 1_000_000 },
};

function selectSizes() {
  if (process.env.BENCH_ORDERS) {
    const orders = Number(process.env.BENCH_ORDERS);
    const customers = Number(process.env.BENCH_CUSTOMERS ?? Math.max(1, Math.round(orders / 10)));
    if (!Number.isInteger(orders) || orders < 1 || !Number.isInteger(customers) || customers < 1) {
      fail('BENCH_ORDERS and BENCH_CUSTOMERS must be positive integers');
    }
    return [{ name: `custom-${orders}`, orders, customers }];
  }
  const names = (process.env.BENCH_SIZES ?? '1m,10m').split(',').map((s) => s.trim()).filter(Boolean);
  return names.map((name) => {
    if (!(name in PRESETS)) fail(`unknown size '${name}' in BENCH_SIZES (known: ${Object.keys(PRESETS).join(', ')})`);
    return { name, ...PRESETS[name] };
  });
}

function fail(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

function ensureData(size) {
  const dir = join(ROOT, 'bench', 'data', size.name);
  const marker = join(dir, '.complete');
  const wanted = JSON.stringify({ orders: size.orders, customers: size.customers, seed: SEED });
  if (existsSync(marker) && readFileSync(marker, 'utf8') === wanted) return dir;
  mkdirSync(dir, { recursive: true });
  process.stderr.write(`bench: generating ${size.name} (${size.orders} orders, ${size.customers} customers)\n`);
  const args = ['scripts/gen.js', '--customers', String(size.customers), '--orders', String(size.orders)];
  args.push('--seed', String(SEED), '--out', dir);
  const gen = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
  if (gen.status !== 0) fail(`generating ${size.name} failed (exit ${gen.status}); did you run npm run build?`);
  writeFileSync(marker, wanted);
  return dir;
}

/** Reads the file once so the first timed run does not pay for a cold page cache. */
function warmCache(file) {
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(1 << 22);
  while (readSync(fd, buf, 0, buf.length, null) > 0);
  closeSync(fd);
}

function buildCommands(ordersFile) {
  const file = relative(ROOT, ordersFile);
  return [
    { key: 'summary', label: 'clm summary', argv: ['node', 'bin/clm.js', 'summary', '--orders', file, '--format', 'json'] },
    {
      key: 'customers',
      label: 'clm customers',
      argv: ['node', 'bin/clm.js', 'customers', '--orders', file, '--format', 'csv', '--output', '/dev/null'],
    },
    { key: 'duckdb', label: 'DuckDB reference', argv: ['node', 'bench/duckdb-agg.js', file] },
  ];
}

const haveTime = existsSync(TIME);

function runTimed(argv) {
  const [cmd, ...rest] = argv;
  const exe = cmd === 'node' ? process.execPath : cmd;
  const began = process.hrtime.bigint();
  const child = haveTime
    ? spawnSync(TIME, ['-f', '%e %M', exe, ...rest], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28 })
    : spawnSync(exe, rest, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28 });
  const wall = Number(process.hrtime.bigint() - began) / 1e9;
  const stderrLines = (child.stderr ?? '').split('\n').filter((l) => l.trim() !== '');
  let seconds = wall;
  let rssKb;
  if (haveTime) {
    const m = /^(\d+(?:\.\d+)?) (\d+)$/.exec(stderrLines.at(-1) ?? '');
    if (m) {
      seconds = Number(m[1]);
      rssKb = Number(m[2]);
      stderrLines.pop();
    }
  }
  if (child.error || child.status !== 0) {
    const message = stderrLines.filter((l) => !l.startsWith('Command exited with non-zero status'));
    const detail = child.error?.message ?? message.find((l) => /error|Error|cannot|Cannot/.test(l)) ?? message[0] ?? '';
    return { ok: false, seconds, rssKb, error: `exit ${child.status ?? 'n/a'}: ${detail.trim().slice(0, 160)}` };
  }
  return { ok: true, seconds, rssKb, stdout: child.stdout };
}

function median(values) {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function pairedRatio(runs, reference) {
  const ratios = [];
  for (let k = 0; k < runs.length; k++) {
    if (runs[k].ok && reference[k]?.ok && reference[k].seconds > 0) ratios.push(runs[k].seconds / reference[k].seconds);
  }
  return median(ratios);
}

/** Compares the headline numbers; clm's JSON shape is read defensively. */
function compareOutputs(timings) {
  const clmRun = timings.summary.find((r) => r.ok);
  const duckRun = timings.duckdb.find((r) => r.ok);
  if (!clmRun || !duckRun) return 'not compared (a command failed)';
  let clm;
  let duck;
  try {
    const parsed = JSON.parse(clmRun.stdout);
    clm = parsed.summary ?? parsed.meta?.summary;
    duck = JSON.parse(duckRun.stdout);
  } catch (err) {
    return `not compared (${err.message})`;
  }
  if (!clm || typeof clm !== 'object') return 'not compared (no "summary" object in clm output)';
  const pairs = [
    ['customers', clm.customers, duck.customers],
    ['orders', clm.orders, duck.orders],
    ['net revenue', clm.net_revenue, duck.revenue],
    ['repeat rate (2+ purchase days)', clm.repeat_customer_rate, duck.repeat_rate_days],
  ];
  return pairs
    .map(([name, a, b]) => {
      const same = typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));
      return `${name} ${same ? 'match' : `DIFFER (clm ${a}, DuckDB ${b})`}`;
    })
    .join('; ');
}

const fmt = (x, digits = 2) => (x === undefined ? 'n/a' : x.toFixed(digits));

function describeMachine() {
  const cpus = os.cpus();
  return [
    `- CPU: ${cpus[0]?.model.trim() ?? 'unknown'} × ${cpus.length}`,
    `- Memory: ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- OS: ${os.type()} ${os.release()} (${os.arch()})`,
    `- Node: ${process.version}`,
    `- Date: ${new Date().toISOString()}`,
  ];
}

function main() {
  const sizes = selectSizes();
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  if (!Number.isInteger(runs) || runs < 1) fail('BENCH_RUNS must be a positive integer');
  if (!existsSync(join(ROOT, 'dist', 'gen', 'generate.js'))) fail('dist/ is missing; run npm run build first');

  const results = [];
  for (const size of sizes) {
    const dir = ensureData(size);
    const ordersFile = join(dir, 'orders.csv');
    warmCache(ordersFile);
    const commands = buildCommands(ordersFile);
    const timings = Object.fromEntries(commands.map((c) => [c.key, []]));
    for (let k = 0; k < runs; k++) {
      for (const command of commands) {
        const r = runTimed(command.argv);
        timings[command.key].push(r);
        const status = r.ok ? `${fmt(r.seconds)} s, ${fmt(r.rssKb === undefined ? undefined : r.rssKb / 1024, 0)} MB` : r.error;
        process.stderr.write(`bench: ${size.name} run ${k + 1}/${runs} ${command.label}: ${status}\n`);
      }
    }
    results.push({ size, ordersFile, bytes: statSync(ordersFile).size, commands, timings });
  }

  const header = '| size | command | ok runs | median s | min s | max s | peak RSS MB | median ratio vs DuckDB |';
  const rule = '|---|---|---|---|---|---|---|---|';
  const tableRows = [];
  for (const { size, commands, timings } of results) {
    for (const command of commands) {
      const list = timings[command.key];
      const ok = list.filter((r) => r.ok);
      const secs = ok.map((r) => r.seconds);
      const rss = ok.map((r) => r.rssKb).filter((x) => x !== undefined);
      const ratio = command.key === 'duckdb' ? '1 (reference)' : fmt(pairedRatio(list, timings.duckdb));
      if (ok.length === 0) {
        tableRows.push(`| ${size.name} | ${command.label} | 0/${list.length} | FAILED: ${list[0].error.replace(/\|/g, '\\|')} | | | | |`);
        continue;
      }
      tableRows.push(
        `| ${size.name} | ${command.label} | ${ok.length}/${list.length} | ${fmt(median(secs))} | ${fmt(Math.min(...secs))} | ` +
          `${fmt(Math.max(...secs))} | ${rss.length ? fmt(Math.max(...rss) / 1024, 0) : 'n/a'} | ${ratio} |`,
      );
    }
  }
  const table = [header, rule, ...tableRows].join('\n');
  const checks = results.map(({ size, timings }) => `- ${size.name}: ${compareOutputs(timings)}`);

  const lines = [
    '# Benchmark results',
    '',
    'Generated by `npm run bench` (bench/run.js). Wall time and peak RSS come from',
    `\`${TIME} -f '%e %M'\`${haveTime ? '' : ' (not available here: wall time from the harness, no RSS)'}; each command ran`,
    `${runs} time(s), interleaved with the others. The ratio is clm's time divided by DuckDB's in the same`,
    'round, median over rounds. DuckDB uses all cores; both sides include Node start-up.',
    '',
    '## Machine',
    '',
    ...describeMachine(),
    '',
    '## Data',
    '',
    ...results.map(
      ({ size, ordersFile, bytes }) =>
        `- ${size.name}: \`${relative(ROOT, ordersFile)}\`, ${size.orders} orders requested, ${size.customers} customers, ` +
        `seed ${SEED}, ${(bytes / 2 ** 20).toFixed(0)} MiB ` +
        `(\`npm run gen -- --customers ${size.customers} --orders ${size.orders} --seed ${SEED} --out ${relative(ROOT, dirname(ordersFile))}\`)`,
    ),
    '',
    '## Commands',
    '',
    ...results.flatMap(({ size, commands }) => commands.map((c) => `- ${size.name} ${c.label}: \`${c.argv.join(' ')}\``)),
    '',
    '## Results',
    '',
    table,
    '',
    '## Agreement (clm summary vs DuckDB, first successful runs)',
    '',
    ...checks,
    '',
    '## Outputs (first successful run)',
    '',
  ];
  for (const { size, commands, timings } of results) {
    for (const command of commands) {
      if (command.key === 'customers') continue;
      const first = timings[command.key].find((r) => r.ok);
      const text = first ? first.stdout.trim().slice(0, 3000) : `(no successful run: ${timings[command.key][0].error})`;
      lines.push(`${size.name} ${command.label}:`, '', '```', text, '```', '');
    }
  }
  writeFileSync(join(ROOT, 'bench', 'RESULTS.md'), lines.join('\n'));
  process.stdout.write(table + '\n' + checks.join('\n') + '\n');
  process.stderr.write('bench: wrote bench/RESULTS.md\n');
}

main();
