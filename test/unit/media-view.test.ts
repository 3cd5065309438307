import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { SfuError, type ProducerInfo, type SfuEvent } from '../../sfu/api/index.js';
import { createMediaView, type MediaChange } from '../../signaling/rooms/mediaView.js';

type OpenedEvent = Extract<SfuEvent, { type: 'producerOpened' }>;
type Listing = { epoch: string; seq: number; producers: ProducerInfo[] };

const mic = (peerId: string, producerId: string, paused = false): ProducerInfo => ({
  peerId,
  producerId,
  kind: 'audio',
  label: 'mic',
  paused,
});

/** A view over a scripted SFU room: `listing` is what listProducers answers now. */
function setup(first: Listing | SfuError) {
  let listing: Listing | SfuError = first;
  let listings = 0;
  const changes: MediaChange[] = [];
  const events: string[] = [];
  const view = createMediaView({
    listProducers: async () => {
      listings += 1;
      if (listing instanceof SfuError) throw listing;
      return structuredClone(listing);
    },
    onEvent: (event) => events.push(`${event.type}#${event.seq}`),
    onChange: (change) => changes.push(change),
    log: pino({ level: 'silent' }),
  });
  return {
    view,
    changes,
    events,
    listings: () => listings,
    answer(next: Listing | SfuError) {
      listing = next;
    },
  };
}

const opened = (epoch: string, seq: number, producer: ProducerInfo): OpenedEvent => ({
  type: 'producerOpened',
  roomId: 'r',
  epoch,
  seq,
  ...producer,
});

describe('media view of a room', () => {
  it('starts from the SFU’s listing and follows events in order', async () => {
    const t = setup({ epoch: 'e1', seq: 2, producers: [mic('alice', 'p1')] });
    t.view.track('r');
    await t.view.synced('r');
    expect(t.view.producers('r')).toEqual([mic('alice', 'p1')]);
    expect(t.changes).toEqual([{ type: 'opened', room: 'r', producer: mic('alice', 'p1') }]);

    t.view.receive(opened('e1', 3, mic('bob', 'p2')));
    t.view.receive({
      type: 'producerPaused',
      roomId: 'r',
      epoch: 'e1',
      seq: 4,
      peerId: 'bob',
      producerId: 'p2',
    });
    // Already seen: ignored.
    t.view.receive(opened('e1', 3, mic('bob', 'p2')));
    // Another room's event: not followed.
    t.view.receive({ ...opened('e1', 1, mic('carol', 'p9')), roomId: 'other' });
    expect(t.view.producersOf('r', 'bob')).toEqual([mic('bob', 'p2', true)]);
    expect(t.changes.slice(1).map((c) => c.type)).toEqual(['opened', 'paused']);
    expect(t.events).toEqual(['producerOpened#3', 'producerPaused#4']);
    expect(t.listings()).toBe(1);
  });

  it('resynchronises on a gap and carries on with the events after the listing', async () => {
    const t = setup({ epoch: 'e1', seq: 0, producers: [] });
    t.view.track('r');
    await t.view.synced('r');
    // Events 1 and 2 were missed; the SFU lists what they did.
    t.answer({ epoch: 'e1', seq: 3, producers: [mic('alice', 'p1'), mic('bob', 'p2')] });
    t.view.receive(opened('e1', 3, mic('bob', 'p2')));
    t.view.receive(opened('e1', 4, mic('carol', 'p3')));
    await t.view.synced('r');
    expect(t.listings()).toBe(2);
    expect(
      t.view
        .producers('r')
        .map((p) => p.producerId)
        .sort(),
    ).toEqual(['p1', 'p2', 'p3']);
    // Each producer is opened once, whether from the listing or an event.
    expect(
      t.changes
        .filter((c) => c.type === 'opened')
        .map((c) => c.type === 'opened' && c.producer.producerId),
    ).toEqual(['p1', 'p2', 'p3']);
    expect(t.events).toEqual(['producerOpened#4']);
  });

  it('moves to the next epoch on roomMediaLost without asking, and reports another epoch once', async () => {
    const t = setup({ epoch: 'e1', seq: 1, producers: [mic('alice', 'p1')] });
    t.view.track('r');
    await t.view.synced('r');
    t.view.receive({
      type: 'roomMediaLost',
      roomId: 'r',
      epoch: 'e1',
      seq: 2,
      reason: 'workerDied',
      nextEpoch: 'e2',
    });
    expect(t.view.producers('r')).toEqual([]);
    t.view.receive(opened('e2', 1, mic('alice', 'p4')));
    expect(t.view.epoch('r')).toBe('e2');
    expect(t.listings()).toBe(1);

    // The node restarted and someone reopened the room: another epoch.
    t.answer({ epoch: 'e3', seq: 0, producers: [] });
    t.view.resync('r');
    await t.view.synced('r');
    t.view.resync('r');
    await t.view.synced('r');
    expect(t.changes.filter((c) => c.type === 'epochChanged')).toEqual([
      { type: 'epochChanged', room: 'r', epoch: 'e3' },
    ]);
  });

  it('reports a room the SFU no longer has as lost', async () => {
    const t = setup({ epoch: 'e1', seq: 0, producers: [] });
    t.view.track('r');
    await t.view.synced('r');
    t.answer(new SfuError('ROOM_NOT_FOUND', 'no such room'));
    t.view.resync('r');
    await t.view.synced('r');
    expect(t.changes).toEqual([{ type: 'lost', room: 'r' }]);
    expect(t.view.epoch('r')).toBeUndefined();
  });

  it('keeps its own produce reply until the event confirms it, then opens it once', async () => {
    const t = setup({ epoch: 'e1', seq: 0, producers: [] });
    t.view.track('r');
    await t.view.synced('r');
    t.view.noteProduced('r', mic('alice', 'p1'));
    t.view.notePaused('r', 'p1', true);
    expect(t.changes).toEqual([]);
    t.view.receive(opened('e1', 1, mic('alice', 'p1')));
    expect(t.changes).toEqual([{ type: 'opened', room: 'r', producer: mic('alice', 'p1') }]);
    // The pause that came with the reply is kept.
    expect(t.view.producer('r', 'p1')?.paused).toBe(true);
  });
});
