import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  compileRule,
  RuleSyntaxError,
  type RuleEnv,
  type RuleField,
  type RuleFunction,
  type RuleRow,
  type RuleValue,
} from '../../src/analytics/rule-expr.js';
import { UsageError } from '../../src/domain/errors.js';

// ---------------------------------------------------------------------------------------
// A customer-like environment, and rows given by field name for readability.

const FIELDS: RuleField[] = [
  { name: 'country', type: 'string' },
  { name: 'revenue', type: 'number' },
  { name: 'orders', type: 'number' },
  { name: 'stage', type: 'string' },
  { name: 'vip', type: 'boolean' },
  { name: 'referrals', type: 'any' }, // a CSV attribute: a string
  { name: 'backtest.mape', type: 'number' },
  { name: 'x', type: 'any' },
  { name: 'a', type: 'any' },
  { name: 'b', type: 'any' },
];

const SHARES = new Map<RuleValue, number>([
  ['at_risk', 0.3],
  ['churned', 0.1],
]);

let maxCalls = 0;
const FUNCTIONS: RuleFunction[] = [
  { name: 'share', arity: 1, nameArgs: true, call: (s) => SHARES.get(s) ?? null },
  { name: 'goal', arity: 1, nameArgs: true, call: (m) => (m === 'retention_rate' ? 'missed' : 'met') },
  {
    name: 'max2',
    arity: 2,
    call: (p, q) => {
      maxCalls++;
      return typeof p === 'number' && typeof q === 'number' ? Math.max(p, q) : null;
    },
  },
  { name: 'lower', arity: 1, call: (s) => (typeof s === 'string' ? s.toLowerCase() : s) },
  { name: 'always_nan', arity: 0, call: () => NaN },
];

const ENV: RuleEnv = { fields: FIELDS, functions: FUNCTIONS, constants: ['at_risk', 'churned', 'missed', 'met', 'country'] };

function rowOf(values: Record<string, RuleValue | undefined>, fields: readonly RuleField[] = FIELDS): RuleRow {
  const byIndex = fields.map((f) => (Object.hasOwn(values, f.name) ? values[f.name] : undefined));
  return (i) => byIndex[i];
}

function evaluate(source: string, values: Record<string, RuleValue | undefined> = {}, env: RuleEnv = ENV): RuleValue {
  return compileRule(source, env).evaluate(rowOf(values, env.fields));
}

function check(source: string, values: Record<string, RuleValue | undefined> = {}, env: RuleEnv = ENV): boolean {
  return compileRule(source, env).test(rowOf(values, env.fields));
}

/** The RuleSyntaxError that compiling `source` throws. */
function syntaxError(source: string, env: RuleEnv = ENV): RuleSyntaxError {
  try {
    compileRule(source, env);
  } catch (e) {
    if (e instanceof RuleSyntaxError) return e;
    throw new Error(`expected a RuleSyntaxError for ${source}, got ${String(e)}`);
  }
  throw new Error(`expected ${source} to be rejected`);
}

// ---------------------------------------------------------------------------------------

