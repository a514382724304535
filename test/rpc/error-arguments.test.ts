// An Error passed as an argument (Flink's `cause` parameters) arrives with its
// class, code and cause on both paths; a structured clone alone would drop them.

import { expect } from 'chai';

import { EchoGateway, MySuperSpecificError } from '../fixtures/echo.js';
import { kRpcPaths, startEcho, useRpcService } from '../support/paths.js';

for (const path of kRpcPaths) {
  describe(`error arguments (${path})`, () => {
    const service = useRpcService({}, path);

    it(`keep their class, code and cause (${path})`, async () => {
      const [address] = await startEcho(service.rpc, path);
      const echo = await service.rpc.connect(address!, EchoGateway);
      const error = new MySuperSpecificError('disconnected', 'E_GONE');
      (error as { cause?: unknown }).cause = new Error('heartbeat timed out');
      expect(await echo.inspectError(error)).to.deep.equal({
        isError: true,
        className: 'MySuperSpecificError',
        code: 'E_GONE',
        cause: 'heartbeat timed out',
      });
    });

    it(`keep their class in any position of a call with many arguments (${path})`, async () => {
      const [address] = await startEcho(service.rpc, path);
      const echo = await service.rpc.connect(address!, EchoGateway);
      const error = new MySuperSpecificError('disconnected', 'E_GONE');
      expect(await echo.describeAll(1, error, 'three', error, null)).to.deep.equal([
        '1',
        'MySuperSpecificError:E_GONE',
        '"three"',
        'MySuperSpecificError:E_GONE',
        'null',
      ]);
      expect(await echo.describeAll()).to.deep.equal([]);
      expect(await echo.describeAll(error)).to.deep.equal(['MySuperSpecificError:E_GONE']);
    });

    it(`leave other arguments alone (${path})`, async () => {
      const [address] = await startEcho(service.rpc, path);
      const echo = await service.rpc.connect(address!, EchoGateway);
      const value = { nested: [1, 'two', { three: 3 }] };
      expect(await echo.echo(value)).to.deep.equal(value);
      expect((await echo.inspectError('not an error')).isError).to.equal(false);
    });
  });
}
