/**
 * Real Engine API clients against a real ladingd: docker-py (Debian's python3-docker), which
 * negotiates its API version and reads the answers as dockerd's, and lading's own CLI
 * (bin/lading), including how it picks the daemon (-H, LADING_HOST, DOCKER_HOST) and what it
 * says when there is none.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { BlobDir, buildImage, busyboxRootfs } from '../fixtures/index.js';
import { useCleanup } from '../support/cleanup.js';
import { lading, runCommand } from '../support/cli.js';
import { startDaemon, type TestDaemon } from '../support/daemon.js';
import { engineRequest } from '../support/engine-request.js';
import { testBase } from '../support/test-base.js';

/** docker-py: ping, version and info over the unix socket in argv[1], printed as JSON. */
const DOCKER_PY = `
import json, sys
import docker
client = docker.DockerClient(base_url=sys.argv[1])
print(json.dumps({
    'ping': client.ping(),
    'apiVersion': client.version()['ApiVersion'],
    'rootDir': client.info()['DockerRootDir'],
}))
`;

/**
 * docker-py running containers: load an image archive (argv[2]), run with remove, run
 * detached and exec into it, read logs, stop, wait and remove. Prints what it saw as JSON.
 */
const DOCKER_PY_CONTAINERS = `
import json, sys
import docker
client = docker.DockerClient(base_url=sys.argv[1])
with open(sys.argv[2], 'rb') as f:
    client.images.load(f.read())
out = client.containers.run('pybox', ['sh', '-c', 'echo $GREETING'], environment={'GREETING': 'from docker-py'}, remove=True)
c = client.containers.run('pybox', ['sh', '-c', 'echo started; exec sleep 60'], detach=True, name='py-detached')
code, exec_out = c.exec_run(['echo', 'exec works'])
c.reload()
status = c.status
c.stop(timeout=1)
waited = c.wait()
logs = c.logs()
c.remove()
print(json.dumps({
    'run': out.decode(), 'exec': [code, exec_out.decode()], 'status': status,
    'wait': waited['StatusCode'], 'logs': logs.decode(),
    'left': len(client.containers.list(all=True)),
}))
`;

describe('Engine API clients against ladingd', { timeout: 120_000 }, () => {
  const cleanup = useCleanup();
  let daemon: TestDaemon;
  /** A socket path where no daemon listens. */
  let nowhere = '';

  before(async () => {
    daemon = await startDaemon({ cleanup, label: 'clients' });
    nowhere = `unix://${join(testBase(), 'no-daemon-here.sock')}`;
  });

  describe('docker-py', () => {
    it('pings, and reads version and info', async () => {
      const result = await runCommand('python3', ['-c', DOCKER_PY, daemon.host]);
      assert.equal(result.code, 0, result.stderr);
      const answers = JSON.parse(result.stdout) as { ping: unknown; apiVersion: unknown; rootDir: unknown };
      assert.equal(answers.ping, true);
      const version = JSON.parse((await engineRequest(daemon.socketPath, 'GET', '/version')).body) as {
        ApiVersion: string;
      };
      assert.match(version.ApiVersion, /^1\.\d+$/);
      assert.equal(answers.apiVersion, version.ApiVersion);
      assert.equal(answers.rootDir, daemon.dataRoot);
    });
  });

  describe('docker-py with containers', () => {
    it('loads an image, runs, execs, reads logs, stops, waits and removes', async () => {
      const blobs = await BlobDir.create(testBase());
      cleanup.defer('fixture blobs', () => blobs.dispose());
      const image = await buildImage({ layers: [busyboxRootfs()], config: { Cmd: ['sh'] } }, blobs);
      const archive = join(testBase(), 'pybox.tar');
      await image.writeDockerArchive(archive, { repoTags: ['pybox:latest'] });
      const result = await runCommand('python3', ['-c', DOCKER_PY_CONTAINERS, daemon.host, archive]);
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(JSON.parse(result.stdout), {
        run: 'from docker-py\n',
        exec: [0, 'exec works\n'],
        status: 'running',
        wait: 137,
        logs: 'started\n',
        left: 0,
      });
    });
  });

  describe('the lading CLI', () => {
    it('prints the server version with --format', async () => {
      const result = await lading(['-H', daemon.host, 'version', '--format', '{{.Server.Version}}']);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, '0.1.0\n');
    });

    it('prints the data root from info with --format', async () => {
      const result = await lading(['-H', daemon.host, 'info', '--format', '{{.DockerRootDir}}']);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, `${daemon.dataRoot}\n`);
    });

    it('shows the daemon reload event after a SIGHUP', async () => {
      const since = Math.floor(Date.now() / 1000) - 1;
      writeFileSync(daemon.configFile, JSON.stringify({ labels: ['client=lading'] }));
      process.kill(daemon.pid, 'SIGHUP');
      await daemon.waitForLog('reloaded the configuration');
      const until = Math.floor(Date.now() / 1000) + 1;
      const result = await lading([
        '-H',
        daemon.host,
        'events',
        '--since',
        String(since),
        '--until',
        String(until),
        '--filter',
        'type=daemon',
      ]);
      assert.equal(result.code, 0, result.stderr);
      const engineId = readFileSync(join(daemon.dataRoot, 'engine-id'), 'utf8').trim();
      const reloads = result.stdout.split('\n').filter((line) => line.includes(' daemon reload '));
      assert.equal(reloads.length, 1, result.stdout);
      assert.match(reloads[0] ?? '', new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\S+ daemon reload ${engineId}\\b`));
    });

    it('finds the daemon through DOCKER_HOST', async () => {
      const result = await lading(['info', '--format', '{{.DockerRootDir}}'], { DOCKER_HOST: daemon.host });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, `${daemon.dataRoot}\n`);
    });

    it('prefers LADING_HOST to DOCKER_HOST, and -H to both', async () => {
      const viaEnv = await lading(['info', '--format', '{{.DockerRootDir}}'], {
        LADING_HOST: daemon.host,
        DOCKER_HOST: nowhere,
      });
      assert.equal(viaEnv.code, 0, viaEnv.stderr);
      assert.equal(viaEnv.stdout, `${daemon.dataRoot}\n`);
      const viaFlag = await lading(['-H', daemon.host, 'info', '--format', '{{.DockerRootDir}}'], {
        LADING_HOST: nowhere,
        DOCKER_HOST: nowhere,
      });
      assert.equal(viaFlag.code, 0, viaFlag.stderr);
      assert.equal(viaFlag.stdout, `${daemon.dataRoot}\n`);
    });

    it('exits 1 with "Cannot connect" when no daemon listens', async () => {
      const result = await lading(['-H', nowhere, 'version', '--format', '{{.Server.Version}}']);
      assert.equal(result.code, 1, result.stdout);
      assert.ok(
        result.stderr.includes(
          `Cannot connect to the lading daemon at ${nowhere}. Is the lading daemon running?`,
        ),
        result.stderr,
      );
    });
  });
});
