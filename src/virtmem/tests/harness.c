/*
 * harness.c - runs test cases in forked children and reports on them.
 *
 * Each case gets a fresh child (so the SIGSEGV handler, mappings and RAM of
 * one case never leak into another) and a time limit.  A case passes when
 * its child exits with status 0.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif

#include "harness.h"

/* Seconds a case may take (valgrind is some 20-50 times slower). */
#define CASE_TIME_LIMIT			60
#define CASE_TIME_LIMIT_VALGRIND	600

void
test_fail(const char *file, int line, const char *fmt,...)
{
	va_list		ap;

	fprintf(stderr, "    %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

int
running_on_valgrind(void)
{
#ifdef RUNNING_ON_VALGRIND
	return RUNNING_ON_VALGRIND != 0;
#else
	return 0;
#endif
}

void
run_in_child(void (*fn) (void *), void *arg, struct child_outcome *out)
{
	int			errpipe[2];
	pid_t		pid;
	size_t		used = 0;

	memset(out, 0, sizeof(*out));
	if (pipe(errpipe) != 0)
		test_fail(__FILE__, __LINE__, "pipe: %m");
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		test_fail(__FILE__, __LINE__, "fork: %m");
	if (pid == 0)
	{
		struct rlimit no_core = {0, 0};

		setrlimit(RLIMIT_CORE, &no_core);
		close(errpipe[0]);
		dup2(errpipe[1], STDERR_FILENO);
		close(errpipe[1]);
		fn(arg);
		exit(0);
	}
	close(errpipe[1]);
	for (;;)
	{
		char		chunk[1024];
		ssize_t		n = read(errpipe[0], chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (used < sizeof(out->stderr_text) - 1)
		{
			size_t		room = sizeof(out->stderr_text) - 1 - used;
			size_t		take = (size_t) n < room ? (size_t) n : room;

			memcpy(out->stderr_text + used, chunk, take);
			used += take;
		}
	}
	close(errpipe[0]);
	while (waitpid(pid, &out->status, 0) < 0)
		if (errno != EINTR)
			test_fail(__FILE__, __LINE__, "waitpid: %m");
}

/* Run one case in a child; returns 1 if it passed. */
static int
run_case(const struct test_case *tc)
{
	pid_t		pid;
	int			status;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
	{
		perror("fork");
		return 0;
	}
	if (pid == 0)
	{
		alarm(running_on_valgrind() ? CASE_TIME_LIMIT_VALGRIND : CASE_TIME_LIMIT);
		tc->run(tc->how);
		exit(0);
	}
	while (waitpid(pid, &status, 0) < 0)
	{
		if (errno != EINTR)
		{
			perror("waitpid");
			return 0;
		}
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
	{
		printf("ok    %s\n", tc->name);
		return 1;
	}
	if (WIFSIGNALED(status))
		printf("FAIL  %s (killed by signal %d: %s)\n", tc->name,
			   WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		printf("FAIL  %s (exit status %d)\n", tc->name, WEXITSTATUS(status));
	return 0;
}

int
run_suites(const struct test_suite *suites, size_t nsuites, const char *filter)
{
	unsigned	passed = 0;
	unsigned	failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t s = 0; s < nsuites; s++)
	{
		for (size_t c = 0; c < suites[s].ncases; c++)
		{
			const struct test_case *tc = &suites[s].cases[c];

			if (filter != NULL && strstr(tc->name, filter) == NULL)
				continue;
			if (run_case(tc))
				passed++;
			else
				failed++;
		}
	}
	printf("%u passed, %u failed\n", passed, failed);
	return (int) failed;
}
