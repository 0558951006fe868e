/**
 * A test "container" service, run inside a test network namespace:
 *   node echo-server.js <tcpPort> <udpPort>
 * TCP: reads until the client's FIN, then answers `from <peer address> got <n> bytes: <first 16>`
 *   and closes, so a reply proves both the peer address and that a half-close came through.
 *   A first line `sink\n` instead makes it discard everything and answer the byte count (throughput).
 * UDP: answers each datagram with `udp from <peer address>: <datagram>`.
 * Prints `ready` once both are listening.
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

const [tcpPort, udpPort] = process.argv.slice(2).map(Number);

const tcp = createServer({ allowHalfOpen: true }, (socket) => {
  let size = 0;
  let head = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (head.length < 16) head = Buffer.concat([head, chunk]).subarray(0, 16);
  });
  socket.on('end', () => {
    socket.end(`from ${socket.remoteAddress ?? '?'} got ${size} bytes: ${head.toString()}`);
  });
  socket.on('error', () => {});
});
const udp = createSocket('udp4');
udp.on('message', (data, from) =>
  udp.send(`udp from ${from.address}: ${data.toString()}`, from.port, from.address),
);

tcp.listen(tcpPort, '0.0.0.0', () => {
  udp.bind(udpPort, '0.0.0.0', () => process.stdout.write('ready\n'));
});
process.on('SIGTERM', () => process.exit(0));
