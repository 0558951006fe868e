import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseTemplate } from './template.js';
import { TemplateExecError, TemplateSyntaxError } from './errors.js';
import { markAsMap } from './values.js';

const data = {
  ID: 'abc123',
  Name: 'web',
  Names: ['/web', '/db'],
  Count: 3,
  Zero: 0,
  Empty: [] as string[],
  EmptyStr: '',
  Flag: true,
  Nothing: null,
  Nested: { A: { B: 'deep' }, List: [{ N: 1 }, { N: 2 }] },
  Labels: markAsMap({ 'com.example': 'x', app: 'web' }),
  ApiVersion: '1.47',
  scope: 'local',
  Big: 1700000000123456789n,
};

function render(src: string, value: unknown = data): string {
  return parseTemplate(src).execute(value, { rootTypeName: 'main.T' });
}

describe('template: fields and printing', () => {
  const cases: [string, string][] = [
    ['{{.ID}}', 'abc123'],
    ['plain text', 'plain text'],
    ['{{.ID}}-{{.Name}}', 'abc123-web'],
    ['{{.Nested.A.B}}', 'deep'],
    ['{{.Count}}', '3'],
    ['{{.Flag}}', 'true'],
    ['{{.Names}}', '[/web /db]'],
    ['{{.Nothing}}', '<nil>'],
    ['{{.Labels}}', 'map[app:web com.example:x]'],
    ['{{.Nested.A}}', '{deep}'],
    [
      '{{.}}',
      '{abc123 web [/web /db] 3 0 []  true <nil> {{deep} [{1} {2}]} map[app:web com.example:x] 1.47 local 1700000000123456789}',
    ],
    ['{{.Big}}', '1700000000123456789'],
    ['{{.Labels.app}}', 'web'],
    // Go's invalid value for a missing map key (checked against docker 28.2 image inspect).
    ['{{.Labels.missing}}|', '<no value>|'],
    // Go field names differ from JSON keys in case; both resolve.
    ['{{.APIVersion}}', '1.47'],
    ['{{.Scope}}', 'local'],
    ['{{"lit"}}', 'lit'],
    ['{{`raw\\n`}}', 'raw\\n'],
    ['{{"a\\tb"}}', 'a\tb'],
    ['{{42}}', '42'],
    ['{{1.5}}', '1.5'],
    ['{{true}}', 'true'],
    ['{{/* a comment */}}x', 'x'],
  ];
  for (const [src, want] of cases) {
    it(`${src} → ${JSON.stringify(want)}`, () => assert.equal(render(src), want));
  }
});

describe('template: json', () => {
  it('{{json .}} keeps struct order, sorts map keys, writes bigints exactly', () => {
    const v = { B: 1, A: markAsMap({ z: '1', a: '2' }), T: 1700000000123456789n, H: '<&>' };
    assert.equal(render('{{json .}}', v), '{"B":1,"A":{"a":"2","z":"1"},"T":1700000000123456789,"H":"<&>"}');
  });
  it('{{json .Field}} and pipelines', () => {
    assert.equal(render('{{json .Names}}'), '["/web","/db"]');
    assert.equal(render('{{.Names | json}}'), '["/web","/db"]');
    assert.equal(render('{{json .Nothing}}'), 'null');
    assert.equal(render('{{json .Name}}'), '"web"');
  });
});

