import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ContainerConfig } from '../oci/index.js';
import { InvalidArgumentError } from '../errors/index.js';
import { applyCommitChanges } from './apply-commit-changes.js';

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

const apply = (config: ContainerConfig, ...changes: string[]) =>
  applyCommitChanges(deepFreeze(config), changes);

function rejects(config: ContainerConfig, changes: string[], message: string): void {
  assert.throws(
    () => applyCommitChanges(config, changes),
    (err: unknown) => {
      assert.ok(err instanceof InvalidArgumentError, String(err));
      assert.equal(err.message, message);
      return true;
    },
  );
}

describe('applyCommitChanges', () => {
  it('with no changes gives an equal copy', () => {
    const config = deepFreeze({ Env: ['A=1'], Cmd: ['sh'] });
    const result = applyCommitChanges(config, []);
    assert.deepEqual(result, config);
    assert.notEqual(result, config);
    assert.deepEqual(applyCommitChanges(undefined, []), {});
  });

  it("matches moby's TestCommitChange", () => {
    const result = apply(
      { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['sh'] },
      'EXPOSE 8080',
      'ENV DEBUG true',
      'ENV test 1',
      'ENV PATH /foo',
      'LABEL foo bar',
      'CMD ["/bin/sh"]',
      'WORKDIR /opt',
      'ENTRYPOINT ["/bin/sh"]',
      'USER testuser',
      'VOLUME /var/lib/docker',
      'ONBUILD /usr/local/bin/python-build --dir /app/src',
    );
    assert.deepEqual(result, {
      Env: ['PATH=/foo', 'DEBUG=true', 'test=1'],
      Cmd: ['/bin/sh'],
      ExposedPorts: { '8080/tcp': {} },
      Labels: { foo: 'bar' },
      WorkingDir: '/opt',
      Entrypoint: ['/bin/sh'],
      User: 'testuser',
      Volumes: { '/var/lib/docker': {} },
      OnBuild: ['/usr/local/bin/python-build --dir /app/src'],
    });
  });

  it('does not modify the config it was given', () => {
    const config = { Env: ['A=1'], Labels: { a: 'b' }, ExposedPorts: { '1/tcp': {} } };
    apply(config, 'ENV A=2', 'LABEL a=c', 'EXPOSE 2');
    assert.deepEqual(config, { Env: ['A=1'], Labels: { a: 'b' }, ExposedPorts: { '1/tcp': {} } });
  });
});

describe('applyCommitChanges: ENV', () => {
  it('replaces a variable in place and appends new ones', () => {
    assert.deepEqual(apply({ Env: ['A=1', 'B=2', 'FLAG'] }, 'ENV B=3 C=4 FLAG=on').Env, [
      'A=1',
      'B=3',
      'FLAG=on',
      'C=4',
    ]);
  });

  it('expands with the Env before the instruction; later changes see earlier ones', () => {
    assert.deepEqual(apply({ Env: ['A=1'] }, 'ENV A=2 B=$A', 'ENV C=${A}${B}').Env, ['A=2', 'B=1', 'C=21']);
  });

  it('removes quotes and escapes, in both forms', () => {
    assert.deepEqual(apply({}, 'ENV a="x y" b=\\$HOME c=\'$a\'', 'ENV d "quoted value"  ').Env, [
      'a=x y',
      'b=$HOME',
      'c=$a',
      'd=quoted value',
    ]);
  });

  it('joins changes with newlines, so an escape at the end continues into the next one', () => {
    assert.deepEqual(apply({}, 'ENV a=1 \\', 'b=2').Env, ['a=1', 'b=2']);
  });
});

describe('applyCommitChanges: LABEL, USER, VOLUME, STOPSIGNAL expand too', () => {
  it('LABEL adds and overrides, with expansion of keys and values', () => {
    assert.deepEqual(
      apply({ Env: ['V=1.0', 'K=ver'], Labels: { a: 'old' } }, 'LABEL a=new "$K"=$V "x y"="z"').Labels,
      {
        a: 'new',
        ver: '1.0',
        'x y': 'z',
      },
    );
  });

  it('USER', () => {
    assert.equal(apply({ Env: ['U=app'] }, 'USER ${U}:${G:-staff}').User, 'app:staff');
  });

  it('VOLUME takes JSON or words and adds to the set', () => {
    assert.deepEqual(
      apply({ Env: ['D=/data'], Volumes: { '/a': {} } }, 'VOLUME ["$D", "/b c"]', 'VOLUME /x /y').Volumes,
      {
        '/a': {},
        '/data': {},
        '/b c': {},
        '/x': {},
        '/y': {},
      },
    );
    rejects({}, ['VOLUME $EMPTY'], 'VOLUME specified can not be an empty string');
  });

  it('STOPSIGNAL stores the signal as written once it is valid', () => {
    for (const signal of ['SIGTERM', 'sigkill', 'HUP', '9', 'SIGRTMIN+3', 'rtmax-2']) {
      assert.equal(apply({}, `STOPSIGNAL ${signal}`).StopSignal, signal);
    }
    assert.equal(apply({ Env: ['S=USR1'] }, 'STOPSIGNAL SIG$S').StopSignal, 'SIGUSR1');
    for (const signal of ['FOO', '0', 'SIGRTMIN+16', 'SIG']) {
      rejects({}, [`STOPSIGNAL ${signal}`], `invalid signal: ${signal}`);
    }
  });
});

