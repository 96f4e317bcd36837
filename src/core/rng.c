/* Seeds for random number streams; see include/duress/rng.h. */
#include <duress/rng.h>

uint64_t dur_splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

unsigned long dur_rng_seed(uint64_t seed)
{
	return (unsigned long)(dur_splitmix64(seed) & 0xffffffffUL);
}

unsigned long dur_rng_stream_seed(uint64_t seed, uint64_t index)
{
	return (unsigned long)(dur_splitmix64(seed ^ dur_splitmix64(index)) & 0xffffffffUL);
}
