// The Markdown of bench/RESULTS.md and the tables printed on stdout.
import os from 'node:os';
import { relative } from 'node:path';
import { honestSql } from '../duckdb-honest.js';
import { TIME, fmt, haveTime, median, paired, pairedRatio, peakMb } from './timing.js';

/** lifetimes' published BG/NBD + Gamma-Gamma timings on CDNOW, for comparison (issue 5). */
const LIFETIMES_S = { 'cdnow-sample': 0.15, 'cdnow-master': 0.7 };

const okSeconds = (list) => list.filter((r) => r.ok).map((r) => r.seconds);
const escape = (text) => String(text).replace(/\|/g, '\\|');

function describeMachine(threads) {
  const cpus = os.cpus();
  let load = '';
  try {
    load = os.loadavg().map((x) => x.toFixed(2)).join(', ');
  } catch {
    load = 'n/a';
  }
  return [
    `- CPU: ${cpus[0]?.model.trim() ?? 'unknown'} × ${cpus.length}`,
    `- Memory: ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- OS: ${os.type()} ${os.release()} (${os.arch()})`,
    `- Node: ${process.version}; DuckDB threads: ${threads}`,
    `- Load average when the results were written (1, 5, 15 min): ${load}`,
    `- Date: ${new Date().toISOString()}`,
  ];
}

