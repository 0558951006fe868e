import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PortAllocator, kernelEphemeralRange, parseReservedPorts } from './port-allocator.js';

describe('PortAllocator', () => {
  it("uses the kernel's ephemeral range", () => {
    const [start, end] = kernelEphemeralRange();
    const allocator = new PortAllocator();
    assert.deepEqual([allocator.begin, allocator.end], [start, end]);
    const port = allocator.request('', 'tcp');
    assert.ok(port >= start && port <= end);
  });

  it('falls back to 49153-65535 when the kernel range cannot be read', () => {
    assert.deepEqual(kernelEphemeralRange('/nonexistent'), [49153, 65535]);
  });

  it("refuses a port held on the address or on 0.0.0.0, in Docker's words", () => {
    const allocator = new PortAllocator({ ephemeralRange: [40000, 40010], reserved: new Set() });
    assert.equal(allocator.request('', 'tcp', 8080), 8080);
    assert.throws(() => allocator.request('0.0.0.0', 'tcp', 8080), {
      message: 'Bind for 0.0.0.0:8080 failed: port is already allocated',
    });
    assert.throws(() => allocator.request('127.0.0.1', 'tcp', 8080), {
      message: 'Bind for 0.0.0.0:8080 failed: port is already allocated',
    });
    // Another protocol or address family is another map.
    assert.equal(allocator.request('', 'udp', 8080), 8080);
    assert.equal(allocator.request('::1', 'tcp', 8080), 8080);
    // A specific address blocks 0.0.0.0 too.
    assert.equal(allocator.request('127.0.0.1', 'tcp', 9090), 9090);
    assert.equal(allocator.request('127.0.0.2', 'tcp', 9090), 9090);
    assert.throws(() => allocator.request('', 'tcp', 9090), {
      message: /^Bind for 127\.0\.0\.[12]:9090 failed/,
    });
    allocator.release('', 'tcp', 8080);
    assert.equal(allocator.request('127.0.0.1', 'tcp', 8080), 8080);
  });

  it('hands out ephemeral ports round the range, skipping reserved ones, until all are taken', () => {
    const allocator = new PortAllocator({ ephemeralRange: [40000, 40003], reserved: new Set([40001]) });
    const got = [allocator.request('', 'tcp'), allocator.request('', 'tcp'), allocator.request('', 'tcp')];
    assert.deepEqual(got, [40000, 40002, 40003]);
    assert.throws(() => allocator.request('', 'tcp'), { message: 'all ports are allocated' });
    allocator.release('', 'tcp', 40002);
    assert.equal(allocator.request('', 'tcp'), 40002);
  });

  it('picks from a requested range, where reserved ports are allowed', () => {
    const allocator = new PortAllocator({ ephemeralRange: [40000, 40003], reserved: new Set([8001]) });
    assert.equal(allocator.request('', 'tcp', 8000, 8002), 8000);
    assert.equal(allocator.request('', 'tcp', 8000, 8002), 8001);
    assert.throws(() => allocator.request('', 'tcp', 8002, 8000), {
      message: 'invalid port range: 8002-8000',
    });
  });

  it('parses ip_local_reserved_ports', () => {
    assert.deepEqual([...parseReservedPorts('8080,30000-30002\n', 8000, 30001)], [8080, 30000, 30001]);
  });
});