describe('operators and precedence', () => {
  it.each([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['10 - 4 - 3', 3], // left-associative
    ['8 / 4 / 2', 1],
    ['2 * 3 % 4', 2], // (2 * 3) % 4
    ['7 % 3', 1],
    ['-7 % 3', -1], // the sign of the left side
    ['-2 * 3', -6],
    ['- -2', 2],
    ['1 - -2', 3],
    ['-(1 + 2) * 2', -6],
    ['12', 12],
    ['0.25', 0.25],
    ['1e3', 1000],
    ['2.5E-1', 0.25],
    ['1e+2', 100],
  ])('%s = %s', (source, expected) => {
    expect(evaluate(source)).toBe(expected);
  });

  it.each([
    ['3 == 3', true],
    ['3 == 4', false],
    ['3 != 4', true],
    ['3 != 3', false],
    ['2 < 3', true],
    ['3 < 3', false],
    ['3 <= 3', true],
    ['4 <= 3', false],
    ['4 > 3', true],
    ['3 > 3', false],
    ['3 >= 3', true],
    ['2 >= 3', false],
    ['"a" < "b"', true],
    ['"B" < "a"', true], // UTF-16 code units, not locale order
    ['"abc" >= "abd"', false],
    ['false < true', true],
    ['true <= true', true],
  ])('%s is %s', (source, expected) => {
    expect(evaluate(source)).toBe(expected);
  });

  it('binds arithmetic tighter than comparison, comparison tighter than not/and/or', () => {
    expect(evaluate('1 + 1 == 2 and 3 > 2')).toBe(true);
    expect(evaluate('2 * 3 > 5 and 10 - 1 == 9')).toBe(true);
    expect(evaluate('true or false and false')).toBe(true); // true or (false and false)
    expect(evaluate('(true or false) and false')).toBe(false);
    expect(evaluate('not false and false')).toBe(false); // (not false) and false
    expect(evaluate('not (false and false)')).toBe(true);
    expect(evaluate('not 1 == 2')).toBe(true); // not (1 == 2)
    expect(evaluate('not not 1')).toBe(true);
    expect(evaluate('not x or true', { x: 5 })).toBe(true);
  });

  it('returns booleans from and/or/not, and short-circuits', () => {
    expect(evaluate('3 and "a"')).toBe(true);
    expect(evaluate('0 or ""')).toBe(false);
    expect(evaluate('not 0')).toBe(true);
    maxCalls = 0;
    expect(evaluate('false and max2(1, 2) > 0')).toBe(false);
    expect(evaluate('true or max2(1, 2) > 0')).toBe(true);
    expect(maxCalls).toBe(0);
    expect(evaluate('true and max2(1, 2) > 0')).toBe(true);
    expect(maxCalls).toBe(1);
  });

  it('accepts upper-case keywords', () => {
    expect(evaluate('TRUE AND NOT FALSE')).toBe(true);
    expect(evaluate('stage IN ["new"] OR x == NULL', { stage: 'new' })).toBe(true);
    expect(evaluate('orders NOT IN [1, 2]', { orders: 3 })).toBe(true);
  });

  it('evaluates in and not in with the equality of ==', () => {
    const rule = 'stage in ["at_risk", "churned"] and orders >= 3';
    expect(check(rule, { stage: 'at_risk', orders: 3 })).toBe(true);
    expect(check(rule, { stage: 'churned', orders: 5 })).toBe(true);
    expect(check(rule, { stage: 'active', orders: 5 })).toBe(false);
    expect(check(rule, { stage: 'at_risk', orders: 2 })).toBe(false);
    expect(check('stage not in ["new", "active"]', { stage: 'loyal' })).toBe(true);
    expect(check('not stage in ["new", "active"]', { stage: 'new' })).toBe(false);
    expect(check('x in []', { x: 1 })).toBe(false);
    expect(check('x in [1 + 1, -3]', { x: -3 })).toBe(true);
    // Items that read fields are compared per row.
    expect(check('x in [a, b]', { x: 'p', a: 'q', b: 'p' })).toBe(true);
    expect(check('x in [a, b]', { x: '2', a: 2, b: 'q' })).toBe(true);
    expect(check('x in [a, b]', { x: null, a: 1, b: 2 })).toBe(false);
  });

  it('reads dotted names as one field', () => {
    expect(check('backtest.mape > 0.3', { 'backtest.mape': 0.31 })).toBe(true);
    expect(check('backtest.mape > 0.3', { 'backtest.mape': 0.3 })).toBe(false);
  });

  it('compares strings exactly and case-sensitively', () => {
    expect(check('country == "US"', { country: 'US' })).toBe(true);
    expect(check('country == "us"', { country: 'US' })).toBe(false);
    expect(check('country == "US"', { country: 'US ' })).toBe(false);
    expect(check('lower(country) == "us"', { country: 'US' })).toBe(true);
  });

  it('compares booleans', () => {
    expect(check('vip', { vip: true })).toBe(true);
    expect(check('vip == true', { vip: true })).toBe(true);
    expect(check('vip != false', { vip: false })).toBe(false);
    expect(check('x == true', { x: 'true' })).toBe(false); // text is not a boolean
    expect(check('x == 1', { x: true })).toBe(false);
  });

  it('allows whitespace of any kind between tokens', () => {
    expect(check('revenue\n\t>\r\n500', { revenue: 501 })).toBe(true);
    expect(check('revenue>500 and(orders>=3)', { revenue: 501, orders: 3 })).toBe(true);
  });
});

describe('string literals', () => {
  it.each([
    [String.raw`"a\"b"`, 'a"b'],
    [String.raw`'it\'s'`, "it's"],
    [String.raw`"back\\slash"`, 'back\\slash'],
    [String.raw`"it's"`, "it's"],
    [String.raw`'say "hi"'`, 'say "hi"'],
    [String.raw`"\'"`, "'"],
    ['""', ''],
    ['"two words"', 'two words'],
  ])('%s is %j', (source, expected) => {
    expect(evaluate(source)).toBe(expected);
  });
});

describe('numeric text', () => {
  it('converts numeric text when a number meets a string', () => {
    expect(check('referrals > 0', { referrals: '3' })).toBe(true);
    expect(check('referrals > 0', { referrals: '0' })).toBe(false);
    expect(check('referrals == 3', { referrals: '3' })).toBe(true);
    expect(check('referrals == 3', { referrals: ' 3 ' })).toBe(true);
    expect(check('referrals == 3', { referrals: '3.0' })).toBe(true);
    expect(check('referrals == 300', { referrals: '3e2' })).toBe(true);
    expect(check('referrals < 0', { referrals: '-1.5' })).toBe(true);
    expect(check('revenue == "500"', { revenue: 500 })).toBe(true);
    expect(check('orders in ["3", "4"]', { orders: 4 })).toBe(true);
    expect(check('referrals in [3, 4]', { referrals: '3' })).toBe(true);
    expect(evaluate('referrals + 1', { referrals: '3' })).toBe(4);
    expect(evaluate('-referrals', { referrals: '3' })).toBe(-3);
  });

  it('makes comparisons with other text false and arithmetic null', () => {
    for (const text of ['abc', '', ' ', '1,234', '0x10', 'Infinity', 'NaN', '1e999', '3 4', '.']) {
      expect(check('referrals > 0', { referrals: text }), text).toBe(false);
      expect(check('referrals < 0', { referrals: text }), text).toBe(false);
      expect(check('referrals == 0', { referrals: text }), text).toBe(false);
      expect(check('referrals != 0', { referrals: text }), text).toBe(true);
      expect(evaluate('referrals + 1', { referrals: text }), text).toBe(null);
    }
  });

  it('never compares two strings as numbers', () => {
    expect(check('referrals == "3"', { referrals: '3.0' })).toBe(false);
    expect(check('referrals < "10"', { referrals: '9' })).toBe(false); // "9" > "10" as text
    expect(check('referrals in ["3"]', { referrals: '03' })).toBe(false);
    expect(check('referrals in [3]', { referrals: '03' })).toBe(true);
  });
});

