/**
 * Keyed permutations: they turn a person's index into identifiers that look
 * random yet can never repeat, so a million persons are unique by construction,
 * without a set of every value issued so far.
 */

/** A bijective 32-bit mixer (the murmur3 finaliser). */
export function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

/** A 32-bit hash of a label, for deriving keys. */
export function hashLabel(seed: number, label: string): number {
  let h = (seed ^ 0x811c9dc5) >>> 0;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
  return mix32(h);
}

/**
 * A permutation of [0, 2^(2·half)) by a four-round Feistel network: each round
 * swaps the halves and mixes one into the other, which is invertible whatever
 * the round function.
 */
function feistel(x: number, half: number, key: number): number {
  const mask = (1 << half) - 1;
  let l = (x >>> half) & mask;
  let r = x & mask;
  for (let round = 0; round < 4; round++) {
    const f = mix32((r ^ Math.imul(key, round + 1)) >>> 0) & mask;
    [l, r] = [r, (l ^ f) & mask];
  }
  return ((l << half) | r) >>> 0;
}

/** A keyed permutation of [0, 2^32). */
export function permute32(x: number, key: number): number {
  return feistel(x >>> 0, 16, key);
}

/**
 * A keyed permutation of [0, n) for n ≤ 2^30: the Feistel permutation of the
 * smallest even power of two that holds n, walked along its cycle until it
 * lands inside (the walk stays a bijection on [0, n)).
 */
export function permuteBelow(x: number, n: number, key: number): number {
  if (!Number.isInteger(x) || x < 0 || x >= n) throw new RangeError(`${x} is outside 0..${n - 1}`);
  let half = 1;
  while (2 ** (2 * half) < n) half++;
  let y = feistel(x, half, key);
  while (y >= n) y = feistel(y, half, key);
  return y;
}
