/* What sys.c and file_queue.c share: argument helpers and fs-style errors. */
#ifndef LADING_FILE_QUEUE_H
#define LADING_FILE_QUEUE_H
#include <node_api.h>

napi_value lading_throw_errno(napi_env env, int err, const char *syscall, const char *path);
int lading_get_cstring(napi_env env, napi_value value, int nullable, char **out);
int lading_get_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv);
napi_value lading_bad_argument(napi_env env, const char *what);

/* Adds createFileQueue, queueFile, drainFileQueue and closeFileQueue to exports. */
int lading_register_file_queue(napi_env env, napi_value exports);
#endif
