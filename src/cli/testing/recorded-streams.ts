/**
 * A pull's progress stream and what the docker CLI 28.2.2 printed for it (`docker pull busybox`
 * against a server answering with exactly these messages), recorded on a pseudo-terminal of
 * 120 and of 80 columns (`script`, `stty cols N`) and into a pipe. The terminal's CRLF is
 * turned back into the LF docker wrote. The CLI's renderer must reproduce them byte for byte.
 */

export const PULL_STREAM: readonly object[] = [
  {
    status: 'Pulling from library/busybox',
    id: 'latest',
  },
  {
    status: 'Pulling fs layer',
    progressDetail: {},
    id: 'aaaaaaaaaaaa',
  },
  {
    status: 'Pulling fs layer',
    progressDetail: {},
    id: 'bbbbbbbbbbbb',
  },
  {
    status: 'Waiting',
    progressDetail: {},
    id: 'bbbbbbbbbbbb',
  },
  {
    status: 'Downloading',
    progressDetail: {
      current: 1200000,
      total: 5000000,
    },
    progress: '[===>   ] 1.2MB/5MB',
    id: 'aaaaaaaaaaaa',
  },
  {
    status: 'Downloading',
    progressDetail: {
      current: 5000000,
      total: 5000000,
    },
    id: 'aaaaaaaaaaaa',
  },
  {
    status: 'Verifying Checksum',
    progressDetail: {},
    id: 'aaaaaaaaaaaa',
  },
  {
    status: 'Download complete',
    progressDetail: {},
    id: 'aaaaaaaaaaaa',
  },
  {
    status: 'Extracting',
    progressDetail: {
      current: 32768,
      total: 2000000,
    },
    id: 'aaaaaaaaaaaa',
  },
  {
    status: 'Pull complete',
    progressDetail: {},
    id: 'aaaaaaaaaaaa',
  },
  {
    status: 'Downloading',
    progressDetail: {
      current: 300,
      total: 700,
    },
    id: 'bbbbbbbbbbbb',
  },
  {
    status: 'Pull complete',
    progressDetail: {},
    id: 'bbbbbbbbbbbb',
  },
  {
    status: 'Digest: sha256:9ae97d36d26566ff84e8893c64a6dc4fe8ca6d1144bf5b87b2b85a32def253c7',
  },
  {
    status: 'Status: Downloaded newer image for busybox:latest',
  },
];

export const DOCKER_PULL_TTY_120 =
  'Using default tag: latest\nlatest: Pulling from library/busybox\n\n\u001b[1A\u001b[2K\raaaaaaaaaaaa: Pulling fs layer \r\u001b[1B\n\u001b[1A\u001b[2K\rbbbbbbbbbbbb: Pulling fs layer \r\u001b[1B\u001b[1A\u001b[2K\rbbbbbbbbbbbb: Waiting \r\u001b[1B\u001b[2A\u001b[2K\raaaaaaaaaaaa: Downloading [============>                                      ]    1.2MB/5MB\r\u001b[2B\u001b[2A\u001b[2K\raaaaaaaaaaaa: Downloading [==================================================>]      5MB/5MB\r\u001b[2B\u001b[2A\u001b[2K\raaaaaaaaaaaa: Verifying Checksum \r\u001b[2B\u001b[2A\u001b[2K\raaaaaaaaaaaa: Download complete \r\u001b[2B\u001b[2A\u001b[2K\raaaaaaaaaaaa: Extracting [>                                                  ]  32.77kB/2MB\r\u001b[2B\u001b[2A\u001b[2K\raaaaaaaaaaaa: Pull complete \r\u001b[2B\u001b[1A\u001b[2K\rbbbbbbbbbbbb: Downloading [=====================>                             ]     300B/700B\r\u001b[1B\u001b[1A\u001b[2K\rbbbbbbbbbbbb: Pull complete \r\u001b[1BDigest: sha256:9ae97d36d26566ff84e8893c64a6dc4fe8ca6d1144bf5b87b2b85a32def253c7\nStatus: Downloaded newer image for busybox:latest\ndocker.io/library/busybox:latest\n';

export const DOCKER_PULL_TTY_80 =
  'Using default tag: latest\nlatest: Pulling from library/busybox\n\n\u001b[1A\u001b[2K\raaaaaaaaaaaa: Pulling fs layer \r\u001b[1B\n\u001b[1A\u001b[2K\rbbbbbbbbbbbb: Pulling fs layer \r\u001b[1B\u001b[1A\u001b[2K\rbbbbbbbbbbbb: Waiting \r\u001b[1B\u001b[2A\u001b[2K\raaaaaaaaaaaa: Downloading    1.2MB/5MB\r\u001b[2B\u001b[2A\u001b[2K\raaaaaaaaaaaa: Downloading      5MB/5MB\r\u001b[2B\u001b[2A\u001b[2K\raaaaaaaaaaaa: Verifying Checksum \r\u001b[2B\u001b[2A\u001b[2K\raaaaaaaaaaaa: Download complete \r\u001b[2B\u001b[2A\u001b[2K\raaaaaaaaaaaa: Extracting  32.77kB/2MB\r\u001b[2B\u001b[2A\u001b[2K\raaaaaaaaaaaa: Pull complete \r\u001b[2B\u001b[1A\u001b[2K\rbbbbbbbbbbbb: Downloading     300B/700B\r\u001b[1B\u001b[1A\u001b[2K\rbbbbbbbbbbbb: Pull complete \r\u001b[1BDigest: sha256:9ae97d36d26566ff84e8893c64a6dc4fe8ca6d1144bf5b87b2b85a32def253c7\nStatus: Downloaded newer image for busybox:latest\ndocker.io/library/busybox:latest\n';

export const DOCKER_PULL_PIPE =
  'Using default tag: latest\nlatest: Pulling from library/busybox\naaaaaaaaaaaa: Pulling fs layer\nbbbbbbbbbbbb: Pulling fs layer\nbbbbbbbbbbbb: Waiting\naaaaaaaaaaaa: Verifying Checksum\naaaaaaaaaaaa: Download complete\naaaaaaaaaaaa: Pull complete\nbbbbbbbbbbbb: Pull complete\nDigest: sha256:9ae97d36d26566ff84e8893c64a6dc4fe8ca6d1144bf5b87b2b85a32def253c7\nStatus: Downloaded newer image for busybox:latest\ndocker.io/library/busybox:latest\n';
