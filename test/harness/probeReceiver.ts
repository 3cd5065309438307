// A receiving WebRTC peer (msc-node: ICE, DTLS, SCTP) of an SFU ICE probe, as
// the admin's browser is in the relay check (here without a relay): it
// connects through the function given and counts the probe's messages.
import type { types as msc } from 'msc-node';
import {
  iceProbeMessageSchema,
  type DtlsParameters,
  type SfuResponse,
} from '../../sfu/api/index.js';
import { newDevice } from './mscDevice.js';

export interface ProbeReceiver {
  /** Each message received: its sequence number and size in bytes. */
  readonly messages: { seq: number; bytes: number }[];
  close(): void;
}

type Probe = Pick<
  SfuResponse<'openIceProbe'>,
  'routerRtpCapabilities' | 'transport' | 'dataConsumer'
>;

export async function receiveProbe(
  probe: Probe,
  connect: (dtlsParameters: DtlsParameters) => Promise<unknown>,
): Promise<ProbeReceiver> {
  const device = newDevice();
  await device.load({
    routerRtpCapabilities: probe.routerRtpCapabilities as msc.RtpCapabilities,
  });
  const transport = device.createRecvTransport(probe.transport as unknown as msc.TransportOptions);
  transport.on('connect', ({ dtlsParameters }, callback, errback) => {
    connect(dtlsParameters as DtlsParameters).then(() => callback(), errback);
  });
  const consumer = await transport.consumeData(
    probe.dataConsumer as unknown as msc.DataConsumerOptions,
  );
  const messages: ProbeReceiver['messages'] = [];
  consumer.on('message', (data: unknown) => {
    const text = typeof data === 'string' ? data : Buffer.from(data as Uint8Array).toString();
    const parsed = iceProbeMessageSchema.parse(JSON.parse(text));
    messages.push({ seq: parsed.seq, bytes: Buffer.byteLength(text) });
  });
  return { messages, close: () => transport.close() };
}
