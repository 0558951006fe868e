import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DockerfileError } from './errors.js';
import type { Instruction } from './instruction.js';
import { parseDockerfile } from './parse-dockerfile.js';

/** The instruction without its source position, for compact expectations. */
function only(text: string): Omit<Instruction, 'keyword' | 'original' | 'startLine' | 'endLine'> {
  const [instruction] = parseDockerfile(text).instructions;
  const { keyword: _k, original: _o, startLine: _s, endLine: _e, ...rest } = instruction!;
  return rest;
}

describe('parseDockerfile: typed instructions', () => {
  const cases: [string, object][] = [
    ['CMD ["a", "b"]', { kind: 'CMD', commandLine: ['a', 'b'], prependShell: false }],
    ['CMD echo  "$HOME"', { kind: 'CMD', commandLine: ['echo  "$HOME"'], prependShell: true }],
    ['CMD', { kind: 'CMD', commandLine: [], prependShell: true }],
    ['CMD []', { kind: 'CMD', commandLine: [], prependShell: false }],
    ['ENTRYPOINT ["x"]', { kind: 'ENTRYPOINT', commandLine: ['x'], prependShell: false }],
    ['ENTRYPOINT', { kind: 'ENTRYPOINT', commandLine: null, prependShell: true }],
    ['ENTRYPOINT []', { kind: 'ENTRYPOINT', commandLine: null, prependShell: false }],
    ['SHELL ["/bin/bash", "-c"]', { kind: 'SHELL', shell: ['/bin/bash', '-c'] }],
    [
      'RUN --mount=type=cache,target=/c --mount=type=tmpfs,target=/t --network=none make',
      {
        kind: 'RUN',
        commandLine: ['make'],
        prependShell: true,
        mounts: ['type=cache,target=/c', 'type=tmpfs,target=/t'],
        heredocs: [],
        network: 'none',
      },
    ],
    [
      'ENV a=1 b="x y"',
      {
        kind: 'ENV',
        pairs: [
          { key: 'a', value: '1', noDelimiter: false },
          { key: 'b', value: '"x y"', noDelimiter: false },
        ],
      },
    ],
    ['ENV k v w', { kind: 'ENV', pairs: [{ key: 'k', value: 'v w', noDelimiter: true }] }],
    ['label "a b"=c', { kind: 'LABEL', pairs: [{ key: '"a b"', value: 'c', noDelimiter: false }] }],
    ['EXPOSE 8080 443/udp 80', { kind: 'EXPOSE', ports: ['443/udp', '80', '8080'] }],
    ['VOLUME ["/a", " /b "]', { kind: 'VOLUME', volumes: ['/a', '/b'] }],
    ['USER 1000:1000', { kind: 'USER', user: '1000:1000' }],
    ['WORKDIR /app dir', { kind: 'WORKDIR', path: '/app dir' }],
    ['STOPSIGNAL --ignored SIGKILL', { kind: 'STOPSIGNAL', signal: 'SIGKILL' }],
    ['MAINTAINER Jane <j@x>', { kind: 'MAINTAINER', maintainer: 'Jane <j@x>' }],
    ['ONBUILD RUN echo  hi ', { kind: 'ONBUILD', expression: 'RUN echo  hi ' }],
    ['  onbuild   add . /app', { kind: 'ONBUILD', expression: 'add . /app' }],
    [
      'ONBUILD /usr/local/bin/build --dir /src',
      { kind: 'ONBUILD', expression: '/usr/local/bin/build --dir /src' },
    ],
    ['FROM busybox', { kind: 'FROM', baseName: 'busybox', stageName: '', platform: '' }],
    [
      'FROM --platform=linux/arm64 busybox:1 as Build-1',
      { kind: 'FROM', baseName: 'busybox:1', stageName: 'build-1', platform: 'linux/arm64' },
    ],
    [
      'ARG a b=c d=',
      { kind: 'ARG', args: [{ key: 'a' }, { key: 'b', value: 'c' }, { key: 'd', value: '' }] },
    ],
    [
      'COPY --from=build --chown=1:2 --chmod=644 --link --exclude=*.md --exclude=x a b /dst/',
      {
        kind: 'COPY',
        sources: ['a', 'b'],
        sourceContents: [],
        dest: '/dst/',
        from: 'build',
        chown: '1:2',
        chmod: '644',
        link: true,
        parents: false,
        excludes: ['*.md', 'x'],
      },
    ],
    [
      'ADD --keep-git-dir=false --checksum=sha256:abc ["a b", "/c"]',
      {
        kind: 'ADD',
        sources: ['a b'],
        sourceContents: [],
        dest: '/c',
        chown: '',
        chmod: '',
        link: false,
        checksum: 'sha256:abc',
        excludes: [],
        keepGitDir: false,
      },
    ],
    [
      'HEALTHCHECK --interval=5s --timeout=1m30s --start-period=1.5s --retries=3 CMD curl -f http://x || exit 1',
      {
        kind: 'HEALTHCHECK',
        health: {
          Test: ['CMD-SHELL', 'curl -f http://x || exit 1'],
          Interval: 5e9,
          Timeout: 90e9,
          StartPeriod: 1.5e9,
          Retries: 3,
        },
      },
    ],
    ['HEALTHCHECK CMD ["/check", "-v"]', { kind: 'HEALTHCHECK', health: { Test: ['CMD', '/check', '-v'] } }],
    ['healthcheck none', { kind: 'HEALTHCHECK', health: { Test: ['NONE'] } }],
  ];
  for (const [text, expected] of cases) {
    it(text, () => assert.deepEqual(only(text), expected));
  }

  it('keeps the keyword as written, the original line and its lines', () => {
    const [, run] = parseDockerfile('FROM x\nrun a \\\n  b').instructions;
    assert.deepEqual(
      { keyword: run!.keyword, original: run!.original, startLine: run!.startLine, endLine: run!.endLine },
      { keyword: 'run', original: 'run a   b', startLine: 2, endLine: 3 },
    );
  });

  it('COPY and ADD take heredoc sources; RUN keeps its heredocs', () => {
    const parsed = parseDockerfile(
      'COPY <<-EOF /x\n\tindented\nEOF\nRUN <<EOF\nset -e\nEOF\nONBUILD RUN <<EOF\nhi\nEOF\n',
    );
    const [copy, run, onbuild] = parsed.instructions;
    assert.equal(copy?.kind, 'COPY');
    if (copy?.kind === 'COPY') {
      assert.deepEqual(copy.sourceContents, [{ path: 'EOF', data: 'indented\n', expand: true }]);
      assert.deepEqual(copy.sources, []);
    }
    assert.equal(run!.kind === 'RUN' && run.heredocs[0]!.content, 'set -e\n');
    assert.equal(onbuild!.kind === 'ONBUILD' && onbuild.expression, 'RUN <<EOF\nhi\nEOF');
  });

  it('returns the escape token, directives and warnings', () => {
    const parsed = parseDockerfile('# escape=`\nFROM x\nRUN a `\n\n b');
    assert.equal(parsed.escapeToken, '`');
    assert.deepEqual(parsed.directives, [{ name: 'escape', value: '`', line: 1 }]);
    assert.equal(parsed.warnings.length, 1);
  });
});