/** One row per size and shape: clm summary against DuckDB doing the same work. */
function headlineTable(results) {
  const rows = results.map(({ size, shape, timings }) => {
    const clm = okSeconds(timings.summary);
    const duck = okSeconds(timings.duckdb);
    const ratios = paired(timings.summary, timings.duckdb, (a, b) => (b > 0 ? a / b : undefined));
    return `| ${size.name} | ${shape} | ${fmt(median(clm))} (${fmt(Math.min(...clm))}–${fmt(Math.max(...clm))}) | ` +
      `${fmt(median(duck))} (${fmt(Math.min(...duck))}–${fmt(Math.max(...duck))}) | ${fmt(median(ratios))} (${ratios.map((x) => fmt(x)).join(', ')}) | ` +
      `${fmt(peakMb(timings.summary), 0)} | ${fmt(peakMb(timings.duckdb), 0)} |`;
  });
  return [
    '| size | id shape | clm summary s, median (min–max) | DuckDB same work s | clm / DuckDB, median (per round) | clm peak RSS MB | DuckDB peak RSS MB |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

function commandTable(results) {
  const rows = [];
  for (const { size, shape, commands, timings } of results) {
    for (const command of commands) {
      const runs = timings[command.key];
      const secs = okSeconds(runs);
      if (secs.length === 0) {
        rows.push(`| ${size.name} | ${shape} | ${command.label} | 0/${runs.length} | FAILED: ${escape(runs[0]?.error ?? '')} | | | | |`);
        continue;
      }
      const ratio = command.key === 'duckdb' ? '1 (reference)' : fmt(pairedRatio(runs, timings.duckdb));
      rows.push(
        `| ${size.name} | ${shape} | ${command.label} | ${secs.length}/${runs.length} | ${fmt(median(secs))} | ${fmt(Math.min(...secs))} | ` +
          `${fmt(Math.max(...secs))} | ${fmt(peakMb(runs), 0)} | ${ratio} |`,
      );
    }
  }
  return [
    '| size | id shape | command | ok runs | median s | min s | max s | peak RSS MB | median ratio vs DuckDB |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/** What cohorts and stages add over summary, per round (same file, same round). */
function extraTable(results) {
  const okMedian = (list) => median(okSeconds(list));
  const rows = results
    .filter(({ timings }) => timings.cohorts && timings.stages)
    .map(({ size, shape, timings }) => {
      const ratios = paired(timings.cohorts, timings.summary, (a, b) => (b > 0 ? a / b : undefined));
      const diffs = paired(timings.stages, timings.summary, (a, b) => a - b);
      const [mc, ms, mst] = [okMedian(timings.cohorts), okMedian(timings.summary), okMedian(timings.stages)];
      return `| ${size.name} | ${shape} | ${ratios.map((x) => fmt(x)).join(', ') || 'n/a'} | ${fmt(median(ratios))} | ` +
        `${mc !== undefined && ms ? fmt(mc / ms) : 'n/a'} | ${diffs.map((x) => fmt(x)).join(', ') || 'n/a'} | ${fmt(median(diffs))} | ` +
        `${mst !== undefined && ms !== undefined ? fmt(mst - ms) : 'n/a'} |`;
    });
  if (rows.length === 0) return '';
  return [
    '| size | id shape | cohorts / summary (per round) | median | ratio of medians | stages − summary s (per round) | median | difference of medians s |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

function analyticsTable(analytics) {
  if (analytics.length === 0) return '';
  const rows = analytics.map((a) => {
    if (a.skipped) return `| ${a.name} | skipped: ${a.skipped} | | | | | | | | |`;
    if (a.error) return `| ${a.name} | FAILED: ${escape(a.error)} | | | | | | | | |`;
    const o = a.out;
    return `| ${a.name} | ${o.customers} | ${o.customers_fitted ?? 'n/a'} | ${o.ledger_entries} | ${fmt(o.read_s)} | ${fmt(o.lifecycle_s, 3)} | ` +
      `${fmt(o.cohorts_s, 3)} | ${fmt(o.clv_fit_and_score_s, 3)} (${o.clv_all_s.map((x) => fmt(x, 3)).join(', ')}) | ` +
      `${LIFETIMES_S[a.name] ?? ''} | ${o.peak_rss_mb} |`;
  });
  return [
    '| dataset | customers | fitted | ledger entries | read s | lifecycle (stages+RFM) s | cohorts s | BG/NBD+GG fit and scoring s | lifetimes s | peak RSS MB |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

function startupTable(startup) {
  return [
    '| command | ok runs | median s | min s | max s |',
    '|---|---|---|---|---|',
    ...startup.map((c) => `| ${c.label} | ${c.ok}/${c.total} | ${fmt(c.median)} | ${fmt(c.min)} | ${fmt(c.max)} |`),
  ].join('\n');
}

function agreementLines(results) {
  return results.map(({ name, agreement }) => {
    if (!agreement || agreement.note) return `- ${name}: ${agreement?.note ?? 'not compared'}`;
    const values = agreement.rows.map((r) => `${r.name} ${r.clm}${r.equal ? '' : ` ≠ ${r.duckdb}`}`).join('; ');
    return `- ${name}: ${agreement.rows.every((r) => r.equal) ? 'agree' : 'DISAGREE'}: ${values}`;
  });
}

function analyticsSection(analytics, runs) {
  const table = analyticsTable(analytics);
  if (!table) return [];
  return [
    '## Analyses on one loaded table (issues 3, 4 and 5)',
    '',
    '`node bench/analytics.js FILE [preset] ROUNDS` reads the file once, then times each analysis',
    `on the same customer table in the same process, median of ${runs} round(s): lifecycle is the`,
    'snapshot, stages, advocacy and RFM scores and segments (`clm stages`/`clm segments`); cohorts',
    'the monthly cohort matrix with every metric; the fit is BG/NBD + Gamma-Gamma fitted and every',
    'customer scored (p_alive, expected purchases, expected value, discounted CLV) as `clm cltv`',
    'does (all rounds in brackets). lifetimes (Python) publishes 0.15 s and 0.7 s for its',
    'BG/NBD + Gamma-Gamma fit on the CDNOW sample (2,357 customers) and master (23,570).',
    '',
    ...analytics.map((a) =>
      a.skipped || a.error
        ? `- ${a.name}: ${a.skipped ? `skipped (${a.skipped})` : 'failed'}`
        : `- ${a.name}: \`${a.argv.filter(Boolean).join(' ')}\`` +
          (a.name === '1mcust' ? ' (data: `npm run gen -- --customers 1250000 --orders 5000000 --seed 3 --out bench/data/1mcust`)' : ''),
    ),
    '',
    table,
    '',
  ];
}

export function renderResults({ root, options, results, analytics, startup }) {
  const headline = headlineTable(results);
  const commands = commandTable(results);
  const extra = extraTable(results);
  const agreement = agreementLines(results);
  const start = startupTable(startup);
  const argv = ['npm run bench --', '--size', options.sizes.map((s) => s.name).join(','), '--shapes', options.shapes.join(','),
    '--commands', options.commands.join(','), '--runs', options.runs, '--threads', options.threads].join(' ');
  const lines = [
    '# Benchmark results',
    '',
    `Generated by \`${argv}\` (bench/run.js). Wall time and peak RSS come from`,
    `\`${TIME} -f '%e %M'\`${haveTime ? '' : ' (not available here: wall time from the harness, no RSS)'}; each command ran`,
    `${options.runs} time(s), rounds interleaved over the commands and the id shapes. The ratio is clm's time divided`,
    "by DuckDB's in the same round, median over rounds. Both sides are one process each and include Node start-up.",
    '',
    '## clm summary against DuckDB doing the same work',
    '',
    headline,
    '',
    '`clm summary` here is the default, `--engine auto`: the streaming reader, on two threads for a',
    'plain file of 128 MB or more (a 10M-order file), on one for smaller ones. Every command of the',
    'bench, `--threads 1` (the smaller memory) and `--engine duckdb` (the same rules run as SQL in',
    'embedded DuckDB) included, has its ratio to the DuckDB query under "Every command" below.',
    '',
    'The DuckDB side is the query a DuckDB user writes for what `clm summary` computes',
    '(bench/duckdb-honest.js, through `@duckdb/node-api`): one scan with typed columns, the counted',
    'orders (status `paid`; cancelled and pending rows are excluded as clm excludes them) and the',
    "refunds (negative amounts, which only reduce their customer's revenue), order ids",
    'de-duplicated with `GROUP BY order_id`, one row per customer, then the summary. Before a',
    "shape's times count, its customers, orders, net revenue, first and last order date and repeat",
    'rate must equal clm summary\'s (see Agreement); a disagreement stops the bench.',
    '',
    '```sql',
    honestSql('orders.csv').trim(),
    '```',
    '',
    '## Machine',
    '',
    ...describeMachine(options.threads),
    '',
    '## Data',
    '',
    'The same shop in every id shape (same customers, orders, days, amounts, statuses, row order);',
    'only the spelling of the ids and of the order dates differs (`npm run gen -- --help`).',
    '',
    '| data | id shape | size | first data row | command |',
    '|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| \`${relative(root, r.ordersFile)}\` | ${r.shape} | ${(r.bytes / 2 ** 20).toFixed(0)} MiB, ${r.size.orders} orders requested, ` +
        `${r.size.customers} customers | \`${r.example}\` | \`${r.genCommand}\` |`,
    ),
    '',
    '## Commands',
    '',
    ...results.flatMap(({ name, commands: cs }) => cs.map((c) => `- ${name} ${c.label}: \`${c.argv.join(' ')}\``)),
    '',
    '## Every command',
    '',
    commands,
    '',
  ];
  if (extra) {
    lines.push(
      '## What cohorts and stages add (issues 3 and 4)',
      '',
      '`clm cohorts` and `clm stages` read the same file as `clm summary` and then do their analysis;',
      'paired per round with `clm summary` of the same round (the medians of those), and as the ratio or',
      'difference of the medians in the table above.',
      '',
      extra,
      '',
    );
  }
  lines.push(...analyticsSection(analytics, options.runs));
  lines.push(
    '## Start-up (spec §11)',
    '',
    '`clm --help` must answer in under 0.3 s; 10 interleaved runs each, with Node starting alone',
    'for reference (wall time from `/usr/bin/time`, which has a resolution of 10 ms).',
    '',
    start,
    '',
    '## Agreement (clm summary against the DuckDB query, first round)',
    '',
    ...agreement,
    '',
  );
  const tables = [headline, commands, extra, analyticsTable(analytics), start, agreement.join('\n')].filter(Boolean);
  return { markdown: lines.join('\n'), tables: tables.join('\n\n') };
}
