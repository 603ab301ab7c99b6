/*
 * textform.h - the text form of a bigarray value, parsed by plain C with no
 * PostgreSQL in it, so that the parser can be fuzzed on its own (fuzz/).
 * The form is @oid (e.g. @16385): the array's large object is its
 * identity.  0.1 printed dtype[d1,d2,...]@oid, which is still read; its
 * prefix is returned for the caller to check as written.  bigarray_in
 * (type.c) calls the parser and turns an error code into an ereport.
 */
#ifndef BIGARRAY_TEXTFORM_H
#define BIGARRAY_TEXTFORM_H

#include <stddef.h>
#include <stdint.h>

#define BA_TEXT_MAXDIM	16		/* = BA_MAXDIM; type.c checks they agree */

typedef enum BATextError
{
	BA_TEXT_OK = 0,
	BA_TEXT_BAD_START,			/* neither "@" nor an element type and "[" */
	BA_TEXT_NUMBER_EXPECTED,
	BA_TEXT_NUMBER_RANGE,		/* a dimension beyond int64, an oid beyond uint32 */
	BA_TEXT_TOO_MANY_DIMS,
	BA_TEXT_BAD_SEPARATOR,		/* neither "," nor "]" after a dimension */
	BA_TEXT_NO_AT,
	BA_TEXT_TRAILING,
	BA_TEXT_ZERO_OID,
} BATextError;

typedef struct BATextForm
{
	/*
	 * The 0.1 prefix's element type name as written, not NUL-terminated:
	 * str's bytes from the first non-space up to the first "[".  dtype_len
	 * is 0 for @oid and for BA_TEXT_BAD_START; otherwise it is set whatever
	 * the result, so that the caller can report an unknown type before a
	 * syntax error further on, as the parse order would.
	 */
	const char *dtype_name;
	size_t		dtype_len;
	int			ndim;			/* the prefix's dimensions; 0 for @oid */
	int64_t		shape[BA_TEXT_MAXDIM];	/* each in 0 .. INT64_MAX */
	uint32_t	oid;			/* not 0 */
} BATextForm;

/* Parse the NUL-terminated str into *form. */
extern BATextError ba_text_parse(const char *str, BATextForm *form);

/* One sentence saying what was wrong, for an error's detail. */
extern const char *ba_text_error_detail(BATextError err);

#endif							/* BIGARRAY_TEXTFORM_H */
