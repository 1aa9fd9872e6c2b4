import { InternalError, UsageError } from '../domain/errors.js';
import { closeMatches, listNames, type RuleValueSet } from './rule-values.js';

/**
 * Rule expressions: the small expression language of clm's own used for custom segments
 * (spec §4.2), `--where` and `--fail-if`. A rule is parsed, checked against the caller's
 * fields, functions and constants, and compiled once into closures; it is never evaluated
 * as JavaScript (no eval, no Function, no property access on objects: a name means
 * something only if the caller's field table, function table or constant list has it,
 * and those are looked up in Maps, so `__proto__` or `constructor` are simply unknown).
 *
 * Grammar, lowest precedence first:
 *
 *   rule     := or                                    (anything after it is an error)
 *   or       := and ( "or" and )*
 *   and      := not ( "and" not )*
 *   not      := "not" not | compare
 *   compare  := sum [ ("==" | "!=" | "<" | "<=" | ">" | ">=") sum
 *                   | "in" list | "not" "in" list ]    (non-associative: a < b < c is an error)
 *   sum      := product ( ("+" | "-") product )*
 *   product  := unary ( ("*" | "/" | "%") unary )*
 *   unary    := "-" unary | primary
 *   primary  := number | string | "true" | "false" | "null" | name | name "(" args ")"
 *             | "(" or ")"
 *   list     := "[" [ or ( "," or )* ] "]"             (only right of `in`)
 *
 *   number   12, 0.25, 1e3, 2.5E-2 (no leading sign: -3 is unary minus; no `.5`)
 *   string   "..." or '...'; the only escapes are \" \' \\
 *   name     ASCII letters, digits and _, starting with a letter or _; parts may be joined
 *            by `.` (backtest.mape). Keywords (and or not in true false null) are written all
 *            lower case or all upper case; they cannot be used as names.
 *
 * `&&`, `||`, `!`, `=`, `===`, `!==`, `<>` are errors that name the operator to use.
 *
 * Semantics (a value is a number, a string, a boolean or null):
 *
 * - A missing field value (the row returns undefined) and a number that is not finite
 *   (NaN, ±Infinity) are null.
 * - Numeric text: a string that is a plain decimal number (optional sign, digits, optional
 *   fraction and exponent, surrounding spaces ignored; no `1,234`, `0x10`, `Infinity` or
 *   empty text) stands for that number wherever a number meets a string. Attributes read
 *   from CSV are strings, so `referrals > 0` holds for "3".
 * - `==`: null equals only null. Two numbers compare by value, two booleans by value, two
 *   strings by exact text — case-sensitive and without trimming, like stage names and ids;
 *   a case-insensitive `==` would be surprising next to `in` and locale-dependent (a caller
 *   who wants it can offer a function such as `lower(country)`). A number and a string are
 *   equal when the string is numeric text of that number ("3" == 3, "3.0" == 3); two
 *   strings are never compared as numbers ("3.0" != "3"). Anything else is unequal
 *   (true != 1, true != "true"). `!=` is exactly `not ==`, so `null != 5` is true.
 * - `<` `<=` `>` `>=`: numbers (a numeric-text string counts as its number when the other
 *   side is a number), two strings by UTF-16 code units (locale-free), two booleans with
 *   false < true. Any other pair — null on either side, text that is not numeric against
 *   a number, mixed kinds — makes the comparison false (and `not (a < b)` true).
 * - `x in [a, b]` is `x == a or x == b` (the same equality); `x not in [...]` is its negation.
 * - Arithmetic `+ - * / %` and unary `-` work on numbers and numeric text; null, booleans
 *   and other text make the result null. A result that is not finite is null, so division
 *   (and `%`) by zero is null. `%` keeps the sign of the left side (JavaScript remainder).
 *   There is no string concatenation.
 * - Truthiness: null, false, 0 and "" are false, everything else is true (the text "0" and
 *   "false" are true; write `x > 0` or `x == "false"`). `and`/`or` short-circuit and return
 *   a boolean; `not` returns a boolean; `test(row)` is the truthiness of `evaluate(row)`.
 * - A name is, in order: a field, then a constant from `env.constants` (a string equal to
 *   its name, e.g. `missed`, `at_risk`). In a call to a function declared with `nameArgs`,
 *   an argument that is a bare name is passed as its name (`share(at_risk)` calls share
 *   with "at_risk"); other arguments are evaluated. Function results pass through the same
 *   normalisation as field values (undefined and non-finite numbers become null).
 *
 * Checked when compiling, each a RuleSyntaxError pointing at the offending character:
 * first syntax, in reading order (unexpected character or end, unterminated string,
 * unknown escape, trailing input, chained comparisons, a list outside `in`, empty rule,
 * nesting deeper than 200 levels); then names and types over the whole rule (unknown
 * names with close matches, unknown functions, wrong number of arguments, a string,
 * boolean or comparison used in arithmetic, and a field of a declared type compared with
 * a literal it can never match: `revenue == "high"` for a number field, `vip == 1` for a
 * boolean field, `country == true` for a string field, and `stage == "atrisk"` (with
 * `!=`, `in`, `not in`) for a field or function with a closed set of values, with the close
 * matches). Fields of type `any` are never checked statically; evaluation never relies on
 * declared types, only on the values.
 */

export type RuleValue = number | string | boolean | null;

