import { expect } from 'chai';
import { MessageChannel } from 'node:worker_threads';
import { ActorSystem, type Actor } from '../../src/actor/actor-system.js';
import { PortLink } from '../../src/actor/port-link.js';
import { Kind, type DataEnvelope } from '../../src/actor/protocol.js';
import {
  LoopbackLink,
  type Link,
  type Transport,
  type TransportListener,
} from '../../src/actor/transport.js';

/** A transport with only the same-thread link. */
class LocalTransport implements Transport {
  readonly localHost = 'thread-0';
  private loopback!: LoopbackLink;
  start(listener: TransportListener): void {
    this.loopback = new LoopbackLink(this.localHost, listener);
  }
  link(): Link {
    return this.loopback;
  }
  close(): void {}
}

describe('mailboxes', () => {
  it('a busy actor cannot starve the others in its thread', async () => {
    const system = new ActorSystem({ transport: new LocalTransport(), throughput: 5 });
    const order: string[] = [];
    const actor = (name: string): Actor => ({ receive: () => void order.push(name) });
    const busy = system.spawn('/user/busy', actor('busy'));
    const quiet = system.spawn('/user/quiet', actor('quiet'));
    for (let i = 0; i < 100; i++) busy.tell(i);
    quiet.tell('hello');
    const done = system.spawn('/user/done', { receive: () => 'done' });
    await done.ask('?', 1000);
    // The quiet actor's one message ran after at most one turn of the busy one.
    expect(order.indexOf('quiet')).to.be.at.most(5);
    expect(order.filter((n) => n === 'busy')).to.have.length(100);
    system.terminate();
  });

  it('processes one message at a time, in order, and yields to the event loop under load', async () => {
    const system = new ActorSystem({ transport: new LocalTransport(), turnBudget: 100 });
    const seen: number[] = [];
    let timerRan = -1;
    const ref = system.spawn('/user/a', {
      receive: (m, isAsk) => (isAsk ? 'end' : void seen.push(m as number)),
    });
    setTimeout(() => (timerRan = seen.length), 0);
    for (let i = 0; i < 5000; i++) ref.tell(i);
    expect(await ref.ask('last', 5000)).to.equal('end');
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).to.deep.equal(Array.from({ length: 5000 }, (_, i) => i));
    expect(timerRan).to.be.within(0, 4999);
    system.terminate();
  });

  it('a tell to a missing actor is a dead letter, an ask to one fails at once', async () => {
    const system = new ActorSystem({ transport: new LocalTransport() });
    const ghost = system.refFor({ protocol: 'node', system: 'flink', host: 'thread-0', path: '/user/ghost' });
    ghost.tell('hello?');
    expect(system.metrics().deadLetters).to.equal(1);
    const error = (await ghost.ask('anyone?', 60_000).catch((e: unknown) => e)) as Error & { code: string };
    expect(error.code).to.equal('ERR_ACTOR_UNREACHABLE');
    system.terminate();
  });

  it('counts asks and tells sent and received, and asks that timed out, for the metrics layer', async () => {
    const system = new ActorSystem({ transport: new LocalTransport() });
    const echo = system.spawn('/user/echo', { receive: (m) => m });
    const silent = system.spawn('/user/silent', { receive: () => new Promise(() => {}) });
    echo.tell('a');
    echo.tell('b');
    expect(await echo.ask('c', 1000)).to.equal('c');
    const timedOut = (await silent.ask('d', 1).catch((e: unknown) => e)) as Error & { code: string };
    expect(timedOut.code).to.equal('ERR_ACTOR_ASK_TIMEOUT');
    const metrics = system.metrics();
    expect(metrics).to.deep.include({ tellsOut: 2, tellsIn: 2, asksOut: 2, asksIn: 2, askTimeouts: 1 });
    system.terminate();
  });
});

describe('micro-batching', () => {
  /** A PortLink on a real channel, counting its postMessages and keeping the frames that arrive. */
  function recordingLink(): {
    link: PortLink;
    received: unknown[][];
    posts: () => number;
    close: () => void;
  } {
    const { port1, port2 } = new MessageChannel();
    const received: unknown[][] = [];
    const listener: TransportListener = {
      deliver: () => {},
      malformed: () => {},
      undeliverable: () => {},
      linkDown: () => {},
    };
    const link = new PortLink('thread-9', listener, { control: () => {} });
    link.attach(port1);
    let posts = 0;
    const post = port1.postMessage.bind(port1);
    port1.postMessage = (value: unknown) => {
      posts++;
      post(value);
    };
    port2.on('message', (frame: unknown[]) => received.push(frame));
    return {
      link,
      received,
      posts: () => posts,
      close: () => {
        link.markDown('test over');
        port2.close();
      },
    };
  }

  const sizes = (frames: unknown[][]) => frames.map((frame) => frame.length / 4);

  it('asks sent in one tick leave as few postMessages, each a flat frame of up to 64, in order', async () => {
    const { link, received, posts, close } = recordingLink();
    try {
      for (let i = 0; i < 200; i++) link.send({ k: Kind.Ask, to: '/user/x', id: i, body: i } as DataEnvelope);
      await new Promise((resolve) => setTimeout(resolve, 20));
      // 64 + 64 + 64 sent as soon as full, so the peer starts on them; the last 8 at the end of the tick.
      expect(posts()).to.equal(4);
      expect(sizes(received)).to.deep.equal([64, 64, 64, 8]);
      // Four slots per envelope: kind, id, to, body.
      const bodies: unknown[] = [];
      for (const frame of received) for (let i = 3; i < frame.length; i += 4) bodies.push(frame[i]);
      expect(bodies).to.deep.equal(Array.from({ length: 200 }, (_, i) => i));
    } finally {
      close();
    }
  });

  it('tells alone fill frames of up to 256, and a batch that holds an ask leaves at 64', async () => {
    const { link, received, close } = recordingLink();
    try {
      for (let i = 0; i < 600; i++) link.send({ k: Kind.Tell, to: '/user/x', body: i } as DataEnvelope);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(sizes(received)).to.deep.equal([256, 256, 88]);
      received.length = 0;
      link.send({ k: Kind.Ask, to: '/user/x', id: 1, body: 'ask' } as DataEnvelope);
      for (let i = 0; i < 100; i++) link.send({ k: Kind.Tell, to: '/user/x', body: i } as DataEnvelope);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(sizes(received)).to.deep.equal([64, 37]);
      const bodies: unknown[] = [];
      for (const frame of received) for (let i = 3; i < frame.length; i += 4) bodies.push(frame[i]);
      expect(bodies).to.deep.equal(['ask', ...Array.from({ length: 100 }, (_, i) => i)]);
    } finally {
      close();
    }
  });
});
