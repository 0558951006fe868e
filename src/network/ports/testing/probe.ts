/**
 * A test client, run inside a test network namespace (or on the host):
 *   node probe.js tcp|udp <host> <port> <text>
 * TCP: sends the text, half-closes, prints the whole reply. UDP: sends one datagram, prints the reply.
 */
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';

const [proto, host = '', port = '0', text = ''] = process.argv.slice(2);
const timer = setTimeout(() => {
  process.stderr.write('probe timed out\n');
  process.exit(2);
}, 10_000);

if (proto === 'udp') {
  const socket = createSocket('udp4');
  socket.on('message', (reply) => {
    process.stdout.write(reply.toString());
    clearTimeout(timer);
    socket.close();
  });
  socket.send(text, Number(port), host);
} else {
  const socket = connect({ host, port: Number(port), allowHalfOpen: true });
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('end', () => {
    process.stdout.write(Buffer.concat(chunks).toString());
    clearTimeout(timer);
    socket.end();
  });
  socket.on('error', (err) => {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  });
  socket.end(text);
}
