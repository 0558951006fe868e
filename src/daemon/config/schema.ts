/**
 * The daemon.json schema: the keys Docker users actually set that mean something to lading.
 * The object is strict, so a typo ("registry-mirror") is an error instead of a silently
 * ignored setting. Each rule carries its own message so an error can say "must be one of …"
 * next to the key it is about (see format-issues.ts).
 */
import { isIPv4, isIPv6 } from 'node:net';
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { LOG_LEVELS } from '../../log/index.js';

const str = () => z.string({ error: 'must be a string' });
const bool = () => z.boolean({ error: 'must be true or false' });
const strList = () => z.array(str(), { error: 'must be an array of strings' });
const absPath = () => str().refine((p) => isAbsolute(p), { error: 'must be an absolute path' });
const positiveInt = () =>
  z
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(1, { error: 'must be at least 1' });

/** A mirror: http(s) URL, optionally with a path prefix; no query, fragment or credentials (as Docker). */
const registryMirror = str().refine(
  (url) => {
    try {
      const parsed = new URL(url);
      return (
        (parsed.protocol === 'http:' || parsed.protocol === 'https:') &&
        parsed.host !== '' &&
        parsed.search === '' &&
        parsed.hash === '' &&
        parsed.username === '' &&
        parsed.password === ''
      );
    } catch {
      return false;
    }
  },
  { error: 'must be an http:// or https:// URL (a path prefix is fine; no query, fragment or credentials)' },
);

/** A registry as references spell it: `docker.io`, `ghcr.io`, `127.0.0.1:5000`, `[::1]:5000`. */
const registryHost =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/;

const mirrorList = () => z.array(registryMirror, { error: 'must be an array of URLs' });

/**
 * Docker's list form (mirrors of docker.io), or lading's map form: registry → mirrors, for
 * any registry (moby#18818), e.g. {"docker.io": [...], "ghcr.io": [...]}.
 */
const registryMirrors = z.union(
  [
    mirrorList(),
    z
      .record(str(), mirrorList(), { error: 'must be an object of registry → array of URLs' })
      // Keys checked here rather than by the record, so the message names the bad key.
      .superRefine((mirrors, ctx) => {
        for (const registry of Object.keys(mirrors)) {
          if (!registryHost.test(registry)) {
            ctx.addIssue({
              code: 'custom',
              path: [registry],
              message: 'must be a registry host[:port] like docker.io or 127.0.0.1:5000',
            });
          }
        }
      }),
  ],
  { error: 'must be an array of URLs, or an object of registry → array of URLs' },
);

/** host[:port] or a CIDR; Docker refuses a scheme here. */
const insecureRegistry = str().refine((value) => !value.includes('://'), {
  error: "must be host[:port] or a CIDR, without '://'",
});

const cidr4 = str().refine(
  (value) => {
    const [ip, bits, ...rest] = value.split('/');
    const n = Number(bits);
    return rest.length === 0 && ip !== undefined && isIPv4(ip) && Number.isInteger(n) && n >= 0 && n <= 32;
  },
  { error: 'must be an IPv4 address with a prefix length, like 172.17.0.1/16' },
);

const ulimit = z.object(
  {
    Name: str().optional(),
    Hard: z.number({ error: 'must be a number' }).int(),
    Soft: z.number({ error: 'must be a number' }).int(),
  },
  { error: 'must be an object like {"Name": "nofile", "Hard": 1024, "Soft": 1024}' },
);

export const daemonConfigFileSchema = z
  .object(
    {
      'data-root': absPath().optional(),
      'exec-root': absPath().optional(),
      hosts: strList().optional(),
      'log-level': z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).optional(),
      debug: bool().optional(),
      'registry-mirrors': registryMirrors.optional(),
      /** Registries whose pulls may only use their mirrors, never the upstream (audited sites). */
      'registry-mirror-only': z
        .array(str().regex(registryHost, { error: 'must be a registry host[:port] like docker.io' }), {
          error: 'must be an array of registries',
        })
        .optional(),
      'insecure-registries': z.array(insecureRegistry, { error: 'must be an array of strings' }).optional(),
      'storage-driver': z.enum(['overlay2', 'vfs'], { error: 'must be one of overlay2, vfs' }).optional(),
      bip: cidr4.optional(),
      /** The default bridge's interface (dockerd's `-b`): a name of at most 15 characters, or "none" for no bridge. */
      bridge: str()
        .regex(/^(none|[A-Za-z0-9][A-Za-z0-9_.-]{0,14})$/, {
          error: 'must be an interface name of at most 15 characters, or "none"',
        })
        .optional(),
      /**
       * lading's own key (tests): prefix of its iptables chains, default "LADING". Lets a test
       * daemon work in chains of its own and never touch the production ones.
       */
      'iptables-chain-prefix': str()
        .regex(/^[A-Za-z][A-Za-z0-9_]{0,11}$/, {
          error: 'must be 1-12 letters, digits or _ and start with a letter',
        })
        .optional(),
      labels: z
        .array(
          str().refine((l) => /^[^=\s]+=/.test(l), { error: 'must be "key=value"' }),
          { error: 'must be an array of "key=value" strings' },
        )
        .optional(),
      containerd: absPath().optional(),
      /** Parent cgroup of every container (dockerd's `cgroup-parent`); default "/lading". */
      'cgroup-parent': str()
        .regex(/^\/[A-Za-z0-9._/-]*$/, { error: 'must be an absolute cgroup path like /lading' })
        .optional(),
      'containerd-namespace': str()
        .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, {
          error: 'must be a containerd namespace name ([A-Za-z0-9._-])',
        })
        .optional(),
      tls: bool().optional(),
      tlsverify: bool().optional(),
      tlscert: absPath().optional(),
      tlskey: absPath().optional(),
      tlscacert: absPath().optional(),
      'live-restore': bool().optional(),
      'max-concurrent-downloads': positiveInt().optional(),
      'max-concurrent-uploads': positiveInt().optional(),
      'default-ulimits': z.record(z.string(), ulimit, { error: 'must be an object of ulimits' }).optional(),
      dns: z
        .array(
          str().refine((ip) => isIPv4(ip) || isIPv6(ip), { error: 'must be an IP address' }),
          { error: 'must be an array of IP addresses' },
        )
        .optional(),
      mtu: z
        .number({ error: 'must be a number' })
        .int()
        .min(68, { error: 'must be between 68 and 65535' })
        .max(65535, {
          error: 'must be between 68 and 65535',
        })
        .optional(),
      iptables: bool().optional(),
      'ip-forward': bool().optional(),
      'userland-proxy': bool().optional(),
    },
    { error: 'must be a JSON object' },
  )
  .strict();

/** daemon.json as written by the user: every key optional. Flags use the same shape. */
export type DaemonConfigFile = z.infer<typeof daemonConfigFileSchema>;
export type DaemonConfigKey = keyof DaemonConfigFile;