describe('template: range', () => {
  it('rebinds dot', () => assert.equal(render('{{range .Names}}[{{.}}]{{end}}'), '[/web][/db]'));
  it('declares index and element', () =>
    assert.equal(render('{{range $i, $e := .Names}}{{$i}}={{$e}};{{end}}'), '0=/web;1=/db;'));
  it('declares element only', () =>
    assert.equal(render('{{range $e := .Names}}{{$e}},{{end}}'), '/web,/db,'));
  it('iterates maps in key order', () =>
    assert.equal(render('{{range $k, $v := .Labels}}{{$k}}={{$v}} {{end}}'), 'app=web com.example=x '));
  it('runs else when empty', () => assert.equal(render('{{range .Empty}}x{{else}}none{{end}}'), 'none'));
  it('treats nil as empty', () => assert.equal(render('{{range .Nothing}}x{{else}}nil{{end}}'), 'nil'));
  it('reaches the root with $', () => assert.equal(render('{{range .Names}}{{$.Name}}{{end}}'), 'webweb'));
  it('nests field access on elements', () =>
    assert.equal(render('{{range .Nested.List}}{{.N}}{{end}}'), '12'));
  it('supports break and continue', () =>
    assert.equal(render('{{range $i, $e := .Names}}{{if eq $i 1}}{{break}}{{end}}{{$e}}{{end}}'), '/web'));
  it('ranges over an integer', () => assert.equal(render('{{range $i := 3}}{{$i}}{{end}}'), '012'));
  it('fails on a string', () => assert.throws(() => render('{{range .Name}}x{{end}}'), TemplateExecError));
});

describe('template: if / with / else', () => {
  const cases: [string, string][] = [
    ['{{if .Flag}}yes{{end}}', 'yes'],
    ['{{if .Zero}}yes{{else}}no{{end}}', 'no'],
    ['{{if .Empty}}yes{{else}}no{{end}}', 'no'],
    ['{{if .EmptyStr}}yes{{else}}no{{end}}', 'no'],
    ['{{if .Nothing}}yes{{else}}no{{end}}', 'no'],
    ['{{if .Nested}}struct is true{{end}}', 'struct is true'],
    ['{{if .Labels}}map{{end}}', 'map'],
    ['{{if eq .Count 1}}one{{else if eq .Count 3}}three{{else}}many{{end}}', 'three'],
    ['{{with .Nested.A}}{{.B}}{{end}}', 'deep'],
    ['{{with .Empty}}x{{else}}empty{{end}}', 'empty'],
    ['{{if and .Flag .Count}}both{{end}}', 'both'],
    ['{{if or .Zero .EmptyStr}}x{{else}}neither{{end}}', 'neither'],
    ['{{if not .Zero}}not{{end}}', 'not'],
    ['{{if ne .Name "db"}}ne{{end}}', 'ne'],
    ['{{if eq .Name "db" "web"}}any{{end}}', 'any'],
    ['{{if lt .Count 5}}lt{{end}}{{if ge .Count 3}}ge{{end}}', 'ltge'],
    ['{{if ne .Nothing nil}}set{{else}}nil{{end}}', 'nil'],
    ['{{$x := .Name}}{{if $x}}{{$x}}{{end}}', 'web'],
    ['{{$x := 1}}{{if .Flag}}{{$x = 2}}{{end}}{{$x}}', '2'],
  ];
  for (const [src, want] of cases) {
    it(`${src} → ${JSON.stringify(want)}`, () => assert.equal(render(src), want));
  }
});

describe('template: functions', () => {
  const cases: [string, string][] = [
    ['{{join .Names ", "}}', '/web, /db'],
    ['{{join .Labels ","}}', 'web,x'],
    ['{{upper .Name}}', 'WEB'],
    ['{{lower "ABC"}}', 'abc'],
    ['{{title "hello wide world"}}', 'Hello Wide World'],
    ['{{split "a,b,c" ","}}', '[a b c]'],
    ['{{index (split "a,b,c" ",") 1}}', 'b'],
    ['{{println "a" 1}}', 'a 1\n'],
    ['{{print "a" 1 2 "b"}}', 'a1 2b'],
    ['{{printf "%s=%d" .Name .Count}}', 'web=3'],
    ['{{printf "%-6s|%5s|" "ab" "cd"}}', 'ab    |   cd|'],
    ['{{index .Labels "app"}}', 'web'],
    ['{{index .Labels "nope"}}|', '|'],
    ['{{index .Names 1}}', '/db'],
    ['{{len .Names}}', '2'],
    ['{{len .Labels}}', '2'],
    ['{{len .Name}}', '3'],
    ['{{.Name | upper | printf "<%s>"}}', '<WEB>'],
    ['{{pad .Name 1 2}}|', ' web  |'],
    ['{{truncate .ID 3}}', 'abc'],
  ];
  for (const [src, want] of cases) {
    it(`${src} → ${JSON.stringify(want)}`, () => assert.equal(render(src), want));
  }
});

