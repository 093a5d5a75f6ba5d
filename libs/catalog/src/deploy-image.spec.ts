import { InputError } from '@cite/errors';
import { resolveDeployImage } from './deploy-image';

const repo = 'registry.local:5000/payments/app';
const digest = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('resolveDeployImage', () => {
  it.each([
    ['1.4.2', { image: `${repo}:1.4.2` }],
    ['latest', { image: `${repo}:latest` }],
    ['4f2a9c1', { image: `${repo}:4f2a9c1` }],
    [digest, { image: `${repo}@${digest}`, digest }],
    ['registry.local:5000/payments/app:2', { image: 'registry.local:5000/payments/app:2' }],
    [`other/app:1@${digest}`, { image: `other/app:1@${digest}`, digest }],
    [`other/app@${digest}`, { image: `other/app@${digest}`, digest }],
  ])('%s → %j', (given, expected) => {
    expect(resolveDeployImage(repo, given)).toEqual(expected);
  });

  it.each([
    '',
    'has space',
    'registry.local:5000/app',
    'team/UPPER:1',
    '-leading',
    'a'.repeat(129),
    'app:tag@sha256:short',
  ])('refuses %j at image', (given) => {
    try {
      resolveDeployImage(repo, given);
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).details.map((d) => d.path)).toEqual(['image']);
    }
  });
});
