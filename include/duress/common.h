/*
 * duress/common.h - what every public header needs.
 *
 * DUR_EXPORT marks the functions of the public API.  The library is
 * compiled with -fvisibility=hidden, so libduress.so exports exactly the
 * functions declared with it and nothing else (curl's CURL_EXTERN).
 */
#ifndef DURESS_COMMON_H
#define DURESS_COMMON_H

#if defined(__GNUC__) && defined(DUR_BUILDING_LIBRARY)
#define DUR_EXPORT __attribute__((visibility("default")))
#else
#define DUR_EXPORT
#endif

#endif
