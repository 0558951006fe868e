/** Image API answers shaped like dockerd's, for the image commands' tests. */

import type { ImageHistoryItem, ImageSummary } from '../image-types.js';

const DAY = 86_400;

/** Unix seconds `days` ago (a whole number of days keeps "N weeks ago" stable during a run). */
export const daysAgo = (days: number): number => Math.floor(Date.now() / 1000) - days * DAY;

export const BUSYBOX_ID = 'sha256:a416a98b71e224a31ee99cff8e16063554498227d2b696152a9c3e0aa65e5824';
export const APP_ID = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
export const DANGLING_ID = 'sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210';
export const DIGEST = 'sha256:9ae97d36d26566ff84e8893c64a6dc4fe8ca6d1144bf5b87b2b85a32def253c7';

export function imageList(): ImageSummary[] {
  return [
    {
      Id: APP_ID,
      ParentId: '',
      RepoTags: ['app:1.0', 'localhost:5000/team/app:v2'],
      RepoDigests: [`localhost:5000/team/app@${DIGEST}`],
      Created: daysAgo(3),
      Size: 77_800_000,
      SharedSize: -1,
      Labels: { 'org.example.a': 'b' },
      Containers: -1,
    },
    {
      Id: BUSYBOX_ID,
      ParentId: '',
      RepoTags: ['busybox:latest'],
      RepoDigests: [`busybox@${DIGEST}`],
      Created: daysAgo(15),
      Size: 4_261_550,
      SharedSize: -1,
      Labels: null,
      Containers: 2,
    },
    {
      Id: DANGLING_ID,
      ParentId: '',
      RepoTags: [],
      RepoDigests: [],
      Created: daysAgo(70),
      Size: 1125,
      SharedSize: -1,
      Labels: null,
      Containers: -1,
    },
    {
      Id: 'sha256:1111111111111111111111111111111111111111111111111111111111111111',
      ParentId: '',
      RepoTags: [],
      RepoDigests: [`alpine@${DIGEST}`],
      Created: daysAgo(800),
      Size: 7_800_000,
      SharedSize: -1,
      Labels: null,
      Containers: -1,
    },
  ];
}

export function historyList(): ImageHistoryItem[] {
  return [
    {
      Id: APP_ID,
      Created: daysAgo(3),
      CreatedBy: '/bin/sh -c #(nop)  CMD ["/bin/sh" "-c" "echo this is a rather long command line"]',
      Tags: ['app:1.0'],
      Size: 0,
      Comment: '',
    },
    {
      Id: '<missing>',
      Created: daysAgo(3),
      CreatedBy: '/bin/sh -c #(nop) COPY\tfile:c50ecf0f8081 in /hello.txt',
      Tags: null,
      Size: 6,
      Comment: '',
    },
    {
      Id: '<missing>',
      Created: daysAgo(15),
      CreatedBy: '',
      Tags: null,
      Size: 4_261_550,
      Comment: 'imported busybox',
    },
    { Id: '<missing>', Created: 0, CreatedBy: 'ancient', Tags: null, Size: 1, Comment: '' },
  ];
}
