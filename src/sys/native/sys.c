/*
 * The handful of Linux syscalls Node's fs lacks, as a tiny N-API addon: mknod (devices,
 * FIFOs, overlay whiteouts), the l*xattr family plus fsetxattr, mount and umount2; and, in
 * file_queue.c, a threaded queue of small-file writes for layer extraction.
 *
 * Every function is synchronous and thin: it takes paths as strings or Buffers (file names
 * are bytes on Linux, and layer extraction passes latin1-decoded byte strings as Buffers),
 * makes exactly one syscall (two for the size-then-read xattr getters) and, on failure, throws
 * an Error shaped like Node's own fs errors: code = errno name, errno = -errno, syscall, path.
 */
#include <errno.h>
#include <node_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/xattr.h>

#include "file_queue.h"

#define CHECK(call)                                                                  \
  do {                                                                               \
    if ((call) != napi_ok) {                                                         \
      napi_throw_error(env, "EINVAL", "lading sys: bad argument or N-API failure");  \
      return NULL;                                                                   \
    }                                                                                \
  } while (0)

/* Throws an fs-style error for errno `err` and returns NULL for the caller to return. */
napi_value lading_throw_errno(napi_env env, int err, const char *syscall, const char *path) {
  const char *name = strerrorname_np(err);
  if (name == NULL) name = "EUNKNOWN";
  char message[4352];
  if (path != NULL)
    snprintf(message, sizeof message, "%s: %s, %s '%s'", name, strerror(err), syscall, path);
  else
    snprintf(message, sizeof message, "%s: %s, %s", name, strerror(err), syscall);
  napi_value code, msg, error, value;
  if (napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &code) != napi_ok) return NULL;
  if (napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &msg) != napi_ok) return NULL;
  if (napi_create_error(env, code, msg, &error) != napi_ok) return NULL;
  napi_create_int32(env, -err, &value);
  napi_set_named_property(env, error, "errno", value);
  napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &value);
  napi_set_named_property(env, error, "syscall", value);
  if (path != NULL) {
    /* Paths may hold any bytes; latin1 keeps the message and property lossless-ish. */
    napi_create_string_latin1(env, path, NAPI_AUTO_LENGTH, &value);
    napi_set_named_property(env, error, "path", value);
  }
  napi_throw(env, error);
  return NULL;
}

/*
 * A NUL-terminated copy of a string or Buffer argument, or NULL for null/undefined when
 * `nullable`. The caller frees it. Buffers with an embedded NUL are refused: the kernel would
 * silently cut the name there.
 */
int lading_get_cstring(napi_env env, napi_value value, int nullable, char **out) {
  napi_valuetype type;
  *out = NULL;
  if (napi_typeof(env, value, &type) != napi_ok) return -1;
  if (nullable && (type == napi_null || type == napi_undefined)) return 0;
  if (type == napi_string) {
    size_t len;
    if (napi_get_value_string_utf8(env, value, NULL, 0, &len) != napi_ok) return -1;
    *out = malloc(len + 1);
    if (*out == NULL) return -1;
    if (napi_get_value_string_utf8(env, value, *out, len + 1, &len) != napi_ok) return -1;
    if (strlen(*out) != len) return -1;
    return 0;
  }
  bool is_buffer = false;
  if (napi_is_buffer(env, value, &is_buffer) != napi_ok || !is_buffer) return -1;
  void *data;
  size_t len;
  if (napi_get_buffer_info(env, value, &data, &len) != napi_ok) return -1;
  if (memchr(data, 0, len) != NULL) return -1;
  *out = malloc(len + 1);
  if (*out == NULL) return -1;
  memcpy(*out, data, len);
  (*out)[len] = 0;
  return 0;
}

int lading_get_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return -1;
  return argc < want ? -1 : 0;
}

napi_value lading_bad_argument(napi_env env, const char *what) {
  napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", what);
  return NULL;
}

/* mknod(path, mode, major, minor): mode includes the file type bits (S_IFCHR, S_IFIFO…). */
static napi_value js_mknod(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  char *path = NULL;
  uint32_t mode, major, minor;
  if (lading_get_args(env, info, 4, argv) != 0 || lading_get_cstring(env, argv[0], 0, &path) != 0 ||
      napi_get_value_uint32(env, argv[1], &mode) != napi_ok ||
      napi_get_value_uint32(env, argv[2], &major) != napi_ok ||
      napi_get_value_uint32(env, argv[3], &minor) != napi_ok) {
    free(path);
    return lading_bad_argument(env, "mknod(path: string | Buffer, mode: number, major: number, minor: number)");
  }
  napi_value result = NULL;
  if (mknod(path, (mode_t)mode, makedev(major, minor)) != 0) result = lading_throw_errno(env, errno, "mknod", path);
  free(path);
  return result;
}

