/*
 * A queue of small-file writes run by a few threads: how layer extraction keeps up with (and
 * beats) `tar -x` on layers of many small files.
 *
 * Why: creating a small file costs open + write + futimens + close, and on a layer of 20,000
 * files those syscalls are nearly all of the time. Run one by one on Node's main thread they
 * also pay Node's per-call overhead four times per file and leave the second core idle. Here
 * the main thread only parses the tar and queues "create this file with these bytes and this
 * metadata"; two threads make the files. No JavaScript runs on those threads and nothing calls
 * back into JavaScript: the first failure is kept and reported by drain(), which the caller
 * runs before anything that must see the files (replacing a name, a hard link, directory
 * times, the end of the layer).
 *
 * Safety is the caller's: paths must be ones the extraction's in-root tree resolved (real
 * directories it made, plus one new name). Files are created O_EXCL|O_NOFOLLOW, so a queued
 * write never follows or replaces anything.
 *
 * JS API (all synchronous):
 *   createFileQueue(threads) → queue (an external)
 *   queueFile(queue, path: Buffer, data: Buffer, mode, uid, gid, setOwner: bool, setMode: bool,
 *             atime: number (s), mtime: number (s))   — blocks only past a hard bound
 *   fileQueueBacklog(queue) → bytes queued and not yet written, for the caller's own
 *             (asynchronous) back-pressure well below the hard bound
 *   drainFileQueue(queue)  — waits for every queued write; throws the first failure (once)
 *   closeFileQueue(queue)  — drains without throwing and stops the threads
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <node_api.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file_queue.h"

#define MAX_THREADS 8
/*
 * Hard bound on memory held by queued writes: queueFile blocks above it. Callers are expected
 * to wait (asynchronously, letting the event loop serve other work) on fileQueueBacklog long
 * before, so blocking the main thread here is the exception.
 */
#define MAX_QUEUED_BYTES (64u * 1024u * 1024u)
#define MAX_QUEUED_JOBS 32768u

typedef struct job {
  struct job *next;
  char *path;
  char *data;
  size_t len;
  mode_t mode;
  uid_t uid;
  gid_t gid;
  bool set_owner;
  bool set_mode;
  struct timespec times[2];
} job;

typedef struct {
  pthread_mutex_t mu;
  pthread_cond_t work;  /* a job was queued, or stop */
  pthread_cond_t space; /* a job finished: room in the queue, maybe idle */
  job *head, *tail;
  size_t queued_bytes;
  unsigned queued, running;
  bool stop, closed;
  int nthreads;
  pthread_t threads[MAX_THREADS];
  /* The first failure; later ones are dropped (the layer is rolled back anyway). */
  int err;
  const char *err_syscall;
  char *err_path;
} file_queue;

static void fail(file_queue *q, int err, const char *syscall, const char *path) {
  pthread_mutex_lock(&q->mu);
  if (q->err == 0) {
    q->err = err;
    q->err_syscall = syscall;
    q->err_path = strdup(path);
  }
  pthread_mutex_unlock(&q->mu);
}

static void write_file(file_queue *q, job *j) {
  int fd = open(j->path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, j->mode & 0777);
  if (fd < 0) {
    fail(q, errno, "open", j->path);
    return;
  }
  const char *syscall = NULL;
  for (size_t at = 0; at < j->len && syscall == NULL;) {
    ssize_t n = write(fd, j->data + at, j->len - at);
    if (n < 0 && errno != EINTR) syscall = "write";
    if (n > 0) at += (size_t)n;
  }
  /* Same order as the synchronous path: owner (clears set-id bits), then mode, then times. */
  if (syscall == NULL && j->set_owner && fchown(fd, j->uid, j->gid) != 0) syscall = "fchown";
  if (syscall == NULL && j->set_mode && fchmod(fd, j->mode) != 0) syscall = "fchmod";
  if (syscall == NULL && futimens(fd, j->times) != 0) syscall = "futimens";
  int saved = errno;
  if (close(fd) != 0 && syscall == NULL) {
    syscall = "close";
    saved = errno;
  }
  if (syscall != NULL) fail(q, saved, syscall, j->path);
}

