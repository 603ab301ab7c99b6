/*
 * textform_fuzz.c - libFuzzer harness for the parser of bigarray's text
 * form (src/textform.c), run by "make fuzz" (fuzz/fuzz.mk).
 *
 * Besides what AddressSanitizer and UndefinedBehaviorSanitizer catch, each
 * input checks the parser's promises, aborting (a crash to libFuzzer) when
 * one breaks:
 *  - an accepted value has a non-zero oid and either no prefix (@oid: no
 *    type name, no dimensions) or 0.1's (a non-empty type name inside the
 *    input, 1..16 dimensions, none negative);
 *  - it prints back in its canonical form, which parses to the same type
 *    name, shape and oid; and bigarray_out's form, @oid, parses to the oid
 *    with no prefix;
 *  - a rejected value has a known error code with a detail sentence, and a
 *    type name (when reported) inside the input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "textform.h"

#define CHECK(cond) \
	do { \
		if (!(cond)) \
		{ \
			fprintf(stderr, "textform_fuzz: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
			abort(); \
		} \
	} while (0)

/* form printed canonically: @oid, or 0.1's form with its type name as given */
static void
print_canonical(const BATextForm *form, char *buf, size_t size)
{
	size_t		len = 0;

	if (form->ndim > 0)
	{
		len = (size_t) snprintf(buf, size, "%.*s[", (int) form->dtype_len,
								form->dtype_name);
		for (int i = 0; i < form->ndim; i++)
			len += (size_t) snprintf(buf + len, size - len, "%s%lld",
									 i > 0 ? "," : "", (long long) form->shape[i]);
		len += (size_t) snprintf(buf + len, size - len, "]");
		CHECK(len < size);
	}
	len += (size_t) snprintf(buf + len, size - len, "@%u", form->oid);
	CHECK(len < size);
}

/* the canonical form of form parses to the same value */
static void
check_reparses(const BATextForm *form)
{
	/* dimensions print as at most 19 digits plus a comma each */
	size_t		size = form->dtype_len + BA_TEXT_MAXDIM * 21 + 16;
	char	   *again = malloc(size);
	BATextForm	form2;

	print_canonical(form, again, size);
	CHECK(ba_text_parse(again, &form2) == BA_TEXT_OK);
	CHECK(form2.dtype_len == form->dtype_len &&
		  (form->dtype_len == 0 ||
		   memcmp(form2.dtype_name, form->dtype_name, form->dtype_len) == 0));
	CHECK(form2.ndim == form->ndim && form2.oid == form->oid);
	CHECK(memcmp(form2.shape, form->shape, form->ndim * sizeof(int64_t)) == 0);
	free(again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a cstring: the bytes up to the first NUL */
	char	   *str = malloc(size + 1);
	BATextForm	form;
	BATextError err;

	memcpy(str, data, size);
	str[size] = '\0';
	err = ba_text_parse(str, &form);
	CHECK(err >= BA_TEXT_OK && err <= BA_TEXT_ZERO_OID);
	CHECK(ba_text_error_detail(err) != NULL);
	if (form.dtype_len > 0)
	{
		CHECK(err != BA_TEXT_BAD_START);
		CHECK(form.dtype_name >= str &&
			  form.dtype_name + form.dtype_len <= str + strlen(str));
		CHECK(memchr(form.dtype_name, '[', form.dtype_len) == NULL);
	}
	if (err == BA_TEXT_OK)
	{
		BATextForm	oid_only = {.oid = form.oid};

		CHECK(form.oid != 0);
		CHECK((form.dtype_len == 0) == (form.ndim == 0));
		CHECK(form.ndim >= 0 && form.ndim <= BA_TEXT_MAXDIM);
		for (int i = 0; i < form.ndim; i++)
			CHECK(form.shape[i] >= 0);
		check_reparses(&form);
		check_reparses(&oid_only);
	}
	free(str);
	return 0;
}
