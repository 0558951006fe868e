import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DockerfileError } from './errors.js';
import { parseSyntax } from './parse-syntax.js';

const nodes = (text: string) =>
  parseSyntax(text).nodes.map((n) => ({ keyword: n.keyword, flags: n.flags, args: n.args, json: n.json }));

describe('parseSyntax: parser directives', () => {
  it('reads escape, syntax and check at the top, in any case and spacing', () => {
    const tree = parseSyntax('# syntax=docker/dockerfile:1\n#ESCAPE = `\n# check=skip=all\nFROM x\n');
    assert.equal(tree.escapeToken, '`');
    assert.deepEqual(tree.directives, [
      { name: 'syntax', value: 'docker/dockerfile:1', line: 1 },
      { name: 'escape', value: '`', line: 2 },
      { name: 'check', value: 'skip=all', line: 3 },
    ]);
  });

  it('stops at the first instruction, blank line, or other comment', () => {
    for (const text of [
      'FROM x\n# escape=`\n',
      '\n# escape=`\nFROM x',
      '# hello\n# escape=`\nFROM x',
      '# foo=bar\n# escape=`\nFROM x',
    ]) {
      const tree = parseSyntax(text);
      assert.equal(tree.escapeToken, '\\', text);
      assert.deepEqual(tree.directives, [], text);
    }
  });

  it('refuses a repeated directive and a bad escape token', () => {
    assert.throws(() => parseSyntax('# escape=\\\n# escape=`\nFROM x'), {
      message: 'only one escape parser directive can be used',
      startLine: 2,
    });
    assert.throws(() => parseSyntax('# escape=x\nFROM x'), {
      name: 'DockerfileError',
      message: "invalid escape token 'x' does not match ` or \\",
    });
  });

  it('a backtick escape makes backslashes ordinary and continues lines with `', () => {
    const tree = parseSyntax('# escape=`\nRUN dir C:\\ `\n  /s\nCOPY a\\ b c\n');
    assert.deepEqual(
      tree.nodes.map((n) => n.original),
      ['RUN dir C:\\   /s', 'COPY a\\ b c'],
    );
    assert.deepEqual(tree.nodes[1]!.args, ['a\\', 'b', 'c']);
  });
});

describe('parseSyntax: lines', () => {
  it('joins continuations, skipping comments and blank lines inside them, and keeps line numbers', () => {
    const tree = parseSyntax('FROM x\n\n# note\nRUN a \\\n  # inner comment\n\n  b \\\n  c\nCMD d\n');
    assert.deepEqual(
      tree.nodes.map((n) => [n.original, n.startLine, n.endLine]),
      [
        ['FROM x', 1, 1],
        ['RUN a   b   c', 4, 8],
        ['CMD d', 9, 9],
      ],
    );
    assert.deepEqual(tree.warnings, ['Empty continuation line found in: RUN a   b   c']);
  });

  it('an escaped escape at the end of a line is not a continuation', () => {
    assert.deepEqual(
      parseSyntax('RUN echo \\\\\nCMD x').nodes.map((n) => n.original),
      ['RUN echo \\\\', 'CMD x'],
    );
  });

  it('a continuation may run to the end of the file', () => {
    assert.deepEqual(
      parseSyntax('RUN a \\').nodes.map((n) => n.original),
      ['RUN a '],
    );
  });

  it('handles CRLF endings, a byte-order mark and leading whitespace', () => {
    const tree = parseSyntax('\uFEFF  FROM x\r\n\tRUN a \\\r\n b\r\n');
    assert.deepEqual(
      tree.nodes.map((n) => n.original),
      ['FROM x', 'RUN a  b'],
    );
  });

  it('keeps the keyword as written and extracts leading flags', () => {
    assert.deepEqual(nodes('copy --from=build --chown="a b" --chmod=7\\55 src dst'), [
      {
        keyword: 'copy',
        flags: ['--from=build', '--chown=a b', '--chmod=755'],
        args: ['src', 'dst'],
        json: false,
      },
    ]);
    assert.deepEqual(nodes('RUN --network=none -- --not-a-flag'), [
      { keyword: 'RUN', flags: ['--network=none'], args: ['--not-a-flag'], json: false },
    ]);
    assert.deepEqual(nodes('RUN echo --x'), [{ keyword: 'RUN', flags: [], args: ['echo --x'], json: false }]);
  });

  it('refuses a file with no instructions', () => {
    for (const text of ['', '\n\n', '# just a comment\n', '# escape=`\n']) {
      assert.throws(
        () => parseSyntax(text),
        (err: unknown) => {
          assert.ok(err instanceof DockerfileError);
          assert.equal(err.message, 'file with no instructions');
          return true;
        },
      );
    }
  });
});

