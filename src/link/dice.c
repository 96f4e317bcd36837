/*
 * The popcount kernels behind Dice similarity.  One portable C kernel and,
 * on x86-64, kernels compiled for POPCNT, AVX2 (the nibble look-up method
 * of Mula, Kurz & Lemire 2018, "Faster population counts using AVX2
 * instructions") and AVX-512 VPOPCNTDQ, chosen at run time with
 * __builtin_cpu_supports.  All give identical integers; tests check that.
 */
#include "link_internal.h"

#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define LINK_X86 1
#include <immintrin.h>
#endif

static void k_portable(const uint64_t *a, const uint64_t *b, size_t nb, size_t words,
		       uint32_t *out)
{
	for (size_t j = 0; j < nb; j++, b += words) {
		unsigned c = 0;
		for (size_t w = 0; w < words; w++)
			c += link_popcount64(a[w] & b[w]);
		out[j] = c;
	}
}

#ifdef LINK_X86
__attribute__((target("popcnt")))
static void k_popcnt(const uint64_t *a, const uint64_t *b, size_t nb, size_t words,
		     uint32_t *out)
{
	for (size_t j = 0; j < nb; j++, b += words) {
		uint64_t c0 = 0, c1 = 0;
		size_t w = 0;
		/* two accumulators break the dependency chain */
		for (; w + 2 <= words; w += 2) {
			c0 += (uint64_t)__builtin_popcountll(a[w] & b[w]);
			c1 += (uint64_t)__builtin_popcountll(a[w + 1] & b[w + 1]);
		}
		for (; w < words; w++)
			c0 += (uint64_t)__builtin_popcountll(a[w] & b[w]);
		out[j] = (uint32_t)(c0 + c1);
	}
}

/* Per byte of a & b (32 bytes): its number of ones, by nibble look-up. */
__attribute__((target("avx2"))) static inline __m256i and_count8(const uint64_t *a,
								  const uint64_t *b, __m256i lut,
								  __m256i low)
{
	__m256i x = _mm256_and_si256(_mm256_loadu_si256((const __m256i *)(const void *)a),
				     _mm256_loadu_si256((const __m256i *)(const void *)b));
	__m256i lo = _mm256_and_si256(x, low);
	__m256i hi = _mm256_and_si256(_mm256_srli_epi16(x, 4), low);
	return _mm256_add_epi8(_mm256_shuffle_epi8(lut, lo), _mm256_shuffle_epi8(lut, hi));
}

__attribute__((target("avx2,popcnt")))
static void k_avx2(const uint64_t *a, const uint64_t *b, size_t nb, size_t words,
		   uint32_t *out)
{
	const __m256i lut = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
					     0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
	const __m256i low = _mm256_set1_epi8(0x0f);
	size_t vec = words / 4;

	for (size_t j = 0; j < nb; j++, b += words) {
		__m256i acc64 = _mm256_setzero_si256();
		uint64_t tail = 0;
		size_t v = 0;
		while (v < vec) {
			/* byte counters hold at most 8 per round: 16 rounds < 256 */
			__m256i acc8 = _mm256_setzero_si256();
			size_t stop = v + 16 < vec ? v + 16 : vec;
			for (; v < stop; v++) {
				acc8 = _mm256_add_epi8(acc8, and_count8(a + 4 * v, b + 4 * v, lut, low));
			}
			acc64 = _mm256_add_epi64(acc64,
						 _mm256_sad_epu8(acc8, _mm256_setzero_si256()));
		}
		for (size_t w = 4 * vec; w < words; w++)
			tail += (uint64_t)__builtin_popcountll(a[w] & b[w]);
		out[j] = (uint32_t)((uint64_t)_mm256_extract_epi64(acc64, 0) +
				    (uint64_t)_mm256_extract_epi64(acc64, 1) +
				    (uint64_t)_mm256_extract_epi64(acc64, 2) +
				    (uint64_t)_mm256_extract_epi64(acc64, 3) + tail);
	}
}

/*
 * Filters of 4 to 124 words (256 to 7,936 bits) in whole vectors: four
 * filters of B at a time, their byte counts summed by SAD and the four
 * totals reduced together (two unpacks and one cross-lane add instead of
 * four extracts per filter).  Byte counters hold at most 8 per vector: 31
 * vectors stay below 256.
 */
