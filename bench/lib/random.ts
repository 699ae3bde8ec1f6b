/** A seeded xorshift32 generator of numbers in [0, 1): the same sequence on every run. */
export function seededRandom(seed = 1): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x1_0000_0000;
  };
}
