/*
 * model.h - the model-based random test of the core (test_model.c).
 *
 * A run is a seed and a number of steps; the same pair replays the same run.
 * VIRTMEM_MODEL_SEED=S VIRTMEM_MODEL_STEPS=N make the "model random seed"
 * case replay seed S for N steps (VIRTMEM_MODEL_STEPS alone sets the steps
 * of every model case); VIRTMEM_MODEL_TRACE=1 prints each step's operation
 * on stdout.
 */
#ifndef VIRTMEM_TESTS_MODEL_H
#define VIRTMEM_TESTS_MODEL_H

#include <stdbool.h>
#include <stdint.h>

/* What became of one run. */
struct model_outcome
{
	bool		passed;
	uint64_t	steps_run;		/* steps completed, all of them if passed */
};

/*
 * Run seed for steps steps in a forked child.  A failure is reported on
 * stderr with the seed, the step, the operation and how to replay it.
 */
struct model_outcome model_run_seed(uint64_t seed, uint64_t steps);

/*
 * Run fresh random seeds until seconds have passed; print the seeds tried,
 * the steps run and every failing seed, then "N passed, M failed" (one case
 * per seed).  Returns the number of failing seeds.
 */
unsigned	model_soak(unsigned seconds);

#endif							/* VIRTMEM_TESTS_MODEL_H */
