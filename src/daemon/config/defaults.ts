/** Where ladingd looks and what it uses when daemon.json and the flags say nothing. */
export const DEFAULT_CONFIG_FILE = '/etc/lading/daemon.json';
export const DEFAULT_DATA_ROOT = '/var/lib/lading';
export const DEFAULT_EXEC_ROOT = '/run/lading';
export const DEFAULT_HOST = 'unix:///run/lading/lading.sock';
export const DEFAULT_CONTAINERD_NAMESPACE = 'lading';
/** Containers' cgroups go under this parent, as dockerd's go under /docker. */
export const DEFAULT_CGROUP_PARENT = '/lading';
/** Docker's defaults for parallel layer transfers. */
export const DEFAULT_MAX_CONCURRENT_DOWNLOADS = 3;
export const DEFAULT_MAX_CONCURRENT_UPLOADS = 5;