__attribute__((target("avx2,popcnt")))
static void k_avx2_x4(const uint64_t *a, const uint64_t *b, size_t nb, size_t words,
		      uint32_t *out)
{
	const __m256i lut = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
					     0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
	const __m256i low = _mm256_set1_epi8(0x0f), zero = _mm256_setzero_si256();
	const __m256i pick = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
	size_t vec = words / 4, j = 0;

	for (; j + 4 <= nb; j += 4, b += 4 * words) {
		__m256i s[4];
		for (int r = 0; r < 4; r++) {
			const uint64_t *br = b + (size_t)r * words;
			__m256i acc8 = zero;
			for (size_t v = 0; v < vec; v++) {
				acc8 = _mm256_add_epi8(acc8, and_count8(a + 4 * v, br + 4 * v, lut, low));
			}
			s[r] = _mm256_sad_epu8(acc8, zero);
		}
		{
			/* s[r] = four 64-bit partial sums of filter r */
			__m256i u01 = _mm256_add_epi64(_mm256_unpacklo_epi64(s[0], s[1]),
						       _mm256_unpackhi_epi64(s[0], s[1]));
			__m256i u23 = _mm256_add_epi64(_mm256_unpacklo_epi64(s[2], s[3]),
						       _mm256_unpackhi_epi64(s[2], s[3]));
			__m256i t = _mm256_add_epi64(_mm256_permute2x128_si256(u01, u23, 0x20),
						     _mm256_permute2x128_si256(u01, u23, 0x31));
			/* totals fit in 32 bits: keep the low halves, in order */
			t = _mm256_permutevar8x32_epi32(t, pick);
			_mm_storeu_si128((__m128i *)(void *)(out + j), _mm256_castsi256_si128(t));
		}
	}
	if (j < nb)
		k_avx2(a, b, nb - j, words, out + j);
}

__attribute__((target("avx512f,avx512vpopcntdq,popcnt")))
static void k_avx512(const uint64_t *a, const uint64_t *b, size_t nb, size_t words,
		     uint32_t *out)
{
	size_t vec = words / 8;

	for (size_t j = 0; j < nb; j++, b += words) {
		__m512i acc = _mm512_setzero_si512();
		uint64_t tail = 0;
		for (size_t v = 0; v < vec; v++) {
			__m512i x = _mm512_and_si512(_mm512_loadu_si512((const void *)(a + 8 * v)),
						     _mm512_loadu_si512((const void *)(b + 8 * v)));
			acc = _mm512_add_epi64(acc, _mm512_popcnt_epi64(x));
		}
		for (size_t w = 8 * vec; w < words; w++)
			tail += (uint64_t)__builtin_popcountll(a[w] & b[w]);
		out[j] = (uint32_t)((uint64_t)_mm512_reduce_add_epi64(acc) + tail);
	}
}
#endif

int dur_link_kernel_available(enum dur_link_kernel k)
{
	switch (k) {
	case DUR_LINK_KERNEL_AUTO:
	case DUR_LINK_KERNEL_PORTABLE:
		return 1;
#ifdef LINK_X86
	case DUR_LINK_KERNEL_POPCNT:
		__builtin_cpu_init();
		return __builtin_cpu_supports("popcnt");
	case DUR_LINK_KERNEL_AVX2:
		__builtin_cpu_init();
		return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt");
	case DUR_LINK_KERNEL_AVX512:
		__builtin_cpu_init();
		return __builtin_cpu_supports("avx512f") &&
		       __builtin_cpu_supports("avx512vpopcntdq") &&
		       __builtin_cpu_supports("popcnt");
#endif
	default:
		return 0;
	}
}

enum dur_link_kernel dur_link_kernel_best(void)
{
	if (dur_link_kernel_available(DUR_LINK_KERNEL_AVX512))
		return DUR_LINK_KERNEL_AVX512;
	if (dur_link_kernel_available(DUR_LINK_KERNEL_AVX2))
		return DUR_LINK_KERNEL_AVX2;
	if (dur_link_kernel_available(DUR_LINK_KERNEL_POPCNT))
		return DUR_LINK_KERNEL_POPCNT;
	return DUR_LINK_KERNEL_PORTABLE;
}

const char *dur_link_kernel_name(enum dur_link_kernel k)
{
	switch (k) {
	case DUR_LINK_KERNEL_AUTO: return "auto";
	case DUR_LINK_KERNEL_PORTABLE: return "portable";
	case DUR_LINK_KERNEL_POPCNT: return "popcnt";
	case DUR_LINK_KERNEL_AVX2: return "avx2";
	case DUR_LINK_KERNEL_AVX512: return "avx512";
	}
	return "unknown";
}

void dur_link_and_popcount(enum dur_link_kernel k, const uint64_t *a, const uint64_t *b,
			   size_t nb, size_t words, uint32_t *out)
{
	if (k == DUR_LINK_KERNEL_AUTO)
		k = dur_link_kernel_best();
	switch (k) {
#ifdef LINK_X86
	case DUR_LINK_KERNEL_POPCNT:
		k_popcnt(a, b, nb, words, out);
		return;
	case DUR_LINK_KERNEL_AVX2:
		if (words % 4 == 0 && words / 4 <= 31)
			k_avx2_x4(a, b, nb, words, out);
		else
			k_avx2(a, b, nb, words, out);
		return;
	case DUR_LINK_KERNEL_AVX512:
		k_avx512(a, b, nb, words, out);
		return;
#endif
	default:
		k_portable(a, b, nb, words, out);
		return;
	}
}

double dur_link_dice(const uint64_t *a, const uint64_t *b, size_t words)
{
	unsigned ca = 0, cb = 0, c = 0;
	for (size_t w = 0; w < words; w++) {
		ca += link_popcount64(a[w]);
		cb += link_popcount64(b[w]);
		c += link_popcount64(a[w] & b[w]);
	}
	return ca + cb ? 2.0 * c / (double)(ca + cb) : 0.0;
}