static void *worker(void *arg) {
  file_queue *q = arg;
  pthread_mutex_lock(&q->mu);
  for (;;) {
    while (q->head == NULL && !q->stop) pthread_cond_wait(&q->work, &q->mu);
    if (q->head == NULL) break; /* stop, and nothing left */
    job *j = q->head;
    q->head = j->next;
    if (q->head == NULL) q->tail = NULL;
    q->running++;
    bool skip = q->err != 0; /* after a failure the layer is doomed: don't make more files */
    pthread_mutex_unlock(&q->mu);
    if (!skip) write_file(q, j);
    pthread_mutex_lock(&q->mu);
    q->running--;
    q->queued--;
    q->queued_bytes -= j->len;
    pthread_cond_broadcast(&q->space);
    free(j->path);
    free(j->data);
    free(j);
  }
  pthread_mutex_unlock(&q->mu);
  return NULL;
}

/* Waits until nothing is queued or running. Called with q->mu held. */
static void wait_idle(file_queue *q) {
  while (q->queued > 0) pthread_cond_wait(&q->space, &q->mu);
}

static void stop_threads(file_queue *q) {
  pthread_mutex_lock(&q->mu);
  if (q->closed) {
    pthread_mutex_unlock(&q->mu);
    return;
  }
  wait_idle(q);
  q->stop = true;
  q->closed = true;
  pthread_cond_broadcast(&q->work);
  pthread_mutex_unlock(&q->mu);
  for (int i = 0; i < q->nthreads; i++) pthread_join(q->threads[i], NULL);
}

static void finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  file_queue *q = data;
  stop_threads(q);
  free(q->err_path);
  pthread_mutex_destroy(&q->mu);
  pthread_cond_destroy(&q->work);
  pthread_cond_destroy(&q->space);
  free(q);
}

static file_queue *get_queue(napi_env env, napi_value value) {
  void *data = NULL;
  napi_valuetype type;
  if (napi_typeof(env, value, &type) != napi_ok || type != napi_external) return NULL;
  if (napi_get_value_external(env, value, &data) != napi_ok) return NULL;
  return data;
}

static napi_value js_create(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t threads;
  if (lading_get_args(env, info, 1, argv) != 0 || napi_get_value_int32(env, argv[0], &threads) != napi_ok ||
      threads < 1 || threads > MAX_THREADS)
    return lading_bad_argument(env, "createFileQueue(threads: 1..8)");
  file_queue *q = calloc(1, sizeof *q);
  if (q == NULL) return lading_throw_errno(env, ENOMEM, "createFileQueue", NULL);
  pthread_mutex_init(&q->mu, NULL);
  pthread_cond_init(&q->work, NULL);
  pthread_cond_init(&q->space, NULL);
  for (int i = 0; i < threads; i++) {
    if (pthread_create(&q->threads[i], NULL, worker, q) != 0) break;
    q->nthreads++;
  }
  napi_value external;
  if (q->nthreads == 0 || napi_create_external(env, q, finalize, NULL, &external) != napi_ok) {
    finalize(env, q, NULL);
    return lading_throw_errno(env, EAGAIN, "pthread_create", NULL);
  }
  return external;
}

static void to_timespec(double seconds, struct timespec *out) {
  double whole = floor(seconds);
  out->tv_sec = (time_t)whole;
  out->tv_nsec = (long)llround((seconds - whole) * 1e9);
  if (out->tv_nsec >= 1000000000L) {
    out->tv_sec++;
    out->tv_nsec -= 1000000000L;
  }
}