/* lsetxattr(path, name, value: Buffer, flags) */
static napi_value js_lsetxattr(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  char *path = NULL, *name = NULL;
  void *data;
  size_t len;
  uint32_t flags;
  bool is_buffer = false;
  if (lading_get_args(env, info, 4, argv) != 0 || lading_get_cstring(env, argv[0], 0, &path) != 0 ||
      lading_get_cstring(env, argv[1], 0, &name) != 0 || napi_is_buffer(env, argv[2], &is_buffer) != napi_ok ||
      !is_buffer || napi_get_buffer_info(env, argv[2], &data, &len) != napi_ok ||
      napi_get_value_uint32(env, argv[3], &flags) != napi_ok) {
    free(path);
    free(name);
    return lading_bad_argument(env, "lsetxattr(path: string | Buffer, name: string, value: Buffer, flags: number)");
  }
  napi_value result = NULL;
  if (lsetxattr(path, name, data, len, (int)flags) != 0) result = lading_throw_errno(env, errno, "lsetxattr", path);
  free(path);
  free(name);
  return result;
}

/* fsetxattr(fd, name, value: Buffer, flags): for files extraction already holds open. */
static napi_value js_fsetxattr(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  char *name = NULL;
  int32_t fd;
  void *data;
  size_t len;
  uint32_t flags;
  bool is_buffer = false;
  if (lading_get_args(env, info, 4, argv) != 0 || napi_get_value_int32(env, argv[0], &fd) != napi_ok ||
      lading_get_cstring(env, argv[1], 0, &name) != 0 || napi_is_buffer(env, argv[2], &is_buffer) != napi_ok ||
      !is_buffer || napi_get_buffer_info(env, argv[2], &data, &len) != napi_ok ||
      napi_get_value_uint32(env, argv[3], &flags) != napi_ok) {
    free(name);
    return lading_bad_argument(env, "fsetxattr(fd: number, name: string, value: Buffer, flags: number)");
  }
  napi_value result = NULL;
  if (fsetxattr(fd, name, data, len, (int)flags) != 0) {
    char where[64];
    snprintf(where, sizeof where, "fd %d", fd);
    result = lading_throw_errno(env, errno, "fsetxattr", where);
  }
  free(name);
  return result;
}

/* lgetxattr(path, name) → Buffer. Retries when the value grows between size query and read. */
static napi_value js_lgetxattr(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  char *path = NULL, *name = NULL;
  if (lading_get_args(env, info, 2, argv) != 0 || lading_get_cstring(env, argv[0], 0, &path) != 0 ||
      lading_get_cstring(env, argv[1], 0, &name) != 0) {
    free(path);
    free(name);
    return lading_bad_argument(env, "lgetxattr(path: string | Buffer, name: string)");
  }
  napi_value result = NULL;
  for (int attempt = 0; attempt < 8; attempt++) {
    ssize_t size = lgetxattr(path, name, NULL, 0);
    if (size < 0) {
      result = lading_throw_errno(env, errno, "lgetxattr", path);
      break;
    }
    void *data;
    if (napi_create_buffer(env, (size_t)size, &data, &result) != napi_ok) {
      result = NULL;
      break;
    }
    ssize_t got = size == 0 ? 0 : lgetxattr(path, name, data, (size_t)size);
    if (got >= 0) {
      if (got < size) napi_create_buffer_copy(env, (size_t)got, data, NULL, &result);
      break;
    }
    result = NULL;
    if (errno != ERANGE) {
      lading_throw_errno(env, errno, "lgetxattr", path);
      break;
    }
  }
  free(path);
  free(name);
  return result;
}

/* llistxattr(path) → string[] */
static napi_value js_llistxattr(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  char *path = NULL;
  if (lading_get_args(env, info, 1, argv) != 0 || lading_get_cstring(env, argv[0], 0, &path) != 0) {
    free(path);
    return lading_bad_argument(env, "llistxattr(path: string | Buffer)");
  }
  napi_value result = NULL;
  for (int attempt = 0; attempt < 8; attempt++) {
    ssize_t size = llistxattr(path, NULL, 0);
    if (size < 0) {
      lading_throw_errno(env, errno, "llistxattr", path);
      break;
    }
    char *list = malloc((size_t)size + 1);
    if (list == NULL) {
      lading_throw_errno(env, ENOMEM, "llistxattr", path);
      break;
    }
    ssize_t got = size == 0 ? 0 : llistxattr(path, list, (size_t)size);
    if (got < 0) {
      int err = errno;
      free(list);
      if (err == ERANGE) continue;
      lading_throw_errno(env, err, "llistxattr", path);
      break;
    }
    napi_create_array(env, &result);
    uint32_t index = 0;
    for (ssize_t at = 0; at < got;) {
      size_t len = strnlen(list + at, (size_t)(got - at));
      napi_value name;
      napi_create_string_utf8(env, list + at, len, &name);
      napi_set_element(env, result, index++, name);
      at += (ssize_t)len + 1;
    }
    free(list);
    break;
  }
  free(path);
  return result;
}

/* lremovexattr(path, name) */
static napi_value js_lremovexattr(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  char *path = NULL, *name = NULL;
  if (lading_get_args(env, info, 2, argv) != 0 || lading_get_cstring(env, argv[0], 0, &path) != 0 ||
      lading_get_cstring(env, argv[1], 0, &name) != 0) {
    free(path);
    free(name);
    return lading_bad_argument(env, "lremovexattr(path: string | Buffer, name: string)");
  }
  napi_value result = NULL;
  if (lremovexattr(path, name) != 0) result = lading_throw_errno(env, errno, "lremovexattr", path);
  free(path);
  free(name);
  return result;
}

