/**
 * Self-signed certificates for test servers, made with the openssl CLI (Node's crypto can
 * make keys but not X.509 certificates). `openssl req -x509` marks them CA:TRUE, so each is
 * its own CA: clients trust it by its own file.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export interface CertificateFiles {
  certPath: string;
  keyPath: string;
}

/** `<dir>/<name>.crt` and `<name>.key`: RSA 2048, valid two days, subject CN, optional SAN IP. */
export function selfSignedCertificate(
  dir: string,
  name: string,
  subject: { cn: string; ip?: string },
): CertificateFiles {
  const certPath = join(dir, `${name}.crt`);
  const keyPath = join(dir, `${name}.key`);
  const san = subject.ip === undefined ? [] : ['-addext', `subjectAltName=IP:${subject.ip}`];
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath].concat([
      '-days',
      '2',
      '-subj',
      `/CN=${subject.cn}`,
      ...san,
    ]),
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return { certPath, keyPath };
}