describe('null and missing values', () => {
  it('treats a missing field, NaN and Infinity as null', () => {
    expect(evaluate('revenue')).toBe(null);
    expect(evaluate('revenue', { revenue: NaN })).toBe(null);
    expect(evaluate('revenue', { revenue: Infinity })).toBe(null);
    expect(evaluate('revenue', { revenue: -0 })).toBe(0);
    expect(check('revenue == null', { revenue: NaN })).toBe(true);
  });

  it('makes null equal only to null', () => {
    expect(check('revenue == null')).toBe(true);
    expect(check('null == null')).toBe(true);
    expect(check('revenue == 0')).toBe(false);
    expect(check('revenue != 5')).toBe(true);
    expect(check('country != "US"')).toBe(true);
    expect(check('country == ""')).toBe(false);
    expect(check('revenue in [null, 1]')).toBe(true);
    expect(check('revenue in [0, 1]')).toBe(false);
    expect(check('revenue not in [0, 1]')).toBe(true);
  });

  it('makes ordering comparisons with null false', () => {
    for (const op of ['<', '<=', '>', '>=']) {
      expect(check(`revenue ${op} 5`), op).toBe(false);
      expect(check(`5 ${op} revenue`), op).toBe(false);
      expect(check(`null ${op} null`), op).toBe(false);
      expect(check(`not (revenue ${op} 5)`), op).toBe(true);
    }
  });

  it('makes arithmetic with null, booleans and text null, and division by zero null', () => {
    expect(evaluate('revenue + 1')).toBe(null);
    expect(evaluate('1 * revenue')).toBe(null);
    expect(evaluate('-revenue')).toBe(null);
    expect(evaluate('x + 1', { x: true })).toBe(null);
    expect(evaluate('1 / 0')).toBe(null);
    expect(evaluate('0 / 0')).toBe(null);
    expect(evaluate('5 % 0')).toBe(null);
    expect(evaluate('revenue / orders', { revenue: 10, orders: 0 })).toBe(null);
    expect(evaluate('1e308 * 10')).toBe(null);
    expect(evaluate('null + 1')).toBe(null);
    expect(check('revenue / orders > 100', { revenue: 10, orders: 0 })).toBe(false);
  });

  it('uses truthiness for test(): null, false, 0 and "" are false', () => {
    expect(check('x', { x: null })).toBe(false);
    expect(check('x', {})).toBe(false);
    expect(check('x', { x: 0 })).toBe(false);
    expect(check('x', { x: '' })).toBe(false);
    expect(check('x', { x: false })).toBe(false);
    expect(check('x', { x: '0' })).toBe(true);
    expect(check('x', { x: 'false' })).toBe(true);
    expect(check('x', { x: -1 })).toBe(true);
  });
});

describe('functions and constants', () => {
  it('passes bare names to nameArgs functions', () => {
    expect(evaluate('share(at_risk)')).toBe(0.3);
    expect(check('share(at_risk) > 0.25')).toBe(true);
    expect(check('share(churned) > 0.25')).toBe(false);
    // Any bare name is passed as its name, even one that is also a field or unknown.
    expect(evaluate('share(stage)', { stage: 'at_risk' })).toBe(null);
    expect(evaluate('share(whatever)')).toBe(null);
    // Other arguments are evaluated.
    expect(evaluate('share("at_risk")')).toBe(0.3);
    expect(evaluate('share(lower("AT_RISK"))')).toBe(0.3);
    expect(check('goal(retention_rate) == missed')).toBe(true);
    expect(check('goal(revenue_growth) == missed')).toBe(false);
  });

  it('evaluates the arguments of other functions', () => {
    expect(evaluate('max2(orders, 5)', { orders: 7 })).toBe(7);
    expect(evaluate('max2(orders, 5) * 2', { orders: 1 })).toBe(10);
    expect(evaluate('lower(country)', { country: 'DE' })).toBe('de');
    expect(evaluate('always_nan()')).toBe(null);
  });

  it('resolves a name as a field before a constant', () => {
    expect(check('stage == at_risk', { stage: 'at_risk' })).toBe(true);
    expect(check('stage in [at_risk, churned]', { stage: 'churned' })).toBe(true);
    // `country` is both a field and a constant: the field wins.
    expect(evaluate('country', { country: 'FR' })).toBe('FR');
  });

  it('reports the fields used, once each, in order of appearance', () => {
    const rule = compileRule('revenue > 5 and (country == "US" or revenue < 2) and share(stage) > 0 and stage == at_risk', ENV);
    expect(rule.fieldsUsed).toEqual(['revenue', 'country', 'stage']);
    expect(rule.source).toContain('revenue > 5');
    expect(compileRule('1 == 1', ENV).fieldsUsed).toEqual([]);
  });

  it('looks names up in a Map, so odd field names work when declared', () => {
    const env: RuleEnv = { fields: [{ name: '__proto__', type: 'number' }, { name: 'constructor', type: 'string' }] };
    const rule = compileRule('__proto__ > 1 and constructor == "x"', env);
    expect(rule.test((i) => [2, 'x'][i])).toBe(true);
    expect(rule.fieldsUsed).toEqual(['__proto__', 'constructor']);
  });

  it('does not fold function calls, which may depend on more than their arguments', () => {
    let n = 0;
    const env: RuleEnv = { fields: [], functions: [{ name: 'tick', arity: 0, call: () => ++n }] };
    const rule = compileRule('tick() + 0', env);
    expect(rule.evaluate(() => undefined)).toBe(1);
    expect(rule.evaluate(() => undefined)).toBe(2);
  });
});

