/*
 * csum.c - the "plain C sum over memory" reference of target 4.
 *
 * Usage: csum N
 * Fills N random doubles in memory, sums them once untimed (so every page
 * is already faulted in, as the warm bigarray sum's are), then times
 * several passes of a plain loop and prints the median seconds per pass.
 * The loop is deliberately the one a user would write: one accumulator,
 * compiled with PostgreSQL's own CFLAGS (see bench/run.sh), no intrinsics.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define PASSES 7

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double
plain_sum(const double *a, size_t n)
{
	double		s = 0;

	for (size_t i = 0; i < n; i++)
		s += a[i];
	return s;
}

static int
cmp_double(const void *x, const void *y)
{
	double		a = *(const double *) x,
				b = *(const double *) y;

	return (a > b) - (a < b);
}

int
main(int argc, char **argv)
{
	size_t		n;
	double	   *a;
	double		times[PASSES];
	volatile double sink;

	if (argc != 2 || (n = strtoull(argv[1], NULL, 10)) == 0)
	{
		fprintf(stderr, "usage: csum N\n");
		return 2;
	}
	a = malloc(n * sizeof(double));
	if (a == NULL)
	{
		perror("csum");
		return 1;
	}
	srand(42);
	for (size_t i = 0; i < n; i++)
		a[i] = rand() / (double) RAND_MAX;

	sink = plain_sum(a, n);
	for (int p = 0; p < PASSES; p++)
	{
		double		t0 = now_s();

		sink = plain_sum(a, n);
		times[p] = now_s() - t0;
	}
	(void) sink;
	qsort(times, PASSES, sizeof(double), cmp_double);
	printf("%.9f\n", times[PASSES / 2]);
	free(a);
	return 0;
}
