// A compute-heavy program in the engine's style, for `vm.jit.overhead` (bench/vm.ts): Black-Scholes
// call prices in 1e8 fixed point (ln, exp, sqrt, normal CDF from integer series), no hashing.
// Built by scripts/build-wasm.sh into fixedPoint.wasm (committed, checked reproducible in CI).

const ONE: i64 = 100_000_000;
const LN2: i64 = 69_314_718;
const BUF = memory.data(512);

function mul(a: i64, b: i64): i64 {
  return (a * b) / ONE;
}

function div(a: i64, b: i64): i64 {
  return (a * ONE) / b;
}

/** sqrt(x) for x >= 0, Newton's method on integers. */
function sqrt(x: i64): i64 {
  if (x <= 0) return 0;
  const v = x * ONE;
  let r: i64 = v > ONE ? v >> 1 : ONE;
  let y = (r + v / r) >> 1;
  while (y < r) {
    r = y;
    y = (r + v / r) >> 1;
  }
  return r;
}

/** exp(x): halve into [-1/2, 1/2], Taylor series, square back. */
function exp(x: i64): i64 {
  let k = 0;
  while (x > ONE / 2 || x < -ONE / 2) {
    x = x / 2;
    k++;
  }
  let term = ONE;
  let sum = ONE;
  for (let i: i64 = 1; i < 12; i++) {
    term = mul(term, x) / i;
    sum += term;
  }
  while (k-- > 0) sum = mul(sum, sum);
  return sum;
}

/** ln(x) for x > 0: scale into [1, 2), then 2 atanh((x - 1) / (x + 1)). */
function ln(x: i64): i64 {
  let k: i64 = 0;
  while (x >= 2 * ONE) {
    x = x / 2;
    k++;
  }
  while (x < ONE) {
    x = x * 2;
    k--;
  }
  const y = div(x - ONE, x + ONE);
  const y2 = mul(y, y);
  let term = y;
  let sum: i64 = 0;
  for (let i: i64 = 1; i < 24; i += 2) {
    sum += term / i;
    term = mul(term, y2);
  }
  return 2 * sum + k * LN2;
}

/** Standard normal CDF (Abramowitz and Stegun 26.2.17). */
function cdf(x: i64): i64 {
  const neg = x < 0;
  if (neg) x = -x;
  const t = div(ONE, ONE + mul(23_164_190, x));
  const poly = mul(t, 31_938_153 + mul(t, -35_656_378 + mul(t, 178_147_794 + mul(t, -182_125_598 + mul(t, 133_027_443)))));
  const pdf = mul(39_894_228, exp(-mul(x, x) / 2));
  const r = ONE - mul(pdf, poly);
  return neg ? ONE - r : r;
}

/** The sum of n call prices over a grid of spots, strikes and volatilities. */
export function prices(n: i32): i64 {
  let acc: i64 = 0;
  const rate: i64 = 3_000_000;
  const T: i64 = ONE / 2;
  const sqrtT = sqrt(T);
  for (let i = 0; i < n; i++) {
    const S: i64 = ONE + (<i64>(i % 50)) * 1_000_000;
    const K: i64 = ONE + (<i64>(i % 13)) * 4_000_000;
    const sigma: i64 = 20_000_000 + (<i64>(i % 7)) * 5_000_000;
    const sst = mul(sigma, sqrtT);
    const d1 = div(ln(div(S, K)) + mul(rate + mul(sigma, sigma) / 2, T), sst);
    const d2 = d1 - sst;
    const call = mul(S, cdf(d1)) - mul(mul(K, exp(-mul(rate, T))), cdf(d2));
    store<i64>(BUF + ((<usize>(i & 63)) << 3), call);
    acc += call;
  }
  return acc + load<i64>(BUF);
}