describe('template: whitespace trimming', () => {
  it('trims both sides', () => assert.equal(render('a  \n {{- .Name -}} \n  b'), 'awebb'));
  it('trims inside range', () => assert.equal(render('{{range .Names -}}\n  {{.}}\n{{- end}}'), '/web/db'));
  it('does not treat {{-3}} as a trim marker', () => assert.equal(render('x {{-3}}'), 'x -3'));
});

describe('template: parse errors', () => {
  const cases: [string, RegExp][] = [
    ['{{.ID', /^template: :1: unclosed action$/],
    ['{{if .Flag}}x', /^template: :1: unexpected EOF$/],
    ['x{{end}}', /unexpected \{\{end\}\}/],
    ['{{nosuch .ID}}', /function "nosuch" not defined/],
    ['{{$x}}', /undefined variable "\$x"/],
    ['{{}}', /missing value for command/],
    ['{{"abc}}', /unterminated quoted string/],
    ['{{.ID .Name}}', /.*/],
    ['{{define "x"}}{{end}}', /not supported/],
    ['line1\n{{.ID', /^template: :2: unclosed action$/],
    ['{{break}}', /outside \{\{range\}\}/],
  ];
  for (const [src, re] of cases) {
    it(JSON.stringify(src), () => {
      const err = (() => {
        try {
          parseTemplate(src).execute(data);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      assert.ok(
        err instanceof TemplateSyntaxError || err instanceof TemplateExecError,
        `no error for ${src}`,
      );
      assert.match((err as Error).message, re);
    });
  }
  it('uses the template name in messages', () => {
    assert.throws(() => parseTemplate('{{.Client.Version', { name: 'version' }), {
      message: 'template: version:1: unclosed action',
    });
  });
});

describe('template: execution errors', () => {
  it('missing struct field reads like Go', () => {
    assert.throws(() => render('{{.Nope}}'), {
      message: `template: :1:2: executing "" at <.Nope>: can't evaluate field Nope in type main.T`,
    });
  });
  it('reports line and column', () => {
    assert.throws(() => render('ok\n  {{.Nested.Nope}}'), {
      message: `template: :2:4: executing "" at <.Nested.Nope>: can't evaluate field Nope in type struct`,
    });
  });
  it('field on a string', () => {
    assert.throws(() => render('{{.Name.X}}'), /can't evaluate field X in type string/);
  });
  it('nil pointer', () => {
    assert.throws(() => render('{{.Nothing.X}}'), /nil pointer evaluating/);
  });
  it('wrong argument type', () => {
    assert.throws(
      () => render('{{upper .Count}}'),
      /error calling upper: wrong type for value; expected string; got int/,
    );
  });
  it('wrong argument count', () => {
    assert.throws(() => render('{{join .Names}}'), /wrong number of args for join: want 2 got 1/);
  });
  it('join of a non-slice', () => {
    assert.throws(() => render('{{join .Count ","}}'), /expected slice, got int/);
  });
  it('index out of range', () => {
    assert.throws(() => render('{{index .Names 5}}'), /index out of range: 5/);
  });
  it('incompatible comparison', () => {
    assert.throws(() => render('{{eq .Count "3"}}'), /incompatible types for comparison/);
  });
  it('keeps output produced before the failure', () => {
    try {
      render('before {{.Nope}} after');
      assert.fail('expected an error');
    } catch (err) {
      assert.ok(err instanceof TemplateExecError);
      assert.equal(err.partial, 'before ');
    }
  });
});

describe('template: table header mode', () => {
  it('renders field names through the title function, functions left alone', () => {
    const t = parseTemplate('{{.ID}}\t{{.CreatedAt | json}}\t{{upper .Name}}\t{{join .Names ","}}');
    assert.equal(
      t.executeHeader((f) => `<${f}>`),
      '<ID>\t<CreatedAt>\t<Name>\t<Names>',
    );
  });
});
