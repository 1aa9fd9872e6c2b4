import { Rng } from './rng.js';

/**
 * How the generator spells its ids and order dates. Every shape writes the same shop (same
 * customers, orders, days, amounts, statuses, row order); only the text of the keys and of the
 * order timestamps differs, so a benchmark or a test can tell what the shape of the keys costs.
 */
export type IdShape = 'default' | 'numbered' | 'hex' | 'email';

export const ID_SHAPES: readonly IdShape[] = ['default', 'numbered', 'hex', 'email'];

/** One line per shape, for `npm run gen -- --help` and the README. */
export const ID_SHAPE_HELP: Readonly<Record<IdShape, string>> = {
  default: 'O00000001 / C0000167, order dates 2024-01-31 22:21:32 (refunds O00000001-R)',
  numbered: 'O000000001 / C00000004, ISO order dates 2024-01-31T22:21:32Z (refunds O000000001-R)',
  hex: '32-hex order and customer ids, Olist style (refunds get their own hex id)',
  email: 'e-mail customer keys, Stripe-style ch_ order ids of 24 base62 characters (refunds re_...)',
};

export interface IdFormat {
  /** customer_id of the i-th customer (0-based). */
  customerIds: string[];
  /** The email column of customers.csv for the i-th customer. */
  email(i: number): string;
  /** order_id of the n-th order in file order (1-based). */
  orderId(n: number): string;
  /** order_id of the refund of the n-th order. */
  refundId(n: number): string;
  /** The text after `YYYY-MM-DD` of an order date, per second of the day. */
  timeText: string[];
}

// Streams 0-6 belong to generate.ts; ids draw from their own so the shop is the same in every shape.
const STREAM_CUSTOMER_ID = 7;
const STREAM_ORDER_ID = 8;
const STREAM_REFUND_ID = 9;

const HEX = '0123456789abcdef';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const TWO_DIGITS: string[] = Array.from({ length: 100 }, (_, i) => (i < 10 ? '0' : '') + i);

/** Builds the ids of one shop; `orders` is the number of orders written (refunds not included). */
export function buildIdFormat(shape: IdShape, seed: number, customers: number, orders: number): IdFormat {
  const rng = new Rng();
  switch (shape) {
    case 'default':
    case 'numbered': {
      const wide = shape === 'numbered' ? 1 : 0;
      const customerIds = buildPaddedIds('C', customers, Math.max(7 + wide, String(customers).length));
      const orderWidth = Math.max(8 + wide, String(orders).length);
      const zeros = '0'.repeat(orderWidth);
      const orderId = (n: number): string => {
        const digits = String(n);
        return 'O' + zeros.slice(digits.length) + digits;
      };
      return {
        customerIds,
        email: (i) => 'c' + (i + 1) + '@example.com',
        orderId,
        refundId: (n) => orderId(n) + '-R',
        timeText: shape === 'numbered' ? buildTimeTexts('T', 'Z') : buildTimeTexts(' ', ''),
      };
    }
    case 'hex': {
      const customerIds = new Array<string>(customers);
      for (let i = 0; i < customers; i++) customerIds[i] = randomText(rng.seed(seed, i, STREAM_CUSTOMER_ID), HEX, 32);
      return {
        customerIds,
        email: (i) => 'c' + (i + 1) + '@example.com',
        orderId: (n) => randomText(rng.seed(seed, n, STREAM_ORDER_ID), HEX, 32),
        refundId: (n) => randomText(rng.seed(seed, n, STREAM_REFUND_ID), HEX, 32),
        timeText: buildTimeTexts(' ', ''),
      };
    }
    case 'email': {
      const customerIds = buildEmails(seed, customers);
      return {
        customerIds,
        email: (i) => customerIds[i],
        orderId: (n) => 'ch_' + randomText(rng.seed(seed, n, STREAM_ORDER_ID), BASE62, 24),
        refundId: (n) => 're_' + randomText(rng.seed(seed, n, STREAM_REFUND_ID), BASE62, 24),
        timeText: buildTimeTexts(' ', ''),
      };
    }
  }
}