describe('applyCommitChanges: WORKDIR', () => {
  const cases: [string | undefined, string, string][] = [
    [undefined, '/app', '/app'],
    [undefined, 'app', '/app'],
    ['/app', 'sub', '/app/sub'],
    ['/app', '../other/./x/', '/other/x'],
    ['/app', '/abs//path/', '/abs/path'],
    ['/a', '../../..', '/'],
  ];
  for (const [current, requested, expected] of cases) {
    it(`${current ?? '(none)'} + ${requested} → ${expected}`, () => {
      const config: ContainerConfig = current === undefined ? {} : { WorkingDir: current };
      assert.equal(apply(config, `WORKDIR ${requested}`).WorkingDir, expected);
    });
  }

  it('applies in order and expands', () => {
    assert.equal(apply({ Env: ['D=srv'] }, 'WORKDIR /$D', 'WORKDIR app').WorkingDir, '/srv/app');
    rejects({}, ['WORKDIR $NONE'], 'cannot normalize nothing');
  });
});

describe('applyCommitChanges: EXPOSE', () => {
  it('adds ports, ranges and protocols to the set', () => {
    assert.deepEqual(
      apply({ ExposedPorts: { '22/tcp': {} } }, 'EXPOSE 80 53/udp 9000-9002/TCP 127.0.0.1:8080:81 132/sctp')
        .ExposedPorts,
      {
        '22/tcp': {},
        '80/tcp': {},
        '53/udp': {},
        '9000/tcp': {},
        '9001/tcp': {},
        '9002/tcp': {},
        '81/tcp': {},
        '132/sctp': {},
      },
    );
  });

  it("orders map keys as Go's JSON encoder writes them, so digests match Docker's", () => {
    const result = apply(
      { ExposedPorts: { '9/tcp': {} }, Labels: { z: '1' } },
      'EXPOSE 10 8/udp',
      'LABEL b=1 a=2',
    );
    assert.deepEqual(Object.keys(result.ExposedPorts!), ['10/tcp', '8/udp', '9/tcp']);
    assert.deepEqual(Object.keys(result.Labels!), ['a', 'b', 'z']);
    assert.deepEqual(Object.keys(apply({}, 'VOLUME /b /a').Volumes!), ['/a', '/b']);
  });

  it('splits an expanded variable into several ports', () => {
    assert.deepEqual(apply({ Env: ['PORTS=80 443'] }, 'EXPOSE $PORTS').ExposedPorts, {
      '80/tcp': {},
      '443/tcp': {},
    });
  });

  it('refuses bad specs with moby wording', () => {
    const cases: [string, string][] = [
      ['abc', 'invalid containerPort: abc'],
      ['70000', 'invalid containerPort: 70000'],
      ['90-80', 'invalid containerPort: 90-80'],
      ['80/foo', 'invalid proto: foo'],
      ['/tcp', 'no port specified: /tcp<empty>'],
      ['x:80', 'invalid hostPort: x'],
      ['8000-8001:80-82', 'invalid ranges specified for container and host Ports: 80-82 and 8000-8001'],
      ['nothost:1:80', 'invalid IP address: ParseAddr("nothost"): unable to parse IP'],
    ];
    for (const [spec, message] of cases) rejects({}, [`EXPOSE ${spec}`], message);
  });
});