describe('errors', () => {
  it('is a RuleSyntaxError, a UsageError (exit 2) and an Error', () => {
    const e = syntaxError('revnue > 1');
    expect(e).toBeInstanceOf(RuleSyntaxError);
    expect(e).toBeInstanceOf(UsageError);
    expect(e).toBeInstanceOf(Error);
    expect(e.exitCode).toBe(2);
    expect(e.name).toBe('RuleSyntaxError');
    expect(e.source).toBe('revnue > 1');
  });

  it('points at the offending character', () => {
    const e = syntaxError('country == "US" and revnue > 500');
    expect(e.position).toBe(20);
    expect(e.pointer()).toBe(`country == "US" and revnue > 500\n${' '.repeat(20)}^`);
    // Tabs and newlines are shown as spaces so the caret stays aligned.
    expect(syntaxError('x ==\t\n?').pointer()).toBe('x ==  ?\n      ^');
    // A character outside the BMP is one column.
    const astral = syntaxError('"😀" == ?');
    expect(astral.position).toBe(8);
    expect(astral.pointer()).toBe('"😀" == ?\n       ^');
  });

  it('names an unknown field, close matches and the fields', () => {
    const e = syntaxError('country == "US" and revnue > 500');
    expect(e.message).toBe(
      'unknown field `revnue` at character 21; did you mean `revenue`? fields: a, b, backtest.mape, country, orders, referrals, revenue, stage, vip, x',
    );
    const far = syntaxError('zzzzzz > 1');
    expect(far.position).toBe(0);
    expect(far.message).not.toContain('did you mean');
    expect(syntaxError('Revenue > 1').message).toContain('did you mean `revenue`?');
    expect(syntaxError('stage == at_rsk').message).toContain('did you mean `at_risk`?');
    expect(syntaxError('stage == at_rsk').position).toBe(9);
    expect(syntaxError('x > 1', { fields: [] }).message).toContain('no fields are available here');
  });

  it('lists at most 15 fields', () => {
    const fields: RuleField[] = Array.from({ length: 20 }, (_, i) => ({ name: `f${String(i).padStart(2, '0')}`, type: 'any' }));
    expect(syntaxError('nope', { fields }).message).toContain('f14, … (5 more)');
  });

  it('says how to write keywords', () => {
    const e = syntaxError('x > 1 And x < 3');
    expect(e.position).toBe(6);
    expect(e.message).toContain('keywords are written in lower case: `and`');
  });

  it('rejects unknown functions, fields called as functions and functions used as fields', () => {
    const unknown = syntaxError('x > 1 and shar(at_risk) > 0.2');
    expect(unknown.position).toBe(10);
    expect(unknown.message).toContain('unknown function `shar`');
    expect(unknown.message).toContain('did you mean `share`?');
    expect(unknown.message).toContain('functions: always_nan, goal, lower, max2, share');
    const none = syntaxError('share(at_risk)', { fields: [] });
    expect(none.position).toBe(0);
    expect(none.message).toContain('no functions are available here');
    const field = syntaxError('1 + revenue(2)');
    expect(field.position).toBe(4);
    expect(field.message).toContain('`revenue` is a field, not a function');
    const fn = syntaxError('share > 1');
    expect(fn.position).toBe(0);
    expect(fn.message).toContain('`share` is a function');
  });

  it('rejects a wrong number of arguments at the first extra argument or the `)`', () => {
    const many = syntaxError('share(at_risk, churned) > 0');
    expect(many.position).toBe(15);
    expect(many.message).toContain('`share` takes 1 argument but got 2');
    const few = syntaxError('max2(1) > 0');
    expect(few.position).toBe(6);
    expect(few.message).toContain('`max2` takes 2 arguments but got 1');
    expect(syntaxError('always_nan(1)').position).toBe(11);
  });

  it.each([
    // [source, position, message fragment]
    ['country == "US', 11, 'unterminated string'],
    ["country == 'US\\'", 11, 'unterminated string'],
    ['country == "US\\', 11, 'unterminated string'],
    ['country == "U\\nS"', 13, 'unknown escape `\\n`'],
    ['revenue > 5 # note', 12, 'unexpected character `#`'],
    ['revenue @ 5', 8, 'unexpected character `@`'],
    ['revenue >\u00a05', 9, 'unexpected character U+00A0'],
    ['país == "x"', 2, 'unexpected character `í`'],
    ['revenue >', 9, 'unexpected end of rule'],
    ['revenue > 5 and', 15, 'unexpected end of rule'],
    ['(revenue > 5', 12, 'expected `)` to close the `(` at character 1'],
    ['max2(1 2)', 7, 'expected `,` or `)` in the call to `max2`'],
    ['revenue > 5 6', 12, 'unexpected `6` after a complete expression'],
    ['revenue 5', 8, 'unexpected `5` after a complete expression'],
    ['revenue > 5)', 11, 'unexpected `)` after a complete expression'],
    ['[1, 2] == x', 0, 'a list `[...]` is only allowed after `in`'],
    ['x == [1]', 5, 'a list `[...]` is only allowed after `in`'],
    ['x in [[1]]', 6, 'a list `[...]` is only allowed after `in`'],
    ['share([1])', 6, 'a list `[...]` is only allowed after `in`'],
    ['x in 5', 5, 'expected a list after `in`'],
    ['x in [1, 2', 10, 'expected `,` or `]` in the list that starts at character 6'],
    ['x in [1,]', 8, 'expected a value but found `]`'],
    ['x in [1 2]', 8, 'expected `,` or `]`'],
    ['x == not b', 5, 'expected a value but found `not`'],
    ['x > 1 and and x < 2', 10, 'expected a value but found `and`'],
    ['* 2', 0, 'expected a value but found `*`'],
    ['x ** 2', 3, 'expected a value but found `*`'],
    ['1 < 2 < 3', 6, 'comparisons cannot be chained'],
    ['a == b != x', 7, 'comparisons cannot be chained'],
    ['x in [1] == true', 9, 'comparisons cannot be chained'],
    ['x == 1 in [true]', 7, 'comparisons cannot be chained'],
    ['x < 1 not in [1]', 6, 'comparisons cannot be chained'],
    ['', 0, 'empty rule'],
    ['   \n ', 0, 'empty rule'],
    ['1e', 1, 'the exponent of the number `1e` has no digits'],
    ['1e+ 2', 1, 'has no digits'],
    ['12abc > 1', 2, 'unexpected character `a` after the number `12`'],
    ['1.2.3', 3, 'unexpected character `.` after the number `1.2`'],
    ['x > .5', 4, 'a number cannot start with `.`'],
    ['x > 1e999', 4, 'the number `1e999` is too large'],
  ])('%j: position %i, %s', (source, position, fragment) => {
    const e = syntaxError(source);
    expect(e.message).toContain(fragment);
    expect(e.position).toBe(position);
    expect(e.message).toContain(`at character ${position + 1}`);
  });

  it.each([
    ['a && b', 2, '`&&`', '`and`'],
    ['a || b', 2, '`||`', '`or`'],
    ['!a', 0, '`!`', '`not`'],
    ['a = 1', 2, '`=`', '`==`'],
    ['a === 1', 2, '`===`', '`==`'],
    ['a !== 1', 2, '`!==`', '`!=`'],
    ['a <> 1', 2, '`<>`', '`!=`'],
    ['a & b', 2, '`&`', '`and`'],
    ['a | b', 2, '`|`', '`or`'],
  ])('%j suggests the operator to use', (source, position, operator, suggestion) => {
    const e = syntaxError(source);
    expect(e.position).toBe(position);
    expect(e.message).toBe(`${operator} is not an operator in rules at character ${position + 1}; write ${suggestion}`);
  });

  it.each([
    ['revenue == "high"', 11, '`revenue` holds numbers and cannot be compared with `"high"`'],
    ['revenue > true', 10, '`revenue` holds numbers'],
    ['"high" < revenue', 0, '`revenue` holds numbers'],
    ['revenue in [1, "x"]', 15, '`revenue` holds numbers'],
    ['revenue == at_risk', 11, '`revenue` holds numbers and cannot be compared with `at_risk`'],
    ['vip == 1', 7, '`vip` holds true or false'],
    ['vip == "yes"', 7, '`vip` holds true or false'],
    ['country == true', 11, '`country` holds text'],
    ['"abc" + 1', 0, '`"abc"` is not a number'],
    ['1 - true', 4, '`true` is not a number'],
    ['-"3"', 1, 'is not a number'],
    ['(x > 1) * 2', 0, '`(x > 1)` is true or false, not a number'],
    ['vip + 1', 0, '`vip` holds true or false, not numbers'],
    ['at_risk + 1', 0, '`at_risk` is a name, not a number'],
  ])('%j is a type error at %i', (source, position, fragment) => {
    const e = syntaxError(source);
    expect(e.message).toContain(fragment);
    expect(e.position).toBe(position);
  });

  it('accepts comparisons that can hold for the declared type', () => {
    expect(check('revenue == "500"', { revenue: 500 })).toBe(true);
    expect(check('revenue == null')).toBe(true);
    expect(check('country == 1', { country: '1' })).toBe(true);
    expect(check('vip == null')).toBe(true);
    expect(check('x == "high"', { x: 'high' })).toBe(true); // `any` is not checked
  });

  it('bounds nesting so deep rules fail with a RuleSyntaxError, not a stack overflow', () => {
    const deep = (source: string, position: number) => {
      const e = syntaxError(source);
      expect(e.position).toBe(position);
      expect(e.message).toContain('the rule nests too deeply (more than 200 levels)');
    };
    expect(evaluate(`${'('.repeat(200)}1${')'.repeat(200)}`)).toBe(1);
    deep(`${'('.repeat(10_000)}1${')'.repeat(10_000)}`, 200);
    deep(`${'not '.repeat(10_000)}x`, 800);
    deep(`${'-'.repeat(10_000)}1`, 200);
    deep(`max2(${'max2('.repeat(300)}`, 1000); // the 201st call, at character 5 * 200
    deep(Array.from({ length: 10_000 }, () => 'x').join(' + '), 798); // the 200th `+`
  });

  it('keeps long and/or chains and long lists flat', () => {
    const chain = Array.from({ length: 10_000 }, (_, i) => `x == ${i}`).join(' or ');
    expect(check(chain, { x: 9_999 })).toBe(true);
    expect(check(chain, { x: 10_000 })).toBe(false);
    const list = `x in [${Array.from({ length: 100_000 }, (_, i) => i).join(', ')}]`;
    expect(check(list, { x: '99999' })).toBe(true);
    const allOf = Array.from({ length: 1_000 }, () => 'x').join(' and ');
    expect(check(allOf, { x: 1 })).toBe(true);
    expect(check(allOf, { x: 0 })).toBe(false);
  });

  it('reports the leftmost syntax problem before any name problem', () => {
    expect(syntaxError('nope > 1 and').position).toBe(12);
  });
});

