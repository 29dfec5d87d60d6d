/* Status table and the per-thread last-error message. */
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>

static _Thread_local char last_error[512];

const char *seg_strerror(int status)
{
    switch (status) {
#define SEG_STATUS_CASE(name, code, msg) \
    case code:                           \
        return msg;
        SEG_STATUS_MAP(SEG_STATUS_CASE)
#undef SEG_STATUS_CASE
    default:
        return "unknown status";
    }
}

const char *seg_last_error(void)
{
    return last_error;
}

const char *seg_version(void)
{
    return SEGKIT_VERSION_STRING;
}

int seg__fail(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    va_end(ap);
    return status;
}

void seg__clear_error(void)
{
    last_error[0] = '\0';
}
