import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ChainWatch, chainProblem } from './chain-health.ts';

const limits = { lagBlocks: 10, stallSeconds: 300 };
const minutes = (n: number) => n * 60_000;

describe('whether the wallet can see new blocks', () => {
  it('names a wallet ahead of its daemon at once', () => {
    const problem = chainProblem({ walletHeight: 419, daemonHeight: 201, targetHeight: 0 }, {}, limits, 0);
    assert.match(problem ?? '', /^wallet height 419 is ahead of the daemon's 201: the daemon lost blocks/);
  });

  it('names a wallet that stands still while the daemon moves on, once that has lasted HEALTH_STALL_SECONDS', () => {
    const watch: ChainWatch = {};
    assert.equal(chainProblem({ walletHeight: 131, daemonHeight: 131, targetHeight: 0 }, watch, limits, 0), undefined);
    assert.equal(chainProblem({ walletHeight: 131, daemonHeight: 150, targetHeight: 0 }, watch, limits, minutes(4)), undefined, 'not yet');
    assert.equal(
      chainProblem({ walletHeight: 131, daemonHeight: 166, targetHeight: 0 }, watch, limits, minutes(5)),
      "wallet height 131 has not moved for 300 s while the daemon is at 166 (35 blocks ahead): the wallet cannot follow the daemon's chain (a reorganisation deeper than it accepts, or a failing refresh) and sees no new deposits",
    );
    assert.equal(
      chainProblem({ walletHeight: 166, daemonHeight: 166, targetHeight: 0 }, watch, limits, minutes(6)),
      undefined,
      'in step again',
    );
  });

  it('lets a wallet that is far behind but moving catch up', () => {
    const watch: ChainWatch = {};
    for (let minute = 0; minute <= 30; minute += 1) {
      const reading = { walletHeight: 1000 + minute * 50, daemonHeight: 5000, targetHeight: 0 };
      assert.equal(chainProblem(reading, watch, limits, minutes(minute)), undefined, `minute ${minute}`);
    }
  });

  it('tolerates a lag of up to HEALTH_LAG_BLOCKS however long it lasts', () => {
    const watch: ChainWatch = {};
    chainProblem({ walletHeight: 100, daemonHeight: 110, targetHeight: 0 }, watch, limits, 0);
    assert.equal(chainProblem({ walletHeight: 100, daemonHeight: 110, targetHeight: 0 }, watch, limits, minutes(60)), undefined);
  });

  it('names a daemon that stands still behind its peers', () => {
    const watch: ChainWatch = {};
    chainProblem({ walletHeight: 3_000_000, daemonHeight: 3_000_000, targetHeight: 3_000_100 }, watch, limits, 0);
    assert.equal(
      chainProblem({ walletHeight: 3_000_000, daemonHeight: 3_000_000, targetHeight: 3_000_100 }, watch, limits, minutes(4)),
      undefined,
    );
    assert.equal(
      chainProblem({ walletHeight: 3_000_000, daemonHeight: 3_000_000, targetHeight: 3_000_100 }, watch, limits, minutes(5)),
      'the daemon has stood at height 3000000 for 300 s while its peers report 3000100: it is not syncing, so the wallet sees no new blocks',
    );
  });
});
