import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { displayablePorts } from './ports.js';

describe("docker's port column", () => {
  it('groups consecutive ports and lists remappings last', () => {
    assert.equal(displayablePorts([]), '');
    assert.equal(displayablePorts([{ PrivatePort: 80, Type: 'tcp' }]), '80/tcp');
    assert.equal(
      displayablePorts([
        { IP: '0.0.0.0', PrivatePort: 8001, PublicPort: 8001, Type: 'tcp' },
        { IP: '0.0.0.0', PrivatePort: 8000, PublicPort: 8000, Type: 'tcp' },
        { IP: '127.0.0.1', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
        { PrivatePort: 53, Type: 'udp' },
        { IP: '::', PrivatePort: 9000, PublicPort: 9000, Type: 'tcp' },
      ]),
      '53/udp, 0.0.0.0:8000-8001->8000-8001/tcp, [::]:9000->9000/tcp, 127.0.0.1:8080->80/tcp',
    );
    assert.equal(
      displayablePorts([
        { PrivatePort: 80, Type: 'tcp' },
        { PrivatePort: 82, Type: 'tcp' },
        { PrivatePort: 83, Type: 'tcp' },
      ]),
      '80/tcp, 82-83/tcp',
    );
  });
});