export interface RuleField {
  name: string;
  type: 'number' | 'string' | 'boolean' | 'any';
  /** A text field's closed set of values (stages, segment names, period labels). */
  values?: RuleValueSet;
}

export interface RuleFunction {
  name: string;
  arity: number;
  call: (...args: RuleValue[]) => RuleValue;
  /** args that are bare identifiers passed as names, e.g. share(at_risk) */
  nameArgs?: boolean;
  /** The closed set of texts the function returns (null aside), e.g. goal statuses. */
  values?: RuleValueSet;
  /** The closed set of texts its arguments take, e.g. stage names for share(at_risk): a literal (or bare name) outside it is an error. */
  argValues?: RuleValueSet;
}

export interface RuleEnv {
  fields: readonly RuleField[];
  functions?: readonly RuleFunction[];
  /** identifiers accepted as bare string constants, e.g. stage names, `missed` */
  constants?: readonly string[];
}

/** Values by field index (index into env.fields), so evaluating over 1M customers needs no string lookups. */
export type RuleRow = (fieldIndex: number) => RuleValue | undefined;

export interface CompiledRule {
  readonly source: string;
  /** Names of the fields the rule reads, in order of first appearance. */
  readonly fieldsUsed: readonly string[];
  evaluate(row: RuleRow): RuleValue;
  test(row: RuleRow): boolean;
}

/**
 * An invalid rule. `position` is the 0-based index of the offending character in `source`
 * (`source.length` for an unexpected end); the message says "at character N" with N
 * counted from 1, as editors count columns. A UsageError, so an uncaught one exits 2.
 */
export class RuleSyntaxError extends UsageError {
  readonly position: number;
  readonly source: string;

  constructor(source: string, position: number, problem: string, advice?: string) {
    super(`${problem} at character ${position + 1}${advice ? `; ${advice}` : ''}`);
    this.source = source;
    this.position = position;
  }

  /** Two lines: the rule, and a caret under the offending character. */
  pointer(): string {
    const shown = this.source.replace(/[\t\n\r]/g, ' ');
    // Count code points, not UTF-16 units, so the caret stays under the character.
    const column = [...this.source.slice(0, this.position)].length;
    return `${shown}\n${' '.repeat(column)}^`;
  }
}

/** Parses, checks and compiles `source` against `env`; throws RuleSyntaxError. */
export function compileRule(source: string, env: RuleEnv): CompiledRule {
  const ast = parseRule(source);
  const compiler = new Compiler(source, env);
  const evaluate = compiler.compile(ast).evaluate;
  const fieldsUsed = Object.freeze([...compiler.fieldsUsed]);
  return Object.freeze({
    source,
    fieldsUsed,
    evaluate: (row: RuleRow): RuleValue => evaluate(row),
    test: (row: RuleRow): boolean => isTruthy(evaluate(row)),
  });
}

// ---------------------------------------------------------------------------------------
// Values: the semantics above, as the compiled closures use them.

/** null, false, 0 and "" are false. */
function isTruthy(v: RuleValue): boolean {
  return v !== null && v !== false && v !== 0 && v !== '';
}

const NUMERIC_TEXT = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** The number a string of numeric text stands for, or null. */
function parseNumericText(s: string): number | null {
  if (!NUMERIC_TEXT.test(s)) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

/** A number for arithmetic, or null when the value is not a number or numeric text. */
function toNumber(v: RuleValue): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return parseNumericText(v);
  return null;
}

/** Undefined and non-finite numbers become null; -0 becomes 0. */
function normalise(v: RuleValue | undefined): RuleValue {
  if (v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v + 0 : null;
  return v;
}

/** `==`. Agrees with `compareOrder(a, b) === 0` whenever neither side is null. */
function isEqual(a: RuleValue, b: RuleValue): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'string') return parseNumericText(b) === a;
  if (typeof a === 'string' && typeof b === 'number') return parseNumericText(a) === b;
  return false;
}

