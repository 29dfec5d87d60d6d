/* Export macro and the error model shared by every segkit header.
 *
 * Error model: every function that can fail returns an int status, 0 (SEG_OK) on
 * success and a negative SEG_E* code on failure. The library never prints, exits or
 * aborts. After a failure, seg_last_error() returns a one-line message for the calling
 * thread that names the problem (for example "png: image 70000x70000 exceeds the pixel
 * limit 268435456"). Out-parameters are set to empty values first, so a failed call
 * leaves nothing half-made.
 *
 * Threading contract: the library keeps no unsynchronised global state. Any function
 * may be called from several threads at once on different objects; a handle (model,
 * session) or an output image belongs to one thread at a time. The only process-wide
 * settings are seg_set_num_threads() and seg_set_use_optimized(), read atomically.
 * Results never depend on the thread count. */
#ifndef SEGKIT_COMMON_H
#define SEGKIT_COMMON_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32) && defined(SEG_BUILDING)
#define SEG_API __declspec(dllexport)
#elif defined(_WIN32)
#define SEG_API __declspec(dllimport)
#else
#define SEG_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* X(name, code, message): the one table of status codes. */
#define SEG_STATUS_MAP(X)                                                   \
    X(OK, 0, "success")                                                     \
    X(EINVAL, -1, "invalid argument")                                       \
    X(ENOMEM, -2, "out of memory")                                          \
    X(EOVERFLOW, -3, "size arithmetic overflows")                           \
    X(EIO, -4, "input/output error")                                        \
    X(EFORMAT, -5, "malformed file or data")                                \
    X(ELIMIT, -6, "input exceeds a configured limit")                       \
    X(EUNSUPPORTED, -7, "unsupported feature or format")                    \
    X(ETYPE, -8, "unsupported element type or channel count")               \
    X(ESIZE, -9, "image sizes do not match")                                \
    X(ENOTFOUND, -10, "not found")                                          \
    X(EINTERNAL, -11, "internal error")

typedef enum seg_status {
#define SEG_STATUS_ENUM(name, code, msg) SEG_##name = code,
    SEG_STATUS_MAP(SEG_STATUS_ENUM)
#undef SEG_STATUS_ENUM
} seg_status;

/* Short, static description of a status code; never NULL ("unknown status" otherwise). */
SEG_API const char *seg_strerror(int status);

/* The calling thread's message for its last failed call ("" if none). The pointer
 * stays valid until the thread's next segkit call. */
SEG_API const char *seg_last_error(void);

/* Library version string, e.g. "0.1.0" (the one the shared library was built as). */
SEG_API const char *seg_version(void);

#ifdef __cplusplus
}
#endif
#endif