/* mount(source | null, target, fstype | null, flags, data | null) */
static napi_value js_mount(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  char *source = NULL, *target = NULL, *fstype = NULL, *data = NULL;
  double flags;
  if (lading_get_args(env, info, 5, argv) != 0 || lading_get_cstring(env, argv[0], 1, &source) != 0 ||
      lading_get_cstring(env, argv[1], 0, &target) != 0 || lading_get_cstring(env, argv[2], 1, &fstype) != 0 ||
      napi_get_value_double(env, argv[3], &flags) != napi_ok || lading_get_cstring(env, argv[4], 1, &data) != 0) {
    free(source);
    free(target);
    free(fstype);
    free(data);
    return lading_bad_argument(env,
                        "mount(source: string | null, target: string, fstype: string | null, flags: number, "
                        "data: string | null)");
  }
  napi_value result = NULL;
  if (mount(source, target, fstype, (unsigned long)flags, data) != 0)
    result = lading_throw_errno(env, errno, "mount", target);
  free(source);
  free(target);
  free(fstype);
  free(data);
  return result;
}

/* umount2(target, flags) */
static napi_value js_umount2(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  char *target = NULL;
  uint32_t flags;
  if (lading_get_args(env, info, 2, argv) != 0 || lading_get_cstring(env, argv[0], 0, &target) != 0 ||
      napi_get_value_uint32(env, argv[1], &flags) != napi_ok) {
    free(target);
    return lading_bad_argument(env, "umount2(target: string | Buffer, flags: number)");
  }
  napi_value result = NULL;
  if (umount2(target, (int)flags) != 0) result = lading_throw_errno(env, errno, "umount2", target);
  free(target);
  return result;
}

static void set_constant(napi_env env, napi_value object, const char *name, double value) {
  napi_value number;
  napi_create_double(env, value, &number);
  napi_set_named_property(env, object, name, number);
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor functions[] = {
      {"mknod", NULL, js_mknod, NULL, NULL, NULL, napi_default, NULL},
      {"lsetxattr", NULL, js_lsetxattr, NULL, NULL, NULL, napi_default, NULL},
      {"fsetxattr", NULL, js_fsetxattr, NULL, NULL, NULL, napi_default, NULL},
      {"lgetxattr", NULL, js_lgetxattr, NULL, NULL, NULL, napi_default, NULL},
      {"llistxattr", NULL, js_llistxattr, NULL, NULL, NULL, napi_default, NULL},
      {"lremovexattr", NULL, js_lremovexattr, NULL, NULL, NULL, napi_default, NULL},
      {"mount", NULL, js_mount, NULL, NULL, NULL, napi_default, NULL},
      {"umount2", NULL, js_umount2, NULL, NULL, NULL, napi_default, NULL},
  };
  CHECK(napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions));
  if (lading_register_file_queue(env, exports) != 0) {
    napi_throw_error(env, "EINVAL", "lading sys: registering the file queue failed");
    return NULL;
  }

  /* The numbers come from the C headers so the TS side never hard-codes an ABI value. */
  napi_value constants;
  CHECK(napi_create_object(env, &constants));
  set_constant(env, constants, "S_IFCHR", S_IFCHR);
  set_constant(env, constants, "S_IFBLK", S_IFBLK);
  set_constant(env, constants, "S_IFIFO", S_IFIFO);
  set_constant(env, constants, "XATTR_CREATE", XATTR_CREATE);
  set_constant(env, constants, "XATTR_REPLACE", XATTR_REPLACE);
  set_constant(env, constants, "MS_RDONLY", MS_RDONLY);
  set_constant(env, constants, "MS_NOSUID", MS_NOSUID);
  set_constant(env, constants, "MS_NODEV", MS_NODEV);
  set_constant(env, constants, "MS_NOEXEC", MS_NOEXEC);
  set_constant(env, constants, "MS_REMOUNT", MS_REMOUNT);
  set_constant(env, constants, "MS_BIND", MS_BIND);
  set_constant(env, constants, "MS_MOVE", MS_MOVE);
  set_constant(env, constants, "MS_REC", MS_REC);
  set_constant(env, constants, "MS_PRIVATE", MS_PRIVATE);
  set_constant(env, constants, "MS_SLAVE", MS_SLAVE);
  set_constant(env, constants, "MS_SHARED", MS_SHARED);
  set_constant(env, constants, "MS_NOATIME", MS_NOATIME);
  set_constant(env, constants, "MS_RELATIME", MS_RELATIME);
  set_constant(env, constants, "MNT_FORCE", MNT_FORCE);
  set_constant(env, constants, "MNT_DETACH", MNT_DETACH);
  set_constant(env, constants, "MNT_EXPIRE", MNT_EXPIRE);
  set_constant(env, constants, "UMOUNT_NOFOLLOW", UMOUNT_NOFOLLOW);
  CHECK(napi_set_named_property(env, exports, "constants", constants));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