describe('applyCommitChanges: CMD, ENTRYPOINT and their interplay', () => {
  it('shell form runs through /bin/sh -c, or the config Shell; words are not expanded', () => {
    assert.deepEqual(apply({}, 'CMD echo $HOME').Cmd, ['/bin/sh', '-c', 'echo $HOME']);
    assert.deepEqual(apply({ Shell: ['/bin/bash', '-lc'] }, 'CMD echo hi').Cmd, [
      '/bin/bash',
      '-lc',
      'echo hi',
    ]);
    assert.deepEqual(apply({}, 'CMD ["echo", "$HOME"]').Cmd, ['echo', '$HOME']);
    assert.deepEqual(apply({}, 'CMD').Cmd, ['/bin/sh', '-c']);
    assert.deepEqual(apply({}, 'CMD []').Cmd, []);
  });

  it('clears ArgsEscaped, as Linux builds do', () => {
    assert.equal('ArgsEscaped' in apply({ ArgsEscaped: true }, 'CMD x'), false);
    assert.equal('ArgsEscaped' in apply({ ArgsEscaped: true }, 'ENTRYPOINT x'), false);
  });

  it('ENTRYPOINT drops the inherited Cmd', () => {
    const result = apply({ Cmd: ['sh'], Entrypoint: ['/old'] }, 'ENTRYPOINT ["/app"]');
    assert.deepEqual(result.Entrypoint, ['/app']);
    assert.equal(result.Cmd, null);
  });

  it('ENTRYPOINT keeps a Cmd set by an earlier change', () => {
    const result = apply({ Cmd: ['sh'] }, 'CMD ["--help"]', 'ENTRYPOINT /app');
    assert.deepEqual(result.Cmd, ['--help']);
    assert.deepEqual(result.Entrypoint, ['/bin/sh', '-c', '/app']);
  });

  it('an empty CMD does not count as set', () => {
    assert.equal(apply({ Cmd: ['sh'] }, 'CMD []', 'ENTRYPOINT ["/app"]').Cmd, null);
  });

  it('CMD after ENTRYPOINT sets Cmd again', () => {
    const result = apply({ Cmd: ['sh'] }, 'ENTRYPOINT ["/app"]', 'CMD ["run"]');
    assert.deepEqual([result.Entrypoint, result.Cmd], [['/app'], ['run']]);
  });

  it('an empty ENTRYPOINT clears it', () => {
    assert.equal(apply({ Entrypoint: ['/x'] }, 'ENTRYPOINT []').Entrypoint, null);
    assert.equal(apply({ Entrypoint: ['/x'] }, 'ENTRYPOINT').Entrypoint, null);
  });
});

describe('applyCommitChanges: ONBUILD and HEALTHCHECK', () => {
  it('ONBUILD appends the trigger text as written after the keyword, unexpanded', () => {
    assert.deepEqual(apply({ OnBuild: ['RUN a'] }, 'ONBUILD  RUN echo $X  ', 'onbuild copy . /app').OnBuild, [
      'RUN a',
      'RUN echo $X  ',
      'copy . /app',
    ]);
  });

  it('HEALTHCHECK sets or disables the check', () => {
    assert.deepEqual(apply({}, 'HEALTHCHECK --interval=30s CMD ["/check"]').Healthcheck, {
      Test: ['CMD', '/check'],
      Interval: 30e9,
    });
    assert.deepEqual(apply({ Healthcheck: { Test: ['CMD', 'x'] } }, 'HEALTHCHECK NONE').Healthcheck, {
      Test: ['NONE'],
    });
  });
});

describe('applyCommitChanges: refusals', () => {
  it('names instructions that are not config changes, as the user wrote them', () => {
    for (const change of [
      'FROM busybox',
      'run echo',
      'Copy a b',
      'ADD a b',
      'ARG x',
      'SHELL ["sh"]',
      'MAINTAINER me',
      'BOGUS x',
    ]) {
      rejects({}, [change], `${change.split(' ')[0]} is not a valid change command`);
    }
  });

  it('reports parse errors without a line prefix', () => {
    rejects({}, ['ENV x'], 'ENV must have two arguments');
    rejects({}, ['ENV =x'], 'ENV names can not be blank');
    rejects({}, ['ENV a=b c'], `Syntax error - can't find = in "c". Must be of the form: name=value`);
    rejects({}, ['ONBUILD ONBUILD RUN x'], "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
    rejects({}, ['ONBUILD FROM x'], "FROM isn't allowed as an ONBUILD trigger");
    rejects({}, ['ONBUILD MAINTAINER x'], "MAINTAINER isn't allowed as an ONBUILD trigger");
    rejects({}, ['CMD --x y'], 'unknown flag: --x');
    rejects({}, [''], 'file with no instructions');
  });

  it('checks every change before applying any', () => {
    rejects({}, ['STOPSIGNAL NOPE', 'RUN x'], 'RUN is not a valid change command');
    rejects({}, ['STOPSIGNAL NOPE', 'ENV x'], 'ENV must have two arguments');
    rejects({}, ['STOPSIGNAL NOPE', 'ENV x=1'], 'invalid signal: NOPE');
  });

  it('reports expansion errors as buildkit words them', () => {
    rejects({}, ['USER ${U:?is required}'], 'failed to process "${U:?is required}": U: is required');
    rejects(
      {},
      ['LABEL a="b'],
      `failed to process "\\"b": unexpected end of statement while looking for matching double-quote`,
    );
  });
});
