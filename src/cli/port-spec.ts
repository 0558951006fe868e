/**
 * `-p/--publish` and `--expose` values, read as docker's nat package reads them:
 * `[ip:][hostPort:]containerPort[/proto]`, with ranges (`8000-8001:80-81/udp`).
 */

import type { PortBinding } from '../api/types/containers.js';

export interface PortSpec {
  port: string; // "80/tcp"
  binding: PortBinding;
}

export function splitPortRange(s: string, what: string, spec: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(s);
  if (!m) throw new Error(`invalid ${what}: ${s}`);
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  if (end < start || end > 65535) throw new Error(`invalid port range: ${spec}`);
  return [start, end];
}

/** nat.ParsePortSpec: `[ip:][hostPort:]containerPort[/proto]`, with ranges. */
export function parsePortSpec(raw: string): PortSpec[] {
  let rest = raw;
  let proto = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash !== -1) {
    proto = rest.slice(slash + 1).toLowerCase();
    rest = rest.slice(0, slash);
    if (!['tcp', 'udp', 'sctp'].includes(proto)) throw new Error(`invalid proto: ${proto}`);
  }
  let ip = '';
  let hostPort = '';
  let containerPort = rest;
  const bracket = /^\[([^\]]+)\]:(.*)$/.exec(rest);
  if (bracket) {
    ip = bracket[1] as string;
    const parts = (bracket[2] as string).split(':');
    if (parts.length !== 2) throw new Error(`invalid port specification: "${raw}"`);
    [hostPort, containerPort] = parts as [string, string];
  } else {
    const parts = rest.split(':');
    if (parts.length === 2) [hostPort, containerPort] = parts as [string, string];
    else if (parts.length === 3) [ip, hostPort, containerPort] = parts as [string, string, string];
    else if (parts.length > 3) {
      // An unbracketed IPv6 address: everything before the last two fields.
      containerPort = parts.pop() as string;
      hostPort = parts.pop() as string;
      ip = parts.join(':');
    }
  }
  if (containerPort === '') throw new Error(`no port specified: ${raw}<empty>`);
  const [cStart, cEnd] = splitPortRange(containerPort, 'containerPort', raw);
  let hStart = 0;
  let hEnd = 0;
  if (hostPort !== '') {
    [hStart, hEnd] = splitPortRange(hostPort, 'hostPort', raw);
    if (hEnd - hStart !== cEnd - cStart && hStart !== hEnd) {
      throw new Error(
        `invalid ranges specified for container and host Ports: ${containerPort} and ${hostPort}`,
      );
    }
  }
  const out: PortSpec[] = [];
  for (let i = 0; i <= cEnd - cStart; i++) {
    let hp = '';
    if (hostPort !== '')
      hp = hStart === hEnd ? (cEnd === cStart ? String(hStart) : `${hStart}-${hEnd}`) : String(hStart + i);
    out.push({ port: `${cStart + i}/${proto}`, binding: { HostIp: ip, HostPort: hp } });
  }
  return out;
}
