/** The generator's PRNG: one small, seedable stream per (seed, index, stream). */

/** sfc32; the state lives in an Int32Array so V8 never boxes it. */
export class Rng {
  private readonly s = new Int32Array(4);

  seed(seed: number, index: number, stream: number): this {
    let x = mix32(seed) ^ mix32((index + Math.imul(stream, 0x632be5ab)) | 0);
    const s = this.s;
    for (let i = 0; i < 3; i++) {
      x = (x + 0x9e3779b9) | 0;
      s[i] = mix32(x);
    }
    s[3] = 1;
    for (let i = 0; i < 12; i++) this.u32();
    return this;
  }

  u32(): number {
    const s = this.s;
    const a = s[0];
    const b = s[1];
    const c = s[2];
    const d = s[3];
    const t = (((a + b) | 0) + d) | 0;
    s[3] = (d + 1) | 0;
    s[0] = b ^ (b >>> 9);
    s[1] = (c + (c << 3)) | 0;
    s[2] = (((c << 21) | (c >>> 11)) + t) | 0;
    return t >>> 0;
  }

  /** Uniform in the open interval (0, 1), so logs are safe. */
  float(): number {
    return (this.u32() + 0.5) * 2.3283064365386963e-10;
  }
}

function mix32(v: number): number {
  let x = v | 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x21f0aaad);
  x ^= x >>> 15;
  x = Math.imul(x, 0x735a2d97);
  x ^= x >>> 15;
  return x | 0;
}
