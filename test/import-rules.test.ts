import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { findViolations, importSpecifiers, isAllowed, moduleOf } from './support/import-rules.js';

// dist/test/import-rules.test.js → the checkout's src/
const SRC = fileURLToPath(new URL('../../src', import.meta.url));

describe('module import rules', () => {
  it('the source tree obeys docs/architecture.md', () => {
    const violations = findViolations(SRC).map(
      (v) => `${v.file}: ${v.from} must not import ${v.to} (${v.specifier})`,
    );
    assert.deepEqual(violations, []);
  });

  it('maps paths to the most specific module', () => {
    assert.equal(moduleOf('registry/client/pull.ts'), 'registry/client');
    assert.equal(moduleOf('api/server/routers/system.ts'), 'api/server');
    assert.equal(moduleOf('layer/overlay2.ts'), 'layer');
    assert.equal(moduleOf('stray.ts'), undefined);
  });

  it('knows who may import whom', () => {
    assert.equal(isAllowed('api/server', 'daemon'), false);
    assert.equal(isAllowed('cli', 'api/server'), false);
    assert.equal(isAllowed('layer', 'errors'), true);
    assert.equal(isAllowed('oci', 'errors'), false);
    assert.equal(isAllowed('daemon', 'layer'), true);
  });

  it('finds static, re-export and dynamic imports', () => {
    const source = `import { a } from './a.js';\nexport * from "../b.js";\nimport type {\n  C,\n} from './c.js';\nconst d = await import('./d.js');\nimport 'node:fs';`;
    assert.deepEqual(importSpecifiers(source), ['./a.js', '../b.js', './c.js', './d.js']);
  });

  describe('on a tree that breaks the rules', () => {
    const root = mkdtempSync(join(tmpdir(), 'lading-import-rules-'));
    after(() => rmSync(root, { recursive: true, force: true }));

    it('reports the crossing import', () => {
      mkdirSync(join(root, 'api/server'), { recursive: true });
      mkdirSync(join(root, 'daemon'), { recursive: true });
      writeFileSync(join(root, 'daemon/daemon.ts'), 'export const x = 1;\n');
      writeFileSync(join(root, 'api/server/bad.ts'), "import { x } from '../../daemon/daemon.js';\n");
      const violations = findViolations(root);
      assert.equal(violations.length, 1);
      assert.equal(violations[0]?.from, 'api/server');
      assert.equal(violations[0]?.to, 'daemon');
    });

    it('lets tests, and only tests, use the shared test tree', () => {
      mkdirSync(join(root, 'layer'), { recursive: true });
      writeFileSync(join(root, 'layer/store.test.ts'), "import { x } from '../../test/support/x.js';\n");
      writeFileSync(join(root, 'layer/store.ts'), "import { x } from '../../test/support/x.js';\n");
      const outside = findViolations(root).filter((v) => v.to === '(outside src)');
      assert.deepEqual(
        outside.map((v) => v.file.slice(root.length + 1)),
        ['layer/store.ts'],
      );
    });
  });
});