static napi_value js_queue_file(napi_env env, napi_callback_info info) {
  napi_value argv[10];
  file_queue *q = NULL;
  char *path = NULL;
  void *data;
  size_t len;
  bool is_buffer = false, set_owner, set_mode;
  uint32_t mode, uid, gid;
  double atime, mtime;
  if (lading_get_args(env, info, 10, argv) != 0 || (q = get_queue(env, argv[0])) == NULL ||
      lading_get_cstring(env, argv[1], 0, &path) != 0 || napi_is_buffer(env, argv[2], &is_buffer) != napi_ok ||
      !is_buffer || napi_get_buffer_info(env, argv[2], &data, &len) != napi_ok ||
      napi_get_value_uint32(env, argv[3], &mode) != napi_ok || napi_get_value_uint32(env, argv[4], &uid) != napi_ok ||
      napi_get_value_uint32(env, argv[5], &gid) != napi_ok || napi_get_value_bool(env, argv[6], &set_owner) != napi_ok ||
      napi_get_value_bool(env, argv[7], &set_mode) != napi_ok || napi_get_value_double(env, argv[8], &atime) != napi_ok ||
      napi_get_value_double(env, argv[9], &mtime) != napi_ok) {
    free(path);
    return lading_bad_argument(env,
                               "queueFile(queue, path: Buffer, data: Buffer, mode, uid, gid, setOwner, setMode, "
                               "atime, mtime)");
  }
  job *j = calloc(1, sizeof *j);
  char *copy = len > 0 ? malloc(len) : NULL;
  if (j == NULL || (len > 0 && copy == NULL)) {
    free(j);
    free(copy);
    free(path);
    return lading_throw_errno(env, ENOMEM, "queueFile", NULL);
  }
  if (len > 0) memcpy(copy, data, len);
  j->path = path;
  j->data = copy;
  j->len = len;
  j->mode = (mode_t)mode;
  j->uid = (uid_t)uid;
  j->gid = (gid_t)gid;
  j->set_owner = set_owner;
  j->set_mode = set_mode;
  to_timespec(atime, &j->times[0]);
  to_timespec(mtime, &j->times[1]);

  pthread_mutex_lock(&q->mu);
  if (q->closed) {
    pthread_mutex_unlock(&q->mu);
    free(j->path);
    free(j->data);
    free(j);
    return lading_bad_argument(env, "queueFile: the queue is closed");
  }
  while (q->queued > 0 && (q->queued >= MAX_QUEUED_JOBS || q->queued_bytes + len > MAX_QUEUED_BYTES))
    pthread_cond_wait(&q->space, &q->mu);
  if (q->tail != NULL) q->tail->next = j;
  else q->head = j;
  q->tail = j;
  q->queued++;
  q->queued_bytes += len;
  pthread_cond_signal(&q->work);
  pthread_mutex_unlock(&q->mu);
  return NULL;
}

static napi_value js_backlog(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  file_queue *q;
  if (lading_get_args(env, info, 1, argv) != 0 || (q = get_queue(env, argv[0])) == NULL)
    return lading_bad_argument(env, "fileQueueBacklog(queue)");
  pthread_mutex_lock(&q->mu);
  double bytes = (double)q->queued_bytes;
  pthread_mutex_unlock(&q->mu);
  napi_value result;
  if (napi_create_double(env, bytes, &result) != napi_ok) return NULL;
  return result;
}

static napi_value js_drain(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  file_queue *q;
  if (lading_get_args(env, info, 1, argv) != 0 || (q = get_queue(env, argv[0])) == NULL)
    return lading_bad_argument(env, "drainFileQueue(queue)");
  pthread_mutex_lock(&q->mu);
  wait_idle(q);
  int err = q->err;
  const char *syscall = q->err_syscall;
  char *path = q->err_path;
  q->err = 0;
  q->err_path = NULL;
  pthread_mutex_unlock(&q->mu);
  napi_value result = NULL;
  if (err != 0) result = lading_throw_errno(env, err, syscall, path);
  free(path);
  return result;
}

static napi_value js_close(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  file_queue *q;
  if (lading_get_args(env, info, 1, argv) != 0 || (q = get_queue(env, argv[0])) == NULL)
    return lading_bad_argument(env, "closeFileQueue(queue)");
  stop_threads(q);
  return NULL;
}

int lading_register_file_queue(napi_env env, napi_value exports) {
  napi_property_descriptor functions[] = {
      {"createFileQueue", NULL, js_create, NULL, NULL, NULL, napi_default, NULL},
      {"queueFile", NULL, js_queue_file, NULL, NULL, NULL, napi_default, NULL},
      {"drainFileQueue", NULL, js_drain, NULL, NULL, NULL, napi_default, NULL},
      {"fileQueueBacklog", NULL, js_backlog, NULL, NULL, NULL, napi_default, NULL},
      {"closeFileQueue", NULL, js_close, NULL, NULL, NULL, napi_default, NULL},
  };
  return napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions) == napi_ok ? 0 : -1;
}