/** Sign of a - b for an ordering comparison, or NaN when the pair cannot be ordered. */
function compareOrder(a: RuleValue, b: RuleValue): number {
  if (typeof a === 'number') {
    if (typeof b === 'number') return sign(a, b);
    if (typeof b === 'string') {
      const n = parseNumericText(b);
      return n === null ? NaN : sign(a, n);
    }
    return NaN;
  }
  if (typeof a === 'string') {
    if (typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
    if (typeof b === 'number') {
      const n = parseNumericText(a);
      return n === null ? NaN : sign(n, b);
    }
    return NaN;
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  return NaN;
}

function sign(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------
// Lexer: turns the source into tokens on demand, so errors come in reading order.

type TokenKind = 'number' | 'string' | 'name' | 'keyword' | 'op' | 'end';

interface Token {
  kind: TokenKind;
  /** Keywords lower-cased; names and operators as written; strings/numbers as written. */
  text: string;
  /** The value of a number or string literal. */
  value?: number | string;
  pos: number;
  end: number;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'true', 'false', 'null']);

/** Operators, longest first so `<=` wins over `<`. */
const OPERATORS = ['==', '!=', '<=', '>=', '<', '>', '+', '-', '*', '/', '%', '(', ')', '[', ']', ','];

/** Operators of other languages, with what to write instead. Longest first. */
const FOREIGN_OPERATORS: readonly (readonly [string, string])[] = [
  ['===', '=='],
  ['!==', '!='],
  ['&&', 'and'],
  ['||', 'or'],
  ['<>', '!='],
  ['=', '=='],
  ['!', 'not'],
  ['&', 'and'],
  ['|', 'or'],
];

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isNameStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isNamePart(c: number): boolean {
  return isNameStart(c) || isDigit(c);
}

class Lexer {
  private at = 0;
  private peeked: Token | undefined;

  constructor(readonly source: string) {}

  peek(): Token {
    this.peeked ??= this.scan();
    return this.peeked;
  }

  next(): Token {
    const t = this.peek();
    this.peeked = undefined;
    return t;
  }

  /** The token after the peeked one (for `not in`); leaves both in place. */
  peekSecond(): Token {
    const first = this.peek();
    const saved = this.at;
    const second = this.scan();
    this.at = saved;
    this.peeked = first;
    return second;
  }

  private fail(pos: number, problem: string, advice?: string): never {
    throw new RuleSyntaxError(this.source, pos, problem, advice);
  }

  private scan(): Token {
    const s = this.source;
    while (this.at < s.length && ' \t\n\r'.includes(s[this.at])) this.at++;
    const pos = this.at;
    if (pos >= s.length) return { kind: 'end', text: '', pos, end: pos };
    const c = s.charCodeAt(pos);
    if (isDigit(c)) return this.scanNumber(pos);
    if (isNameStart(c)) return this.scanName(pos);
    if (c === 34 || c === 39) return this.scanString(pos);
    for (const [foreign, ours] of FOREIGN_OPERATORS) {
      if (s.startsWith(foreign, pos) && !OPERATORS.some((op) => op.length >= foreign.length && s.startsWith(op, pos))) {
        this.fail(pos, `${quote(foreign)} is not an operator in rules`, `write ${quote(ours)}`);
      }
    }
    for (const op of OPERATORS) {
      if (s.startsWith(op, pos)) {
        this.at = pos + op.length;
        return { kind: 'op', text: op, pos, end: this.at };
      }
    }
    if (c === 46 && isDigit(s.charCodeAt(pos + 1))) {
      this.fail(pos, 'a number cannot start with `.`', 'write a 0 before it, e.g. 0.5');
    }
    return this.fail(pos, `unexpected character ${describeChar(s, pos)}`);
  }

  private scanNumber(pos: number): Token {
    const s = this.source;
    let i = pos;
    while (isDigit(s.charCodeAt(i))) i++;
    if (s[i] === '.' && isDigit(s.charCodeAt(i + 1))) {
      i++;
      while (isDigit(s.charCodeAt(i))) i++;
    }
    if (s[i] === 'e' || s[i] === 'E') {
      let j = i + 1;
      if (s[j] === '+' || s[j] === '-') j++;
      if (!isDigit(s.charCodeAt(j))) this.fail(i, `the exponent of the number ${quote(s.slice(pos, j))} has no digits`);
      while (isDigit(s.charCodeAt(j))) j++;
      i = j;
    }
    if (i < s.length && (isNamePart(s.charCodeAt(i)) || s[i] === '.')) {
      this.fail(i, `unexpected character ${describeChar(s, i)} after the number ${quote(s.slice(pos, i))}`);
    }
    const text = s.slice(pos, i);
    const value = Number(text);
    if (!Number.isFinite(value)) this.fail(pos, `the number ${quote(text)} is too large`);
    this.at = i;
    return { kind: 'number', text, value, pos, end: i };
  }

  private scanName(pos: number): Token {
    const s = this.source;
    let i = pos;
    for (;;) {
      while (isNamePart(s.charCodeAt(i))) i++;
      // A dot joins parts only when a part follows (backtest.mape).
      if (s[i] === '.' && isNameStart(s.charCodeAt(i + 1))) i++;
      else break;
    }
    this.at = i;
    const text = s.slice(pos, i);
    const lower = text.toLowerCase();
    if (KEYWORDS.has(lower) && (text === lower || text === text.toUpperCase())) {
      return { kind: 'keyword', text: lower, pos, end: i };
    }
    return { kind: 'name', text, pos, end: i };
  }

  private scanString(pos: number): Token {
    const s = this.source;
    const q = s[pos];
    let value = '';
    let i = pos + 1;
    for (;;) {
      if (i >= s.length) this.fail(pos, 'unterminated string', `close it with ${q}`);
      const ch = s[i];
      if (ch === q) break;
      if (ch === '\\') {
        const e = s[i + 1];
        if (e === '"' || e === "'" || e === '\\') {
          value += e;
          i += 2;
          continue;
        }
        if (e === undefined) this.fail(pos, 'unterminated string', `close it with ${q}`);
        this.fail(i, `unknown escape ${quote('\\' + e)}`, 'the only escapes are \\" \\\' and \\\\');
      }
      value += ch;
      i++;
    }
    this.at = i + 1;
    return { kind: 'string', text: s.slice(pos, this.at), value, pos, end: this.at };
  }
}

/** `x` in backticks, or in quotes when it holds a backtick. */
function quote(text: string): string {
  return text.includes('`') ? `'${text}'` : `\`${text}\``;
}

/** A character for a message: quoted when printable, U+XXXX otherwise. */
function describeChar(s: string, pos: number): string {
  const cp = s.codePointAt(pos) ?? 0;
  const ch = String.fromCodePoint(cp);
  if (cp < 0x20 || (cp >= 0x7f && cp <= 0xa0) || /\s/u.test(ch)) {
    return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return quote(ch);
}

function describeToken(t: Token): string {
  return t.kind === 'end' ? 'the end of the rule' : quote(t.text);
}

// ---------------------------------------------------------------------------------------
// Parser: recursive descent over the grammar above, producing a small tree with positions.

type ArithOp = '+' | '-' | '*' | '/' | '%';
type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

/** Every node spans source[pos, end). */
type Node =
  | { kind: 'literal'; value: RuleValue; pos: number; end: number }
  | { kind: 'name'; name: string; pos: number; end: number }
  | { kind: 'call'; name: string; args: Node[]; close: number; pos: number; end: number }
  | { kind: 'neg'; operand: Node; pos: number; end: number }
  | { kind: 'arith'; op: ArithOp; left: Node; right: Node; pos: number; end: number }
  | { kind: 'compare'; op: CompareOp; left: Node; right: Node; pos: number; end: number }
  | { kind: 'in'; negated: boolean; left: Node; items: Node[]; pos: number; end: number }
  | { kind: 'not'; operand: Node; pos: number; end: number }
  | { kind: 'and' | 'or'; operands: Node[]; pos: number; end: number };

/**
 * How deep a rule may nest (parentheses, `not`, unary minus, calls, lists and chains of
 * arithmetic all count). Far beyond any real rule, and far below what would exhaust the
 * stack while parsing, compiling or evaluating, which would not be a RuleSyntaxError.
 */
const MAX_DEPTH = 200;

const COMPARE_OPS = new Set<string>(['==', '!=', '<', '<=', '>', '>=']);

function parseRule(source: string): Node {
  const lexer = new Lexer(source);
  if (lexer.peek().kind === 'end') throw new RuleSyntaxError(source, 0, 'empty rule', 'write a condition such as revenue > 500');
  const parser = new Parser(lexer);
  const node = parser.parseOr();
  const rest = lexer.peek();
  if (rest.kind !== 'end') {
    const lower = rest.text.toLowerCase();
    const advice =
      rest.kind === 'name' && KEYWORDS.has(lower)
        ? `keywords are written in lower case: ${quote(lower)}`
        : 'join conditions with `and` or `or`';
    throw new RuleSyntaxError(source, rest.pos, `unexpected ${describeToken(rest)} after a complete expression`, advice);
  }
  return node;
}

class Parser {
  /** Depth of each inner node's subtree; leaves are 1 and are not stored. */
  private readonly depths = new WeakMap<Node, number>();
  /** Recursive descents in progress, bounded so `((((…` cannot overflow the stack. */
  private nesting = 0;

  constructor(private readonly lexer: Lexer) {}

  private tooDeep(pos: number): never {
    return this.fail(pos, `the rule nests too deeply (more than ${MAX_DEPTH} levels)`, 'simplify it, e.g. with `in [...]`');
  }

  /** Runs a recursive descent that starts at `pos`, within MAX_DEPTH. */
  private nested<T>(pos: number, parse: () => T): T {
    if (++this.nesting > MAX_DEPTH) this.tooDeep(pos);
    try {
      return parse();
    } finally {
      this.nesting--;
    }
  }

  /** Records the depth of a new inner node; `at` is where to point if it is too deep. */
  private made<T extends Node>(node: T, children: readonly Node[], at: number): T {
    let depth = 1;
    for (const c of children) depth = Math.max(depth, 1 + (this.depths.get(c) ?? 1));
    if (depth > MAX_DEPTH) this.tooDeep(at);
    this.depths.set(node, depth);
    return node;
  }

  private fail(pos: number, problem: string, advice?: string): never {
    throw new RuleSyntaxError(this.lexer.source, pos, problem, advice);
  }

  private isKeyword(t: Token, word: string): boolean {
    return t.kind === 'keyword' && t.text === word;
  }

  private isOp(t: Token, op: string): boolean {
    return t.kind === 'op' && t.text === op;
  }

  parseOr(): Node {
    return this.parseChain('or', () => this.parseAnd());
  }

  private parseAnd(): Node {
    return this.parseChain('and', () => this.parseNot());
  }

  /** `a or b or c` is one node with three operands, so long chains do not nest. */
  private parseChain(word: 'and' | 'or', parseOperand: () => Node): Node {
    const first = parseOperand();
    if (!this.isKeyword(this.lexer.peek(), word)) return first;
    const operands = [first];
    while (this.isKeyword(this.lexer.peek(), word)) {
      this.lexer.next();
      operands.push(parseOperand());
    }
    const last = operands[operands.length - 1];
    return this.made({ kind: word, operands, pos: first.pos, end: last.end }, operands, first.pos);
  }

  private parseNot(): Node {
    const t = this.lexer.peek();
    if (this.isKeyword(t, 'not')) {
      this.lexer.next();
      const operand = this.nested(t.pos, () => this.parseNot());
      return this.made({ kind: 'not', operand, pos: t.pos, end: operand.end }, [operand], t.pos);
    }
    return this.parseCompare();
  }

  /** True when the next tokens start a comparison (an operator, `in` or `not in`). */
  private atComparison(): boolean {
    const t = this.lexer.peek();
    if (t.kind === 'op' && COMPARE_OPS.has(t.text)) return true;
    if (this.isKeyword(t, 'in')) return true;
    return this.isKeyword(t, 'not') && this.isKeyword(this.lexer.peekSecond(), 'in');
  }

  private parseCompare(): Node {
    const left = this.parseSum();
    if (!this.atComparison()) return left;
    const t = this.lexer.next();
    let node: Node;
    if (t.kind === 'op') {
      const right = this.parseSum();
      node = this.made({ kind: 'compare', op: t.text as CompareOp, left, right, pos: left.pos, end: right.end }, [left, right], t.pos);
    } else {
      const negated = t.text === 'not';
      if (negated) this.lexer.next(); // the `in`
      const { items, end } = this.parseList();
      node = this.made({ kind: 'in', negated, left, items, pos: left.pos, end }, [left, ...items], t.pos);
    }
    if (this.atComparison()) {
      const again = this.lexer.peek();
      this.fail(
        again.pos,
        'comparisons cannot be chained',
        'write each comparison separately and join them with `and`, e.g. a < b and b < c',
      );
    }
    return node;
  }

  private parseList(): { items: Node[]; end: number } {
    const open = this.lexer.peek();
    if (!this.isOp(open, '[')) {
      const found = describeToken(open);
      this.fail(open.pos, `expected a list after \`in\` but found ${found}`, 'write e.g. stage in ["at_risk", "churned"]');
    }
    this.lexer.next();
    const items: Node[] = [];
    if (this.isOp(this.lexer.peek(), ']')) return { items, end: this.lexer.next().end };
    for (;;) {
      items.push(this.nested(open.pos, () => this.parseOr()));
      const t = this.lexer.next();
      if (this.isOp(t, ']')) return { items, end: t.end };
      if (!this.isOp(t, ',')) {
        const where = `in the list that starts at character ${open.pos + 1}`;
        this.fail(t.pos, `expected \`,\` or \`]\` ${where} but found ${describeToken(t)}`);
      }
    }
  }

  private parseSum(): Node {
    let left = this.parseProduct();
    for (;;) {
      const t = this.lexer.peek();
      if (!(this.isOp(t, '+') || this.isOp(t, '-'))) return left;
      this.lexer.next();
      const right = this.parseProduct();
      left = this.made({ kind: 'arith', op: t.text as ArithOp, left, right, pos: left.pos, end: right.end }, [left, right], t.pos);
    }
  }

  private parseProduct(): Node {
    let left = this.parseUnary();
    for (;;) {
      const t = this.lexer.peek();
      if (!(this.isOp(t, '*') || this.isOp(t, '/') || this.isOp(t, '%'))) return left;
      this.lexer.next();
      const right = this.parseUnary();
      left = this.made({ kind: 'arith', op: t.text as ArithOp, left, right, pos: left.pos, end: right.end }, [left, right], t.pos);
    }
  }

  private parseUnary(): Node {
    const t = this.lexer.peek();
    if (this.isOp(t, '-')) {
      this.lexer.next();
      const operand = this.nested(t.pos, () => this.parseUnary());
      return this.made({ kind: 'neg', operand, pos: t.pos, end: operand.end }, [operand], t.pos);
    }
    return this.parsePrimary();
  }

  private parsePrimary(): Node {
    const t = this.lexer.next();
    const at = { pos: t.pos, end: t.end };
    switch (t.kind) {
      case 'number':
      case 'string':
        return { kind: 'literal', value: t.value ?? null, ...at };
      case 'keyword':
        if (t.text === 'true') return { kind: 'literal', value: true, ...at };
        if (t.text === 'false') return { kind: 'literal', value: false, ...at };
        if (t.text === 'null') return { kind: 'literal', value: null, ...at };
        return this.fail(t.pos, `expected a value but found ${describeToken(t)}`, this.keywordAdvice(t.text));
      case 'name':
        if (this.isOp(this.lexer.peek(), '(')) return this.parseCall(t);
        return { kind: 'name', name: t.text, ...at };
      case 'end':
        return this.fail(t.pos, 'unexpected end of rule', 'expected a value');
      case 'op':
        if (t.text === '(') {
          const inner = this.nested(t.pos, () => this.parseOr());
          const close = this.lexer.next();
          if (!this.isOp(close, ')')) {
            this.fail(close.pos, `expected \`)\` to close the \`(\` at character ${t.pos + 1} but found ${describeToken(close)}`);
          }
          // The same node, spanning the parentheses (so messages quote them too).
          const wrapped: Node = { ...inner, pos: t.pos, end: close.end };
          this.depths.set(wrapped, this.depths.get(inner) ?? 1);
          return wrapped;
        }
        if (t.text === '[') {
          this.fail(t.pos, 'a list `[...]` is only allowed after `in`', 'write e.g. stage in ["new", "active"]');
        }
        return this.fail(t.pos, `expected a value but found ${describeToken(t)}`);
    }
  }

  private keywordAdvice(word: string): string | undefined {
    if (word === 'in') return 'write e.g. stage in ["new", "active"]';
    if (word === 'not') return 'put `not` first, as in not (a == b), or in parentheses, as in a == (not b)';
    return undefined;
  }

  private parseCall(name: Token): Node {
    this.lexer.next(); // the `(`
    const args: Node[] = [];
    if (this.isOp(this.lexer.peek(), ')')) {
      const close = this.lexer.next();
      return { kind: 'call', name: name.text, args, close: close.pos, pos: name.pos, end: close.end };
    }
    for (;;) {
      args.push(this.nested(name.pos, () => this.parseOr()));
      const t = this.lexer.next();
      if (this.isOp(t, ')')) {
        return this.made({ kind: 'call', name: name.text, args, close: t.pos, pos: name.pos, end: t.end }, args, name.pos);
      }
      if (!this.isOp(t, ',')) {
        this.fail(t.pos, `expected \`,\` or \`)\` in the call to ${quote(name.text)} but found ${describeToken(t)}`);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------
// Compiler: resolves names once and turns the tree into closures, folding constant parts.

type Evaluator = (row: RuleRow) => RuleValue;

interface Compiled {
  evaluate: Evaluator;
  /** True when the value does not depend on the row (then `value` is it). */
  constant: boolean;
  value: RuleValue;
}

/** A row for folding constants; never called, since constant parts read no field. */
const NO_ROW: RuleRow = () => {
  throw new InternalError('rule-expr: a constant part of a rule read a field');
};

class Compiler {
  private readonly fields = new Map<string, { index: number; field: RuleField }>();
  private readonly functions = new Map<string, RuleFunction>();
  private readonly constants = new Set<string>();
  readonly fieldsUsed = new Set<string>();

  constructor(
    private readonly source: string,
    env: RuleEnv,
  ) {
    env.fields.forEach((field, index) => {
      if (this.fields.has(field.name)) throw new InternalError(`rule-expr: field ${field.name} is declared twice`);
      this.fields.set(field.name, { index, field });
    });
    for (const fn of env.functions ?? []) {
      if (this.functions.has(fn.name)) throw new InternalError(`rule-expr: function ${fn.name} is declared twice`);
      this.functions.set(fn.name, fn);
    }
    for (const c of env.constants ?? []) this.constants.add(c);
  }

  private fail(pos: number, problem: string, advice?: string): never {
    throw new RuleSyntaxError(this.source, pos, problem, advice);
  }

  private text(node: Node): string {
    return quote(this.source.slice(node.pos, node.end));
  }

  compile(node: Node): Compiled {
    switch (node.kind) {
      case 'literal':
        return constant(node.value);
      case 'name':
        return this.compileName(node);
      case 'call':
        return this.compileCall(node);
      case 'neg': {
        this.checkArithmetic(node.operand);
        const operand = this.compile(node.operand);
        const f = operand.evaluate;
        return fold((row) => {
          const a = toNumber(f(row));
          return a === null ? null : -a + 0;
        }, [operand]);
      }
      case 'arith':
        return this.compileArithmetic(node.op, node.left, node.right);
      case 'compare':
        return this.compileCompare(node.op, node.left, node.right);
      case 'in':
        return this.compileIn(node.negated, node.left, node.items);
      case 'not': {
        const operand = this.compile(node.operand);
        const f = operand.evaluate;
        return fold((row) => !isTruthy(f(row)), [operand]);
      }
      case 'and':
      case 'or':
        return this.compileChain(node.kind, node.operands);
    }
  }

  /** `and`/`or` over two or more operands, left to right, stopping as soon as the result is known. */
  private compileChain(word: 'and' | 'or', operandNodes: readonly Node[]): Compiled {
    const operands = operandNodes.map((o) => this.compile(o));
    const fs = operands.map((o) => o.evaluate);
    // `and` stops at the first falsy operand, `or` at the first truthy one.
    const stopAt = word === 'or';
    let evaluate: Evaluator;
    if (fs.length === 2) {
      const [l, r] = fs;
      evaluate = stopAt ? (row) => isTruthy(l(row)) || isTruthy(r(row)) : (row) => isTruthy(l(row)) && isTruthy(r(row));
    } else {
      evaluate = (row) => {
        for (const f of fs) if (isTruthy(f(row)) === stopAt) return stopAt;
        return !stopAt;
      };
    }
    return fold(evaluate, operands);
  }

  private compileName(node: Extract<Node, { kind: 'name' }>): Compiled {
    const entry = this.fields.get(node.name);
    if (entry) {
      this.fieldsUsed.add(node.name);
      const index = entry.index;
      return { evaluate: (row) => normalise(row(index)), constant: false, value: null };
    }
    if (this.constants.has(node.name)) return constant(node.name);
    if (this.functions.has(node.name)) {
      this.fail(node.pos, `${quote(node.name)} is a function`, `call it, e.g. ${node.name}(...)`);
    }
    const lower = node.name.toLowerCase();
    if (KEYWORDS.has(lower)) {
      this.fail(node.pos, `unknown field ${quote(node.name)}`, `keywords are written in lower case: ${quote(lower)}`);
    }
    const known = [...this.fields.keys()];
    const matches = closeMatches(node.name, [...known, ...this.constants]);
    const advice = [
      matches.length > 0 ? `did you mean ${matches.map(quote).join(' or ')}?` : '',
      known.length > 0 ? `fields: ${listNames(known)}` : 'no fields are available here',
    ];
    return this.fail(node.pos, `unknown field ${quote(node.name)}`, advice.filter(Boolean).join(' '));
  }

  private compileCall(node: Extract<Node, { kind: 'call' }>): Compiled {
    const fn = this.functions.get(node.name);
    if (!fn) {
      if (this.fields.has(node.name)) this.fail(node.pos, `${quote(node.name)} is a field, not a function`);
      const known = [...this.functions.keys()];
      const matches = closeMatches(node.name, known);
      const advice = [
        matches.length > 0 ? `did you mean ${matches.map(quote).join(' or ')}?` : '',
        known.length > 0 ? `functions: ${listNames(known)}` : 'no functions are available here',
      ];
      this.fail(node.pos, `unknown function ${quote(node.name)}`, advice.filter(Boolean).join(' '));
    }
    const got = node.args.length;
    if (got !== fn.arity) {
      const takes = `${quote(fn.name)} takes ${fn.arity} argument${fn.arity === 1 ? '' : 's'} but got ${got}`;
      this.fail(got > fn.arity ? node.args[fn.arity].pos : node.close, takes);
    }
    if (fn.argValues) for (const arg of node.args) this.checkArgument(fn, fn.argValues, arg);
    const args = node.args.map((arg) =>
      fn.nameArgs && arg.kind === 'name' ? constant(arg.name) : this.compile(arg),
    );
    const call = fn.call;
    const [a, b] = args.map((arg) => arg.evaluate);
    // Functions are the caller's and may not be pure, so calls are never folded.
    let evaluate: Evaluator;
    if (args.length === 0) evaluate = () => normalise(call());
    else if (args.length === 1) evaluate = (row) => normalise(call(a(row)));
    else if (args.length === 2) evaluate = (row) => normalise(call(a(row), b(row)));
    else {
      const all = args.map((arg) => arg.evaluate);
      evaluate = (row) => normalise(call(...all.map((f) => f(row))));
    }
    return { evaluate, constant: false, value: null };
  }

  /** Arithmetic operands that can never be numbers are errors, not silent nulls. */
  private checkArithmetic(node: Node): void {
    const advice = 'arithmetic needs numbers';
    if (node.kind === 'literal' && (typeof node.value === 'string' || typeof node.value === 'boolean')) {
      this.fail(node.pos, `${this.text(node)} is not a number`, advice);
    }
    if (node.kind === 'compare' || node.kind === 'in' || node.kind === 'not' || node.kind === 'and' || node.kind === 'or') {
      this.fail(node.pos, `${this.text(node)} is true or false, not a number`, advice);
    }
    if (node.kind === 'name') {
      const entry = this.fields.get(node.name);
      if (entry?.field.type === 'boolean') this.fail(node.pos, `${quote(node.name)} holds true or false, not numbers`, advice);
      if (!entry && this.constants.has(node.name)) this.fail(node.pos, `${quote(node.name)} is a name, not a number`, advice);
    }
  }

  private compileArithmetic(op: ArithOp, leftNode: Node, rightNode: Node): Compiled {
    this.checkArithmetic(leftNode);
    this.checkArithmetic(rightNode);
    const left = this.compile(leftNode);
    const right = this.compile(rightNode);
    const l = left.evaluate;
    const r = right.evaluate;
    const apply = arithmeticOf(op);
    return fold((row) => {
      const a = toNumber(l(row));
      if (a === null) return null;
      const b = toNumber(r(row));
      if (b === null) return null;
      const v = apply(a, b);
      return Number.isFinite(v) ? v + 0 : null;
    }, [left, right]);
  }

  private compileCompare(op: CompareOp, leftNode: Node, rightNode: Node): Compiled {
    this.checkComparable(leftNode, rightNode);
    this.checkComparable(rightNode, leftNode);
    const ordering = op !== '==' && op !== '!=';
    this.checkInValues(leftNode, rightNode, ordering);
    this.checkInValues(rightNode, leftNode, ordering);
    const left = this.compile(leftNode);
    const right = this.compile(rightNode);
    const l = left.evaluate;
    const r = right.evaluate;
    let evaluate: Evaluator;
    switch (op) {
      case '==': evaluate = (row) => isEqual(l(row), r(row)); break;
      case '!=': evaluate = (row) => !isEqual(l(row), r(row)); break;
      case '<': evaluate = (row) => compareOrder(l(row), r(row)) < 0; break;
      case '<=': evaluate = (row) => compareOrder(l(row), r(row)) <= 0; break;
      case '>': evaluate = (row) => compareOrder(l(row), r(row)) > 0; break;
      case '>=': evaluate = (row) => compareOrder(l(row), r(row)) >= 0; break;
    }
    return fold(evaluate, [left, right]);
  }

  private compileIn(negated: boolean, leftNode: Node, itemNodes: Node[]): Compiled {
    for (const item of itemNodes) {
      this.checkComparable(leftNode, item);
      this.checkInValues(leftNode, item);
    }
    const left = this.compile(leftNode);
    const items = itemNodes.map((item) => this.compile(item));
    const l = left.evaluate;
    let contains: (v: RuleValue, row: RuleRow) => boolean;
    if (items.every((item) => item.constant)) {
      contains = buildMembership(items.map((item) => item.value));
    } else {
      const fs = items.map((item) => item.evaluate);
      contains = (v, row) => fs.some((f) => isEqual(v, f(row)));
    }
    const evaluate: Evaluator = negated ? (row) => !contains(l(row), row) : (row) => contains(l(row), row);
    return fold(evaluate, [left, ...items]);
  }

  /**
   * A field of a declared type compared with a literal (or constant name) that it can never
   * match is an error: `revenue == "high"`, `vip == 1`, `country == true`.
   */
  private checkComparable(fieldNode: Node, other: Node): void {
    if (fieldNode.kind !== 'name') return;
    const entry = this.fields.get(fieldNode.name);
    if (!entry || entry.field.type === 'any') return;
    let value: RuleValue;
    if (other.kind === 'literal') value = other.value;
    else if (other.kind === 'name' && !this.fields.has(other.name) && this.constants.has(other.name)) value = other.name;
    else return;
    if (value === null) return;
    const name = quote(fieldNode.name);
    switch (entry.field.type) {
      case 'number':
        if (typeof value === 'boolean' || (typeof value === 'string' && parseNumericText(value) === null)) {
          this.fail(other.pos, `${name} holds numbers and cannot be compared with ${this.text(other)}`);
        }
        return;
      case 'string':
        if (typeof value === 'boolean') {
          this.fail(other.pos, `${name} holds text and cannot be compared with ${this.text(other)}`);
        }
        return;
      case 'boolean':
        if (typeof value !== 'boolean') {
          const problem = `${name} holds true or false and cannot be compared with ${this.text(other)}`;
          this.fail(other.pos, problem, 'compare it with true or false');
        }
        return;
    }
  }

  /** A literal argument (or a bare name passed as a name) outside the function's argument set. */
  private checkArgument(fn: RuleFunction, set: RuleValueSet, arg: Node): void {
    let text: string;
    if (arg.kind === 'literal' && typeof arg.value === 'string') text = arg.value;
    else if (arg.kind === 'name' && fn.nameArgs) text = arg.name;
    else return;
    if (set.has(text)) return;
    const matches = set.suggest(text);
    const advice = [matches.length > 0 ? `did you mean ${matches.map((m) => (arg.kind === 'name' && /^[A-Za-z_]\w*$/.test(m) ? m : JSON.stringify(m))).join(' or ')}?` : '', set.listing];
    this.fail(arg.pos, `${this.text(arg)} is not ${set.what}, so ${quote(fn.name)} has no value for it`, advice.filter(Boolean).join(' '));
  }

  /**
   * A field or call with a closed set of values compared for equality with a literal (or a
   * constant name) outside the set is an error with the close matches: `stage == "atrisk"`;
   * so is an ordering comparison when the set's values are ordered (period labels).
   */
  private checkInValues(node: Node, other: Node, ordering = false): void {
    let set: RuleValueSet | undefined;
    if (node.kind === 'name') set = this.fields.get(node.name)?.field.values;
    else if (node.kind === 'call') set = this.functions.get(node.name)?.values;
    if (!set || (ordering && !set.ordered)) return;
    let value: RuleValue;
    if (other.kind === 'literal') value = other.value;
    else if (other.kind === 'name' && !this.fields.has(other.name) && this.constants.has(other.name)) value = other.name;
    else return;
    if (value === null || typeof value === 'boolean') return;
    const text = String(value);
    if (set.has(text)) return;
    const matches = set.suggest(text);
    const advice = [matches.length > 0 ? `did you mean ${matches.map((m) => JSON.stringify(m)).join(' or ')}?` : '', set.listing];
    this.fail(other.pos, `${this.text(node)} is never ${this.text(other)}, which is not ${set.what}`, advice.filter(Boolean).join(' '));
  }
}

function arithmeticOf(op: ArithOp): (a: number, b: number) => number {
  switch (op) {
    case '+': return (a, b) => a + b;
    case '-': return (a, b) => a - b;
    case '*': return (a, b) => a * b;
    case '/': return (a, b) => a / b;
    case '%': return (a, b) => a % b;
  }
}

function constant(value: RuleValue): Compiled {
  return { evaluate: () => value, constant: true, value };
}

/** When every part is constant, evaluates once now and returns the value as a constant. */
function fold(evaluate: Evaluator, parts: readonly Compiled[]): Compiled {
  if (!parts.every((p) => p.constant)) return { evaluate, constant: false, value: null };
  return constant(evaluate(NO_ROW));
}

/**
 * `v in [constants]` with Sets instead of a scan. Same equality as `==`: a number matches
 * number items and numeric-text items; a string matches string items exactly, or number
 * items when it is numeric text.
 */
function buildMembership(values: readonly RuleValue[]): (v: RuleValue) => boolean {
  const numbers = new Set<number>();
  const numericTexts = new Set<number>();
  const strings = new Set<string>();
  const booleans = new Set<boolean>();
  let hasNull = false;
  for (const value of values) {
    if (value === null) hasNull = true;
    else if (typeof value === 'number') numbers.add(value);
    else if (typeof value === 'boolean') booleans.add(value);
    else {
      strings.add(value);
      const n = parseNumericText(value);
      if (n !== null) numericTexts.add(n);
    }
  }
  return (v) => {
    if (v === null) return hasNull;
    if (typeof v === 'number') return numbers.has(v) || numericTexts.has(v);
    if (typeof v === 'boolean') return booleans.has(v);
    if (strings.has(v)) return true;
    if (numbers.size === 0) return false;
    const n = parseNumericText(v);
    return n !== null && numbers.has(n);
  };
}
