// A plain STUN Binding request to a STUN/TURN server: is it up, and which
// address does it see us from?
import { decodeXorAddress, type TransportAddress } from './attributes.js';
import { Attr, findAttribute, Method, MessageClass, newTransactionId } from './message.js';
import { stunSession } from './session.js';
import { openStunTransport, type StunTarget } from './transport.js';

/** Our address as the server at `target` sees it; throws a TurnError when it does not answer. */
export async function stunBinding(
  target: StunTarget,
  timeoutMs: number,
): Promise<TransportAddress> {
  const session = stunSession(await openStunTransport(target, timeoutMs));
  try {
    const transactionId = newTransactionId();
    const { message } = await session.request(
      { method: Method.Binding, cls: MessageClass.Request, transactionId, attributes: [] },
      { fingerprint: true },
      timeoutMs,
      'port-closed',
    );
    const mapped = findAttribute(message, Attr.XorMappedAddress);
    if (message.cls !== MessageClass.Success || !mapped) {
      throw new Error('the STUN server answered a Binding request with an error');
    }
    return decodeXorAddress(mapped, transactionId);
  } finally {
    session.close();
  }
}
