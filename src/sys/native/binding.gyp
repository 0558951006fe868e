# Built by scripts/build-native.sh with the node-gyp that ships with npm (npm 11 here
# blocks dependency install scripts, so no ffi package is relied on).
{
  "targets": [
    {
      "target_name": "sys",
      "sources": ["sys.c", "file_queue.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Werror", "-std=gnu11"],
      "defines": ["NAPI_VERSION=8", "_GNU_SOURCE"],
      "libraries": ["-lpthread", "-lm"]
    }
  ]
}
