/*
 * textform.c - parsing the text form of a bigarray value; see textform.h.
 *
 * No PostgreSQL here (fuzz/textform_fuzz.c links this file alone): errors
 * are return codes.  The grammar, with optional white space only around the
 * whole value:
 *
 *     [ dtype "[" number { "," number } "]" ] "@" number
 *
 * where the prefix is 0.1's description of the array (bigarray_out now
 * prints @oid alone), dtype is everything before the first "[" (type.c
 * looks it up) and numbers are unsigned decimals, no sign, dimensions at
 * most INT64_MAX and the oid at most UINT32_MAX and not 0.
 */
#include "textform.h"

#include <ctype.h>
#include <string.h>

/* An unsigned decimal of at most max at *p, advancing *p past it. */
static BATextError
parse_number(const char **p, uint64_t max, uint64_t *result)
{
	uint64_t	value = 0;

	if (!isdigit((unsigned char) **p))
		return BA_TEXT_NUMBER_EXPECTED;
	while (isdigit((unsigned char) **p))
	{
		int			digit = **p - '0';

		if (value > (max - digit) / 10)
			return BA_TEXT_NUMBER_RANGE;
		value = value * 10 + digit;
		(*p)++;
	}
	*result = value;
	return BA_TEXT_OK;
}

/*
 * 0.1's prefix, dtype "[" dimensions "]", at *p, advancing *p past it; the
 * type name and the dimensions go into *form.
 */
static BATextError
parse_prefix(const char **p, BATextForm *form)
{
	const char *bracket = strchr(*p, '[');
	uint64_t	number;
	BATextError err;

	if (bracket == NULL || bracket == *p)
		return BA_TEXT_BAD_START;
	form->dtype_name = *p;
	form->dtype_len = bracket - *p;
	*p = bracket + 1;
	for (;;)
	{
		if (form->ndim == BA_TEXT_MAXDIM)
			return BA_TEXT_TOO_MANY_DIMS;
		if ((err = parse_number(p, INT64_MAX, &number)) != BA_TEXT_OK)
			return err;
		form->shape[form->ndim++] = (int64_t) number;
		if (**p == ']')
			break;
		if (**p != ',')
			return BA_TEXT_BAD_SEPARATOR;
		(*p)++;
	}
	(*p)++;
	return BA_TEXT_OK;
}

BATextError
ba_text_parse(const char *str, BATextForm *form)
{
	const char *p = str;
	uint64_t	number;
	BATextError err;

	form->dtype_name = NULL;
	form->dtype_len = 0;
	form->ndim = 0;
	while (isspace((unsigned char) *p))
		p++;
	if (*p != '@')
	{
		if ((err = parse_prefix(&p, form)) != BA_TEXT_OK)
			return err;
		if (*p != '@')
			return BA_TEXT_NO_AT;
	}
	p++;
	if ((err = parse_number(&p, UINT32_MAX, &number)) != BA_TEXT_OK)
		return err;
	form->oid = (uint32_t) number;
	while (isspace((unsigned char) *p))
		p++;
	if (*p != '\0')
		return BA_TEXT_TRAILING;
	if (form->oid == 0)
		return BA_TEXT_ZERO_OID;
	return BA_TEXT_OK;
}

const char *
ba_text_error_detail(BATextError err)
{
	switch (err)
	{
		case BA_TEXT_OK:
			break;
		case BA_TEXT_BAD_START:
			return "\"@\" and the oid were expected.";
		case BA_TEXT_NUMBER_EXPECTED:
			return "A number was expected.";
		case BA_TEXT_NUMBER_RANGE:
			return "A number is out of range.";
		case BA_TEXT_TOO_MANY_DIMS:
			return "There are too many dimensions.";
		case BA_TEXT_BAD_SEPARATOR:
			return "\",\" or \"]\" was expected after a dimension.";
		case BA_TEXT_NO_AT:
			return "\"@\" was expected after the shape.";
		case BA_TEXT_TRAILING:
			return "Unexpected characters follow the oid.";
		case BA_TEXT_ZERO_OID:
			return "The oid must not be 0.";
	}
	return "The value is valid.";
}
