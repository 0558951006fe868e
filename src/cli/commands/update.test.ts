import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { updateBody } from './update.js';

describe('lading update', () => {
  it('sends only the given fields, in the units docker uses', () => {
    assert.deepEqual(
      updateBody({ memory: '64m', memorySwap: '-1', cpus: '1.5', pidsLimit: '20', restart: 'on-failure:3' }),
      {
        Memory: 64 * 1024 * 1024,
        MemorySwap: -1,
        NanoCpus: 1_500_000_000,
        PidsLimit: 20,
        RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 },
      },
    );
    assert.deepEqual(updateBody({}), {});
  });

  it('refuses values docker refuses', () => {
    assert.throws(() => updateBody({ cpus: 'lots' }));
    assert.throws(() => updateBody({ cpuShares: '1.5' }));
  });
});
