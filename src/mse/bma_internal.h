/*
 * bma_internal.h - private helpers of the model averaging (src/mse/bma.c)
 * and graph enumeration (src/mse/graphs.c).
 */
#ifndef DURESS_BMA_INTERNAL_H
#define DURESS_BMA_INTERNAL_H

#include <stdint.h>
#include <duress/bma.h>

/* Adjacency bit masks of the graph with edge mask `edges` on k lists. */
void dur_bma_adjacency(int k, uint32_t edges, unsigned *adj);

/* The decomposition from adjacency masks: 1 if chordal (and *d filled),
 * 0 if not.  No argument checks: the inner loop of the enumeration. */
int dur_bma_decompose_adj(int k, const unsigned *adj, struct dur_bma_decomp *d);

#endif
