/*
 * duress/rng.h - seeds for random number streams, shared by every method
 * that draws random numbers (bootstrap, simulation, MCMC).
 *
 * Every stream in duress is a GSL MT19937 generator seeded with 32 bits
 * derived from a 64-bit user seed by splitmix64 (Steele, Lea & Flood
 * 2014), so that nearby seeds give unrelated streams and every bit of the
 * seed counts.  A stream that must not depend on the number of threads
 * (bootstrap replicate r, MCMC chain c) is seeded from (seed, index) with
 * dur_rng_stream_seed(); the same seed then gives the same figures on any
 * machine and thread count.
 */
#ifndef DURESS_RNG_H
#define DURESS_RNG_H

#include <duress/common.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>

/* The splitmix64 output function: a bijection on 64-bit words.  @since 0.2 */
DUR_EXPORT uint64_t dur_splitmix64(uint64_t x);

/* The 32-bit MT19937 seed of the main stream of `seed`.  @since 0.2 */
DUR_EXPORT unsigned long dur_rng_seed(uint64_t seed);

/* The 32-bit MT19937 seed of stream `index` of `seed` (replicate, chain).
 * @since 0.2 */
DUR_EXPORT unsigned long dur_rng_stream_seed(uint64_t seed, uint64_t index);

#endif