describe('parseSyntax: argument rules', () => {
  it('CMD/ENTRYPOINT/RUN/SHELL: JSON arrays are exec form, anything else is one shell string', () => {
    assert.deepEqual(nodes('CMD ["a", "b c"]\nCMD [ ]\nCMD [not json\nCMD echo "a  b"\nRUN ["a", "b"] x'), [
      { keyword: 'CMD', flags: [], args: ['a', 'b c'], json: true },
      { keyword: 'CMD', flags: [], args: [], json: true },
      { keyword: 'CMD', flags: [], args: ['[not json'], json: false },
      { keyword: 'CMD', flags: [], args: ['echo "a  b"'], json: false },
      { keyword: 'RUN', flags: [], args: ['["a", "b"] x'], json: false },
    ]);
  });

  it('refuses JSON arrays with anything but strings', () => {
    for (const text of ['CMD ["a", 1]', 'ENTRYPOINT [null]', 'VOLUME [["a"]]', 'COPY [true, "b"]']) {
      assert.throws(() => parseSyntax(text), {
        message: 'when using JSON array syntax, arrays must be comprised of strings only',
        startLine: 1,
      });
    }
  });

  it('ENV/LABEL: name=value pairs with quotes kept, or the legacy two-part form', () => {
    assert.deepEqual(nodes('ENV a=1 b="x y" c\\ d=2 e=\nLABEL k v w\nENV   k   v  w  '), [
      {
        keyword: 'ENV',
        flags: [],
        args: ['a', '1', '=', 'b', '"x y"', '=', 'c\\ d', '2', '=', 'e', '', '='],
        json: false,
      },
      { keyword: 'LABEL', flags: [], args: ['k', 'v w', ''], json: false },
      { keyword: 'ENV', flags: [], args: ['k', 'v  w', ''], json: false },
    ]);
  });

  it('ENV/LABEL errors', () => {
    const cases: [string, string][] = [
      ['ENV x', 'ENV must have two arguments'],
      ['LABEL x', 'LABEL must have two arguments'],
      ['ENV a=1 b', `Syntax error - can't find = in "b". Must be of the form: name=value`],
      ['LABEL a=1 "b c"', `Syntax error - can't find = in "\\"b c\\"". Must be of the form: name=value`],
    ];
    for (const [text, message] of cases) assert.throws(() => parseSyntax(text), { message, startLine: 1 });
  });

  it('EXPOSE/FROM split on whitespace; VOLUME/COPY take JSON or words; USER/WORKDIR one string', () => {
    assert.deepEqual(nodes('EXPOSE 80  443/udp\nVOLUME ["/a b"]\nVOLUME /a /b\nUSER a b\nWORKDIR /x y'), [
      { keyword: 'EXPOSE', flags: [], args: ['80', '443/udp'], json: false },
      { keyword: 'VOLUME', flags: [], args: ['/a b'], json: true },
      { keyword: 'VOLUME', flags: [], args: ['/a', '/b'], json: false },
      { keyword: 'USER', flags: [], args: ['a b'], json: false },
      { keyword: 'WORKDIR', flags: [], args: ['/x y'], json: false },
    ]);
  });

  it('ARG keeps words; HEALTHCHECK splits its type off; unknown keywords get no arguments', () => {
    assert.deepEqual(
      nodes('ARG a b="c d"\nHEALTHCHECK CMD ["x"]\nHEALTHCHECK --retries=2 CMD a  b\nFOO bar'),
      [
        { keyword: 'ARG', flags: [], args: ['a', 'b="c d"'], json: false },
        { keyword: 'HEALTHCHECK', flags: [], args: ['CMD', 'x'], json: true },
        { keyword: 'HEALTHCHECK', flags: ['--retries=2'], args: ['CMD', 'a  b'], json: false },
        { keyword: 'FOO', flags: [], args: [], json: false },
      ],
    );
  });

  it('ONBUILD carries its trigger as a child node', () => {
    const [node] = parseSyntax('ONBUILD  run --mount=x echo hi').nodes;
    assert.deepEqual(node!.args, ['run', 'echo hi']);
    assert.equal(node!.child?.keyword, 'run');
    assert.deepEqual(node!.child?.flags, ['--mount=x']);
    assert.throws(() => parseSyntax('ONBUILD ENV x'), { message: 'ENV must have two arguments' });
  });
});

describe('parseSyntax: heredocs', () => {
  it('attaches heredoc bodies to RUN, COPY and ADD, with line numbers past them', () => {
    const tree = parseSyntax(
      'RUN <<EOF\necho hi\n  echo there\nEOF\nCOPY <<-"A" 3<<B /dst\n\tone\n\tA\ntwo\nB\nCMD x\n',
    );
    const [run, copy, cmd] = tree.nodes;
    assert.deepEqual(run!.heredocs, [
      { name: 'EOF', fileDescriptor: 0, expand: true, chomp: false, content: 'echo hi\n  echo there\n' },
    ]);
    assert.deepEqual([run!.startLine, run!.endLine], [1, 4]);
    assert.deepEqual(copy!.heredocs, [
      { name: 'A', fileDescriptor: 0, expand: false, chomp: true, content: '\tone\n' },
      { name: 'B', fileDescriptor: 3, expand: true, chomp: false, content: 'two\n' },
    ]);
    assert.deepEqual([copy!.startLine, copy!.endLine, cmd!.startLine], [5, 9, 10]);
  });

  it('exec form and other instructions have no heredocs', () => {
    const tree = parseSyntax('RUN ["cat", "<<EOF"]\nCMD cat <<EOF\n');
    assert.deepEqual(
      tree.nodes.map((n) => n.heredocs.length),
      [0, 0],
    );
  });

  it('refuses an unterminated heredoc', () => {
    assert.throws(() => parseSyntax('FROM x\nRUN <<EOF\necho\n'), {
      name: 'DockerfileError',
      message: 'unterminated heredoc',
      startLine: 2,
      endLine: 3,
    });
  });
});
