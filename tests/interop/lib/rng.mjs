// Seeded pseudo-random numbers for the session generator (mulberry32 variant written here).
// Deterministic per seed across Node versions: only 32-bit integer arithmetic is used.

// Returns an object with helpers drawing from one 32-bit state seeded by `seed` (any integer).
export const makeRng = (seed) => {
  let state = (Number(seed) >>> 0) ^ 0x9e3779b9
  // Uniform float in [0, 1).
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let z = state
    z = Math.imul(z ^ (z >>> 15), z | 1)
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61)
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296
  }
  // Integer in [lo, hi] (both inclusive).
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1))
  // True with probability p.
  const chance = (p) => next() < p
  // One element of a non-empty array.
  const pick = (arr) => arr[Math.floor(next() * arr.length)]
  // Index chosen with probability proportional to weights[i].
  const weighted = (weights) => {
    const total = weights.reduce((a, b) => a + b, 0)
    let r = next() * total
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i]
      if (r < 0) return i
    }
    return weights.length - 1
  }
  // In-place Fisher-Yates shuffle; returns arr.
  const shuffle = (arr) => {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1))
      const t = arr[i]
      arr[i] = arr[j]
      arr[j] = t
    }
    return arr
  }
  return { next, int, chance, pick, weighted, shuffle }
}
