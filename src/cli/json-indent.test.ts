import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compactJson, indentJson } from './json-indent.js';

describe("Go's json.Indent and json.Compact", () => {
  const raw =
    '[{"Id":"sha256:1","RepoTags":["a:1"],"Empty":[],"Obj":{},"S":"\\u003cmissing\\u003e, \\"q\\" {x}","N":1.50}\n]';

  it('indents by four spaces, keeping empty containers and string escapes', () => {
    assert.equal(
      indentJson(raw, '', '    '),
      '[\n    {\n        "Id": "sha256:1",\n        "RepoTags": [\n            "a:1"\n        ],\n        "Empty": [],\n        "Obj": {},\n        "S": "\\u003cmissing\\u003e, \\"q\\" {x}",\n        "N": 1.50\n    }\n]',
    );
  });

  it('compacts without touching strings', () => {
    assert.equal(compactJson('[ {"a" : "b c", "d": [ 1, 2 ]} ]'), '[{"a":"b c","d":[1,2]}]');
  });
});