function buildPaddedIds(prefix: string, count: number, width: number): string[] {
  const out: string[] = new Array(count);
  const zeros = '0'.repeat(width);
  for (let i = 0; i < count; i++) {
    const digits = String(i + 1);
    out[i] = prefix + zeros.slice(digits.length) + digits;
  }
  return out;
}

/** `sep` + HH:MM:SS + `suffix` for each second of the day. */
function buildTimeTexts(sep: string, suffix: string): string[] {
  const out: string[] = new Array(86_400);
  for (let h = 0; h < 24; h++) {
    for (let m = 0; m < 60; m++) {
      const hm = sep + TWO_DIGITS[h] + ':' + TWO_DIGITS[m] + ':';
      for (let s = 0; s < 60; s++) out[h * 3600 + m * 60 + s] = hm + TWO_DIGITS[s] + suffix;
    }
  }
  return out;
}

function randomText(rng: Rng, alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(rng.float() * alphabet.length)];
  return out;
}

const FIRST = [
  'james', 'mary', 'john', 'patricia', 'robert', 'jennifer', 'michael', 'linda', 'william', 'elizabeth',
  'david', 'barbara', 'richard', 'susan', 'joseph', 'jessica', 'thomas', 'sarah', 'chris', 'karen',
  'daniel', 'nancy', 'matthew', 'lisa', 'anthony', 'betty', 'mark', 'sandra', 'paul', 'ashley',
  'steven', 'emily', 'andrew', 'michelle', 'josh', 'amanda', 'kevin', 'melissa', 'brian', 'laura',
  'emma', 'olivia', 'noah', 'liam', 'sophia', 'lucas', 'mia', 'leon', 'hannah', 'felix',
  'lena', 'jonas', 'anna', 'lukas', 'marie', 'paul', 'chloe', 'hugo', 'louise', 'jules',
  'giulia', 'marco', 'sofia', 'luca', 'lucia', 'pablo', 'carmen', 'diego', 'ines', 'joao',
  'ana', 'pedro', 'yuki', 'haruto', 'sakura', 'wei', 'mei', 'arjun', 'priya', 'rahul',
  'aisha', 'omar', 'fatima', 'ali', 'zoe', 'ethan', 'grace', 'jack', 'ava', 'oliver',
  'isla', 'freya', 'finn', 'nora', 'lars', 'ingrid', 'piotr', 'kasia', 'tomasz', 'olga',
];
const LAST = [
  'smith', 'johnson', 'williams', 'brown', 'jones', 'garcia', 'miller', 'davis', 'rodriguez', 'martinez',
  'hernandez', 'lopez', 'gonzalez', 'wilson', 'anderson', 'thomas', 'taylor', 'moore', 'jackson', 'martin',
  'lee', 'perez', 'thompson', 'white', 'harris', 'sanchez', 'clark', 'ramirez', 'lewis', 'robinson',
  'walker', 'young', 'allen', 'king', 'wright', 'scott', 'torres', 'nguyen', 'hill', 'flores',
  'mueller', 'schmidt', 'schneider', 'fischer', 'weber', 'meyer', 'wagner', 'becker', 'schulz', 'hoffmann',
  'dubois', 'moreau', 'laurent', 'simon', 'michel', 'lefebvre', 'leroy', 'rossi', 'russo', 'ferrari',
  'esposito', 'bianchi', 'romano', 'silva', 'santos', 'oliveira', 'souza', 'costa', 'pereira', 'tanaka',
  'suzuki', 'sato', 'watanabe', 'wang', 'li', 'zhang', 'chen', 'liu', 'patel', 'sharma',
  'singh', 'kumar', 'khan', 'ahmed', 'jansen', 'devries', 'bakker', 'visser', 'nielsen', 'hansen',
  'andersson', 'johansson', 'kowalski', 'nowak', 'wisniewski', 'murphy', 'obrien', 'kelly', 'walsh', 'byrne',
];
const WORDS = [
  'sunny', 'blue', 'happy', 'lucky', 'silver', 'golden', 'wild', 'little', 'crazy', 'cool',
  'moon', 'star', 'tiger', 'wolf', 'fox', 'bear', 'eagle', 'dragon', 'ninja', 'pixel',
  'coffee', 'music', 'surf', 'skate', 'rock', 'jazz', 'travel', 'garden', 'chef', 'runner',
];
const TAGS = ['shop', 'orders', 'news', 'store'];
/** Mail providers by share, then company domains for the rest. */
const DOMAINS: ReadonlyArray<readonly [string, number]> = [
  ['gmail.com', 34], ['yahoo.com', 8], ['hotmail.com', 7], ['outlook.com', 6], ['icloud.com', 5],
  ['aol.com', 2], ['live.com', 2], ['comcast.net', 2], ['proton.me', 2], ['gmx.de', 2], ['web.de', 2],
  ['msn.com', 1], ['me.com', 1], ['protonmail.com', 1], ['t-online.de', 1], ['orange.fr', 1], ['free.fr', 1],
  ['laposte.net', 1], ['btinternet.com', 1], ['yahoo.co.uk', 1], ['libero.it', 1], ['att.net', 1],
  ['verizon.net', 1], ['fastmail.com', 1], ['hey.com', 0.5], ['gmx.net', 1], ['yandex.com', 0.5],
  ['northwind-traders.com', 0.6], ['acmecorp.io', 0.5], ['brightline.co', 0.5], ['bluepeak-studio.com', 0.4],
  ['harborlogistics.net', 0.4], ['kestrel.dev', 0.4], ['meridian-health.org', 0.4], ['oakandiron.co.uk', 0.4],
  ['uni-heidelberg.de', 0.3], ['stanford.edu', 0.3], ['ucl.ac.uk', 0.3], ['mit.edu', 0.2],
];
const DOMAIN_CUM = (() => {
  let sum = 0;
  return Float64Array.from(DOMAINS, ([, w]) => (sum += w));
})();

