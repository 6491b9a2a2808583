// A small, seedable, platform-independent RNG (xoshiro256** seeded through
// splitmix64), so one seed reproduces a run bit for bit everywhere: weight
// initialization and batch shuffling draw from it in a fixed order.
#ifndef FLOWCAST_CORE_RNG_H
#define FLOWCAST_CORE_RNG_H

#include <cmath>
#include <cstdint>

namespace fc {

class Rng {
 public:
  explicit Rng(uint64_t seed = 0) { reseed(seed); }

  void reseed(uint64_t seed) {
    uint64_t x = seed;
    for (uint64_t& w : s_) {
      // splitmix64
      x += 0x9e3779b97f4a7c15ULL;
      uint64_t z = x;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      w = z ^ (z >> 31);
    }
  }

  // The generator's 256-bit state as 8 little-endian 32-bit words, so a
  // checkpoint can resume the exact sequence (shuffle order) later.
  void get_state(uint32_t out[8]) const {
    for (int i = 0; i < 4; i++) {
      out[2 * i] = (uint32_t)s_[i];
      out[2 * i + 1] = (uint32_t)(s_[i] >> 32);
    }
  }
  void set_state(const uint32_t in[8]) {
    for (int i = 0; i < 4; i++) s_[i] = (uint64_t)in[2 * i] | ((uint64_t)in[2 * i + 1] << 32);
  }

  uint64_t next_u64() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return (next_u64() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

  // Standard normal by Box-Muller (two uniforms per draw; no cached spare,
  // so the stream position depends only on the number of draws).
  double normal() {
    double u1 = uniform();
    while (u1 <= 0.0) u1 = uniform();
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

  // Uniform integer in [0, n) by rejection (no modulo bias).
  uint64_t below(uint64_t n) {
    const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t r;
    do r = next_u64(); while (r >= limit);
    return r % n;
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace fc

#endif  // FLOWCAST_CORE_RNG_H
