/**
 * TLS material per registry host, laid out as Docker's certs.d: every `*.crt` in
 * `${certsDir}/<host[:port]>/` is an extra CA beside the system ones, and each `x.cert`
 * with a matching `x.key` is a client certificate. A missing directory is normal.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';

export interface TlsMaterial {
  ca: string[];
  cert?: string;
  key?: string;
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/**
 * Read when an agent for the host is created; synchronous because it runs once per host
 * and the files are tiny. Node takes one client cert per connection, so the first pair
 * in name order wins (Docker offers all; servers rarely need more than one).
 */
export function loadTlsMaterial(certsDir: string, hostPort: string): TlsMaterial {
  // ':' is legal in Linux file names, so 'host:5000' is the directory name, as in Docker.
  const dir = join(certsDir, hostPort);
  const names = listDir(dir);
  const ca = [...rootCertificates];
  const material: TlsMaterial = { ca };
  for (const name of names) {
    if (name.endsWith('.crt')) ca.push(readFileSync(join(dir, name), 'utf8'));
  }
  for (const name of names) {
    if (!name.endsWith('.cert')) continue;
    const keyName = `${name.slice(0, -'.cert'.length)}.key`;
    if (!names.includes(keyName)) {
      throw new Error(`missing key ${keyName} for client certificate ${join(dir, name)}`);
    }
    if (material.cert === undefined) {
      material.cert = readFileSync(join(dir, name), 'utf8');
      material.key = readFileSync(join(dir, keyName), 'utf8');
    }
  }
  for (const name of names) {
    if (name.endsWith('.key') && !names.includes(`${name.slice(0, -'.key'.length)}.cert`)) {
      throw new Error(
        `missing client certificate ${name.slice(0, -'.key'.length)}.cert for key ${join(dir, name)}`,
      );
    }
  }
  return material;
}