function pick<T>(rng: Rng, list: readonly T[]): T {
  return list[Math.floor(rng.float() * list.length)];
}

function digits(rng: Rng, count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += Math.floor(rng.float() * 10);
  return out;
}

/** A local part as people choose them: names, initials, years, nicknames, plus tags. */
function localPart(rng: Rng): string {
  const first = pick(rng, FIRST);
  const last = pick(rng, LAST);
  const u = rng.float();
  if (u < 0.24) return first + '.' + last;
  if (u < 0.36) return first + last;
  if (u < 0.46) return first[0] + last;
  if (u < 0.51) return first + '_' + last;
  if (u < 0.6) return first + '.' + last + digits(rng, 2);
  if (u < 0.68) return first + (1950 + Math.floor(rng.float() * 56));
  if (u < 0.72) return last + '.' + first;
  if (u < 0.8) return first + digits(rng, 1 + Math.floor(rng.float() * 3));
  if (u < 0.84) return first + '.' + last[0];
  if (u < 0.92) return pick(rng, WORDS) + pick(rng, WORDS) + digits(rng, Math.floor(rng.float() * 3));
  if (u < 0.95) return first + '.' + last + '+' + pick(rng, TAGS);
  return first[0] + pick(rng, FIRST)[0] + last;
}

/** Unique, lower-case e-mail addresses; a taken one gets digits appended, as sign-up forms suggest. */
function buildEmails(seed: number, customers: number): string[] {
  const rng = new Rng();
  const out = new Array<string>(customers);
  const taken = new Set<string>();
  for (let i = 0; i < customers; i++) {
    rng.seed(seed, i, STREAM_CUSTOMER_ID);
    const local = localPart(rng);
    const u = rng.float() * DOMAIN_CUM[DOMAIN_CUM.length - 1];
    let d = 0;
    while (d < DOMAIN_CUM.length - 1 && DOMAIN_CUM[d] <= u) d++;
    const domain = '@' + DOMAINS[d][0];
    let email = local + domain;
    for (let width = 1; taken.has(email); width = Math.min(width + 1, 6)) {
      email = local + digits(rng, width) + domain;
    }
    taken.add(email);
    out[i] = email;
  }
  return out;
}
