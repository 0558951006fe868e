/**
 * What every Docker container gets unless told otherwise: its kernel filesystems, the paths of
 * /proc and /sys it may not read or write, and the device nodes it may use. Facts from moby
 * daemon/pkg/oci/defaults.go (v29); the time namespace Docker adds on new kernels is left out
 * because runc 1.1.5 does not know it.
 */
import type { RuntimeDeviceCgroup, RuntimeMount } from '../../oci/index.js';

/** The mounts of /proc, /dev, /dev/pts, /sys, /sys/fs/cgroup, /dev/mqueue and /dev/shm. */
export function dockerDefaultMounts(shmSizeBytes: number): RuntimeMount[] {
  return [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    {
      destination: '/dev',
      type: 'tmpfs',
      source: 'tmpfs',
      options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'],
    },
    {
      destination: '/dev/pts',
      type: 'devpts',
      source: 'devpts',
      options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
    },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
    {
      destination: '/sys/fs/cgroup',
      type: 'cgroup',
      source: 'cgroup',
      options: ['ro', 'nosuid', 'noexec', 'nodev'],
    },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    {
      destination: '/dev/shm',
      type: 'tmpfs',
      source: 'shm',
      options: ['nosuid', 'noexec', 'nodev', 'mode=1777', `size=${shmSizeBytes}`],
    },
  ];
}

/** --shm-size when none is given: 64 MiB. */
export const DEFAULT_SHM_SIZE = 64 * 1024 * 1024;

/**
 * Paths masked (a read gives nothing) in an unprivileged container. Docker also masks
 * /sys/devices/system/cpu/cpu<N>/thermal_throttle where it exists on the host; the caller
 * adds those (see thermalThrottlePaths in the container module).
 */
export const DOCKER_MASKED_PATHS: readonly string[] = [
  '/proc/acpi',
  '/proc/asound',
  '/proc/interrupts',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/sys/devices/virtual/powercap',
  '/sys/firmware',
];

/** Paths mounted read-only in an unprivileged container. */
export const DOCKER_READONLY_PATHS: readonly string[] = [
  '/proc/bus',
  '/proc/fs',
  '/proc/irq',
  '/proc/sys',
  '/proc/sysrq-trigger',
];

/**
 * The device cgroup: deny everything, then allow null, zero, full, random, urandom, tty and the
 * pty master/console (5:0, 5:1), and deny 10:229 (/dev/fuse) explicitly. runc itself creates
 * the default nodes (null, zero, full, random, urandom, tty, console, ptmx).
 */
export function dockerDeviceCgroupRules(): RuntimeDeviceCgroup[] {
  const allowChar = (major: number, minor: number): RuntimeDeviceCgroup => ({
    allow: true,
    type: 'c',
    major,
    minor,
    access: 'rwm',
  });
  return [
    { allow: false, access: 'rwm' },
    allowChar(1, 5),
    allowChar(1, 3),
    allowChar(1, 9),
    allowChar(1, 8),
    allowChar(5, 0),
    allowChar(5, 1),
    { allow: false, type: 'c', major: 10, minor: 229, access: 'rwm' },
  ];
}

/** Docker's PATH when the image sets none. */
export const DEFAULT_PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Where --init's binary appears in the container, as in Docker. */
export const INIT_PATH_IN_CONTAINER = '/sbin/docker-init';