describe('parseDockerfile: errors in buildkit wording', () => {
  // Instruction errors are prefixed with the line; syntax errors are not (as in buildkit).
  const cases: [string, string][] = [
    ['FROM x\nBOGUS bar', 'dockerfile parse error on line 2: unknown instruction: BOGUS'],
    ['FOO bar', 'dockerfile parse error on line 1: unknown instruction: FOO (did you mean FROM?)'],
    ['FORM x', 'dockerfile parse error on line 1: unknown instruction: FORM (did you mean FROM?)'],
    ['form x', 'dockerfile parse error on line 1: unknown instruction: form (did you mean from?)'],
    ['CMD --foo x', 'dockerfile parse error on line 1: unknown flag: --foo'],
    ['COPY --chwn=a b c', 'dockerfile parse error on line 1: unknown flag: --chwn (did you mean chown?)'],
    ['COPY --from a b', 'dockerfile parse error on line 1: missing a value on flag: --from'],
    ['COPY --from=a --from=b x y', 'dockerfile parse error on line 1: duplicate flag specified: --from'],
    [
      'COPY --link=maybe a b',
      'dockerfile parse error on line 1: expecting boolean value for flag --link, not: maybe',
    ],
    ['COPY --link= a b', 'dockerfile parse error on line 1: missing a value on flag: --link'],
    [
      'COPY a',
      'dockerfile parse error on line 1: COPY requires at least two arguments, but only one was provided. Destination could not be determined',
    ],
    [
      'ADD a',
      'dockerfile parse error on line 1: ADD requires at least two arguments, but only one was provided. Destination could not be determined',
    ],
    [
      'COPY a <<EOF\nx\nEOF',
      'dockerfile parse error on line 1: COPY cannot accept a heredoc as a destination',
    ],
    ['FROM', 'dockerfile parse error on line 1: FROM requires either one or three arguments'],
    ['FROM a b', 'dockerfile parse error on line 1: FROM requires either one or three arguments'],
    [
      'FROM a AS 1x',
      `dockerfile parse error on line 1: invalid name for build stage: "1x", name can't start with a number or contain symbols`,
    ],
    ['MAINTAINER', 'dockerfile parse error on line 1: MAINTAINER requires exactly one argument'],
    ['WORKDIR', 'dockerfile parse error on line 1: WORKDIR requires exactly one argument'],
    ['USER', 'dockerfile parse error on line 1: USER requires exactly one argument'],
    ['STOPSIGNAL', 'dockerfile parse error on line 1: STOPSIGNAL requires exactly one argument'],
    ['EXPOSE', 'dockerfile parse error on line 1: EXPOSE requires at least one argument'],
    ['VOLUME', 'dockerfile parse error on line 1: VOLUME requires at least one argument'],
    ['VOLUME ["/a", " "]', 'dockerfile parse error on line 1: VOLUME specified can not be an empty string'],
    ['ENV', 'dockerfile parse error on line 1: ENV requires at least one argument'],
    ['ENV =x', 'dockerfile parse error on line 1: ENV names can not be blank'],
    ['LABEL =x', 'dockerfile parse error on line 1: LABEL names can not be blank'],
    ['LABEL', 'dockerfile parse error on line 1: LABEL requires at least one argument'],
    ['ARG', 'dockerfile parse error on line 1: ARG requires at least one argument'],
    ['ARG =x', 'dockerfile parse error on line 1: ARG names can not be blank'],
    ['ONBUILD', 'dockerfile parse error on line 1: ONBUILD requires at least one argument'],
    [
      'ONBUILD ONBUILD RUN x',
      "dockerfile parse error on line 1: Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed",
    ],
    ['ONBUILD from x', "dockerfile parse error on line 1: FROM isn't allowed as an ONBUILD trigger"],
    [
      'ONBUILD Maintainer x',
      "dockerfile parse error on line 1: MAINTAINER isn't allowed as an ONBUILD trigger",
    ],
    ['ONBUILD --x RUN y', 'dockerfile parse error on line 1: unknown flag: --x'],
    ['SHELL', 'dockerfile parse error on line 1: SHELL requires at least one argument'],
    ['SHELL []', 'dockerfile parse error on line 1: SHELL requires at least one argument'],
    ['SHELL bash -c', 'dockerfile parse error on line 1: SHELL requires the arguments to be in JSON form'],
    ['HEALTHCHECK', 'dockerfile parse error on line 1: HEALTHCHECK requires at least one argument'],
    ['HEALTHCHECK NONE x', 'dockerfile parse error on line 1: HEALTHCHECK NONE takes no arguments'],
    ['HEALTHCHECK CMD', 'dockerfile parse error on line 1: Missing command after HEALTHCHECK CMD'],
    ['HEALTHCHECK foo x', 'dockerfile parse error on line 1: Unknown type "FOO" in HEALTHCHECK (try CMD)'],
    ['HEALTHCHECK --retries=-1 CMD x', 'dockerfile parse error on line 1: --retries cannot be negative (-1)'],
    [
      'HEALTHCHECK --retries=x CMD x',
      'dockerfile parse error on line 1: strconv.ParseInt: parsing "x": invalid syntax',
    ],
    ['HEALTHCHECK --interval=x CMD x', 'dockerfile parse error on line 1: time: invalid duration "x"'],
    ['HEALTHCHECK --timeout=5 CMD x', 'dockerfile parse error on line 1: time: missing unit in duration "5"'],
    [
      'HEALTHCHECK --start-period=1y CMD x',
      'dockerfile parse error on line 1: time: unknown unit "y" in duration "1y"',
    ],
    [
      'HEALTHCHECK --interval=10us CMD x',
      'dockerfile parse error on line 1: Interval "interval" cannot be less than 1ms',
    ],
    ['RUN --network=bridge x', 'dockerfile parse error on line 1: invalid network mode "bridge"'],
    ['RUN --security=x y', 'dockerfile parse error on line 1: security "x" is not valid'],
    ['ENV x', 'ENV must have two arguments'],
    ['CMD ["a", 1]', 'when using JSON array syntax, arrays must be comprised of strings only'],
    ['# escape=%\nFROM x', "invalid escape token '%' does not match ` or \\"],
    ['', 'file with no instructions'],
  ];
  for (const [text, message] of cases) {
    it(message, () => {
      assert.throws(
        () => parseDockerfile(text),
        (err: unknown) => {
          assert.ok(err instanceof DockerfileError, String(err));
          assert.equal(err.message, message);
          assert.equal(err.kind, 'invalid-argument');
          return true;
        },
      );
    });
  }
});