describe('security: a rule cannot run code', () => {
  const env: RuleEnv = { fields: FIELDS, constants: ['at_risk'] };
  const exitCode = process.exitCode;

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it.each([
    ['process.exit(1)', 0, 'unknown function `process.exit`'],
    ['constructor.constructor("return process")()', 41, 'unexpected `(` after a complete expression'],
    ['constructor.constructor("return process")', 0, 'unknown function `constructor.constructor`'],
    ['__proto__.polluted == 1', 0, 'unknown field `__proto__.polluted`'],
    ['__proto__', 0, 'unknown field `__proto__`'],
    ['x.__proto__', 0, 'unknown field `x.__proto__`'],
    ['x.constructor', 0, 'unknown field `x.constructor`'],
    ['constructor', 0, 'unknown field `constructor`'],
    ['prototype', 0, 'unknown field `prototype`'],
    ['toString', 0, 'unknown field `toString`'],
    ['toString()', 0, 'unknown function `toString`'],
    ['hasOwnProperty("x")', 0, 'unknown function `hasOwnProperty`'],
    ['valueOf() == 1', 0, 'unknown function `valueOf`'],
    ['this', 0, 'unknown field `this`'],
    ['globalThis', 0, 'unknown field `globalThis`'],
    ['globalThis.process', 0, 'unknown field `globalThis.process`'],
    ['require("fs")', 0, 'unknown function `require`'],
    ['import("fs")', 0, 'unknown function `import`'],
    ['`${x}`', 0, "unexpected character '`'"],
    ['"${x}"', -1, ''], // just text
    ['a; b', 1, 'unexpected character `;`'],
    ['x == 1; process.exit(1)', 6, 'unexpected character `;`'],
    ['x = 1', 2, '`=` is not an operator in rules'],
    ['x => 1', 2, '`=` is not an operator in rules'],
    ['x == {}', 5, 'unexpected character `{`'],
    ['x[0]', 1, 'unexpected `[` after a complete expression'],
    ['x["constructor"]', 1, 'unexpected `[` after a complete expression'],
    ['new Function("x")', 4, 'unexpected `Function` after a complete expression'],
    ['eval("1")', 0, 'unknown function `eval`'],
    ['(() => 1)()', 2, 'expected a value but found `)`'],
    ['x\\u0028', 1, 'unexpected character `\\`'],
  ])('%j', (source, position, fragment) => {
    const evalSpy = vi.spyOn(globalThis, 'eval');
    const exitSpy = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const row = vi.fn<RuleRow>(() => 1);
    if (position < 0) {
      expect(compileRule(source, env).evaluate(row)).toBe('${x}');
    } else {
      const e = syntaxError(source, env);
      expect(e.position).toBe(position);
      expect(e.message).toContain(fragment);
    }
    expect(row).not.toHaveBeenCalled();
    expect(evalSpy).not.toHaveBeenCalled();
    expect(exitSpy).not.toHaveBeenCalled();
    expect(process.exitCode).toBe(exitCode);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('does not use eval, Function or dynamic imports in its source', () => {
    const text = readFileSync(new URL('../../src/analytics/rule-expr.ts', import.meta.url), 'utf8');
    expect(text).not.toMatch(/\beval\s*\(|\bnew\s+Function\b|\bFunction\s*\(|\bimport\s*\(|\brequire\s*\(/);
  });
});

// ---------------------------------------------------------------------------------------
// Property tests: random well-formed rules against a reference evaluator written here from
// the documented semantics, and random text that must only ever fail with RuleSyntaxError.

type Expr =
  | { k: 'num'; text: string }
  | { k: 'str'; value: string; quote: '"' | "'"; escapeOther: boolean }
  | { k: 'bool'; value: boolean; upper: boolean }
  | { k: 'null' }
  | { k: 'field'; name: string }
  | { k: 'const'; name: string }
  | { k: 'paren'; e: Expr }
  | { k: 'neg'; e: Expr }
  | { k: 'arith'; op: '+' | '-' | '*' | '/' | '%'; l: Expr; r: Expr }
  | { k: 'cmp'; op: '==' | '!=' | '<' | '<=' | '>' | '>='; l: Expr; r: Expr }
  | { k: 'in'; negated: boolean; l: Expr; items: Expr[] }
  | { k: 'not'; e: Expr }
  | { k: 'and' | 'or'; l: Expr; r: Expr }
  | { k: 'twice'; e: Expr }
  | { k: 'share'; name: string };

const PROP_FIELDS: RuleField[] = [
  { name: 'n', type: 'any' },
  { name: 'm', type: 'any' },
  { name: 's.t', type: 'any' },
  { name: 'flag', type: 'any' },
];
const PROP_SHARES = new Map<RuleValue, number>([['at_risk', 0.25], ['n', 0.5]]);
const PROP_ENV: RuleEnv = {
  fields: PROP_FIELDS,
  constants: ['at_risk', 'lost'],
  functions: [
    { name: 'twice', arity: 1, call: (v) => (typeof v === 'number' ? v * 2 : null) },
    { name: 'share', arity: 1, nameArgs: true, call: (v) => PROP_SHARES.get(v) ?? null },
  ],
};

/** Precedence levels: or 1, and 2, not 3, comparison 4, sum 5, product 6, unary 7, primary 8. */
function level(e: Expr): number {
  switch (e.k) {
    case 'or': return 1;
    case 'and': return 2;
    case 'not': return 3;
    case 'cmp': case 'in': return 4;
    case 'arith': return e.op === '+' || e.op === '-' ? 5 : 6;
    case 'neg': return 7;
    default: return 8;
  }
}

/** Prints with the fewest parentheses the grammar needs (plus the generated ones). */
function print(e: Expr, min = 1): string {
  const s = printBare(e);
  return level(e) < min ? `(${s})` : s;
}

function printBare(e: Expr): string {
  switch (e.k) {
    case 'num': return e.text;
    case 'str': {
      const other = e.quote === '"' ? "'" : '"';
      let body = '';
      for (const ch of e.value) {
        if (ch === '\\' || ch === e.quote || (ch === other && e.escapeOther)) body += `\\${ch}`;
        else body += ch;
      }
      return `${e.quote}${body}${e.quote}`;
    }
    case 'bool': return e.upper ? String(e.value).toUpperCase() : String(e.value);
    case 'null': return 'null';
    case 'field': case 'const': return e.name;
    case 'paren': return `(${print(e.e)})`;
    case 'neg': return `-${print(e.e, 7)}`;
    case 'arith': {
      const l = level(e);
      return `${print(e.l, l)} ${e.op} ${print(e.r, l + 1)}`;
    }
    case 'cmp': return `${print(e.l, 5)} ${e.op} ${print(e.r, 5)}`;
    case 'in': return `${print(e.l, 5)} ${e.negated ? 'not in' : 'in'} [${e.items.map((i) => print(i)).join(', ')}]`;
    case 'not': return `not ${print(e.e, 3)}`;
    case 'and': return `${print(e.l, 2)} and ${print(e.r, 3)}`;
    case 'or': return `${print(e.l, 1)} or ${print(e.r, 2)}`;
    case 'twice': return `twice(${print(e.e)})`;
    case 'share': return `share(${e.name})`;
  }
}

// Reference semantics, written independently of the compiler.

function refNumericText(s: string): number | null {
  const t = s.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

function refNumber(v: RuleValue): number | null {
  if (typeof v === 'number') return v;
  return typeof v === 'string' ? refNumericText(v) : null;
}

function refClean(v: RuleValue | undefined): RuleValue {
  if (v === undefined) return null;
  if (typeof v === 'number' && !Number.isFinite(v)) return null;
  if (Object.is(v, -0)) return 0;
  return v;
}

function refEqual(a: RuleValue, b: RuleValue): boolean {
  if (a === null || b === null) return a === null && b === null;
  if (typeof a === typeof b) return a === b;
  if (typeof a === 'number' && typeof b === 'string') return refNumericText(b) === a;
  if (typeof a === 'string' && typeof b === 'number') return refNumericText(a) === b;
  return false;
}

function refOrder(op: string, a: RuleValue, b: RuleValue): boolean {
  let x: number | string;
  let y: number | string;
  if (typeof a === 'string' && typeof b === 'string') [x, y] = [a, b];
  else if (typeof a === 'boolean' && typeof b === 'boolean') [x, y] = [Number(a), Number(b)];
  else if (
    (typeof a === 'number' && (typeof b === 'number' || typeof b === 'string')) ||
    (typeof a === 'string' && typeof b === 'number')
  ) {
    const p = refNumber(a);
    const q = refNumber(b);
    if (p === null || q === null) return false;
    [x, y] = [p, q];
  } else return false;
  if (op === '<') return x < y;
  if (op === '<=') return x <= y;
  if (op === '>') return x > y;
  return x >= y;
}

function truthy(v: RuleValue): boolean {
  return !(v === null || v === false || v === 0 || v === '');
}

function reference(e: Expr, row: Map<string, RuleValue | undefined>): RuleValue {
  switch (e.k) {
    case 'num': return Number(e.text);
    case 'str': return e.value;
    case 'bool': return e.value;
    case 'null': return null;
    case 'field': return refClean(row.get(e.name));
    case 'const': return e.name;
    case 'paren': return reference(e.e, row);
    case 'neg': {
      const a = refNumber(reference(e.e, row));
      return a === null ? null : refClean(-a);
    }
    case 'arith': {
      const a = refNumber(reference(e.l, row));
      const b = refNumber(reference(e.r, row));
      if (a === null || b === null) return null;
      const v = e.op === '+' ? a + b : e.op === '-' ? a - b : e.op === '*' ? a * b : e.op === '/' ? a / b : a % b;
      return refClean(v);
    }
    case 'cmp': {
      const a = reference(e.l, row);
      const b = reference(e.r, row);
      if (e.op === '==') return refEqual(a, b);
      if (e.op === '!=') return !refEqual(a, b);
      return refOrder(e.op, a, b);
    }
    case 'in': {
      const a = reference(e.l, row);
      const found = e.items.some((item) => refEqual(a, reference(item, row)));
      return e.negated ? !found : found;
    }
    case 'not': return !truthy(reference(e.e, row));
    case 'and': return truthy(reference(e.l, row)) && truthy(reference(e.r, row));
    case 'or': return truthy(reference(e.l, row)) || truthy(reference(e.r, row));
    case 'twice': {
      const v = reference(e.e, row);
      return typeof v === 'number' ? refClean(v * 2) : null;
    }
    case 'share': return PROP_SHARES.get(e.name) ?? null;
  }
}

const NUMBER_TEXTS = ['0', '1', '2', '3', '10', '0.5', '2.5', '1e3', '1E-1', '007'];
const fieldRef = fc.constantFrom(...PROP_FIELDS.map((f) => f.name)).map((name): Expr => ({ k: 'field', name }));
const numLiteral = fc.constantFrom(...NUMBER_TEXTS).map((text): Expr => ({ k: 'num', text }));
const strLiteral = fc
  .record({
    value: fc.string({ unit: fc.constantFrom('a', 'B', '3', ' ', '.', '"', "'", '\\', 'é'), maxLength: 4 }),
    quote: fc.constantFrom<'"' | "'">('"', "'"),
    escapeOther: fc.boolean(),
  })
  .map((r): Expr => ({ k: 'str', ...r }));
const boolLiteral = fc.record({ value: fc.boolean(), upper: fc.boolean() }).map((r): Expr => ({ k: 'bool', ...r }));
const constRef = fc.constantFrom('at_risk', 'lost').map((name): Expr => ({ k: 'const', name }));
const nullLiteral = fc.constant<Expr>({ k: 'null' });

/** Expressions that may be numbers (what arithmetic accepts). */
const numExpr: fc.Memo<Expr> = fc.memo((depth) => {
  const leaf = fc.oneof(numLiteral, fieldRef, nullLiteral);
  if (depth <= 1) return leaf;
  return fc.oneof(
    leaf,
    numExpr(depth - 1).map((e): Expr => ({ k: 'neg', e })),
    fc
      .record({ op: fc.constantFrom('+', '-', '*', '/', '%'), l: numExpr(depth - 1), r: numExpr(depth - 1) })
      .map((r): Expr => ({ k: 'arith', ...r })),
    numExpr(depth - 1).map((e): Expr => ({ k: 'twice', e })),
    fc.constantFrom('at_risk', 'n', 'lost', 'other').map((name): Expr => ({ k: 'share', name })),
    numExpr(depth - 1).map((e): Expr => ({ k: 'paren', e })),
  );
});

/** Any value: a comparison operand or list item. */
const valueExpr: fc.Memo<Expr> = fc.memo((depth) => fc.oneof(numExpr(depth), strLiteral, boolLiteral, constRef));

/** Any expression. */
const ruleExpr: fc.Memo<Expr> = fc.memo((depth) => {
  if (depth <= 1) return valueExpr(1);
  return fc.oneof(
    valueExpr(depth),
    fc
      .record({ op: fc.constantFrom('==', '!=', '<', '<=', '>', '>='), l: valueExpr(depth - 1), r: valueExpr(depth - 1) })
      .map((r): Expr => ({ k: 'cmp', ...r })),
    fc
      .record({ negated: fc.boolean(), l: valueExpr(depth - 1), items: fc.array(valueExpr(depth - 1), { maxLength: 4 }) })
      .map((r): Expr => ({ k: 'in', ...r })),
    ruleExpr(depth - 1).map((e): Expr => ({ k: 'not', e })),
    fc
      .record({ k: fc.constantFrom<'and' | 'or'>('and', 'or'), l: ruleExpr(depth - 1), r: ruleExpr(depth - 1) })
      .map((r): Expr => r),
    ruleExpr(depth - 1).map((e): Expr => ({ k: 'paren', e })),
  );
});

const fieldValue = fc.oneof(
  fc.constantFrom<RuleValue | undefined>(0, -0, 1, -1, 2.5, 3, 1000, NaN, Infinity, null, undefined, true, false),
  fc.constantFrom<RuleValue>('', '0', '3', ' 3 ', '3.0', '-2', '1e3', 'abc', 'a', 'B', 'at_risk', 'true'),
  fc.double({ noNaN: false }),
);
const propRow = fc.tuple(fieldValue, fieldValue, fieldValue, fieldValue);

describe('properties', () => {
  it('compiled rules agree with the reference evaluator', () => {
    fc.assert(
      fc.property(ruleExpr(5), propRow, (e, values) => {
        const source = print(e);
        const rule = compileRule(source, PROP_ENV);
        const byName = new Map(PROP_FIELDS.map((f, i) => [f.name, values[i]]));
        const expected = reference(e, byName);
        const row: RuleRow = (i) => values[i];
        expect(rule.evaluate(row), source).toBe(expected);
        expect(rule.test(row), source).toBe(truthy(expected));
      }),
      { numRuns: 2000 },
    );
  });

  it('printing adds no meaning: extra parentheses around the whole rule change nothing', () => {
    fc.assert(
      fc.property(ruleExpr(4), propRow, (e, values) => {
        const row: RuleRow = (i) => values[i];
        const plain = compileRule(print(e), PROP_ENV).evaluate(row);
        expect(compileRule(`(${print(e)})`, PROP_ENV).evaluate(row)).toBe(plain);
      }),
      { numRuns: 300 },
    );
  });

  const TOKENS = [
    'n', 'm', 's.t', 'flag', 'at_risk', 'nope', 'share', 'twice', 'constructor', '__proto__',
    'and', 'or', 'not', 'in', 'true', 'FALSE', 'null', '1', '2.5', '1e3', '"a"', "'b'", '"', "'", '\\',
    '==', '!=', '<', '<=', '>', '>=', '+', '-', '*', '/', '%', '(', ')', '[', ']', ',', '.', ' ',
    '&&', '||', '!', '=', ';', '`', '$', '{', '}', '\n', 'é',
  ];

  it('random token soup is either a rule or a RuleSyntaxError', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 12 }), propRow, (tokens, values) => {
        const source = tokens.join(' ');
        let rule;
        try {
          rule = compileRule(source, PROP_ENV);
        } catch (e) {
          expect(e).toBeInstanceOf(RuleSyntaxError);
          const err = e as RuleSyntaxError;
          expect(err.position).toBeGreaterThanOrEqual(0);
          expect(err.position).toBeLessThanOrEqual(source.length);
          expect(err.pointer().split('\n')).toHaveLength(2);
          return;
        }
        rule.evaluate((i) => values[i]);
      }),
      { numRuns: 3000 },
    );
  });

  it('random text is either a rule or a RuleSyntaxError', () => {
    const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), fc.string({ unit: 'grapheme-ascii', maxLength: 30 }));
    fc.assert(
      fc.property(text, (source) => {
        try {
          compileRule(source, PROP_ENV).evaluate(() => 1);
        } catch (e) {
          expect(e).toBeInstanceOf(RuleSyntaxError);
          expect((e as RuleSyntaxError).position).toBeLessThanOrEqual(source.length);
        }
      }),
      { numRuns: 3000 },
    );
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});
