import { runApp } from '@cite/test-support';

describe('deployer process', () => {
  it('stops at start with one line naming a bad configuration key', async () => {
    const deployer = await runApp('deployer', { CITE_DEPLOYER_CONCURRENCY: 'lots' });
    expect(await deployer.exited).toBe(78);
    expect(deployer.output().trim()).toBe(
      'cite deployer: configuration error: CITE_DEPLOYER_CONCURRENCY: must be an integer 1–256 (got "lots")',
    );
  });
});
