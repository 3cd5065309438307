// Credentials from the workspace that embeds us in an iframe:
//   parent.postMessage({ type: 'veche:token', token }, vecheOrigin)
//   parent.postMessage({ type: 'veche:invite', invite }, vecheOrigin)
// Accepted only from our parent frame (not from an opener: any site could
// open us in a popup; who may frame us is vetted by the server's CSP
// frame-ancestors) and only from trusted origins: those listed in
// <meta name="veche-parent-origins" content="https://a https://b"> if the page
// has that tag, otherwise the origin of document.referrer (the page that
// loaded the frame). We announce ourselves with { type: 'veche:ready' } to
// those origins, so the workspace knows when to send (or re-send) a token.
import { inviteCredentials, tokenCredentials, type Credentials } from './credentials.js';

const META_NAME = 'veche-parent-origins';

function originOf(url: string): string | undefined {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

/** The origins allowed to hand us credentials (empty: none). */
export function trustedParentOrigins(doc: Document = document): string[] {
  const meta = doc.querySelector<HTMLMetaElement>(`meta[name="${META_NAME}"]`);
  if (meta) {
    return meta.content
      .split(/[\s,]+/)
      .map((entry) => originOf(entry))
      .filter((origin): origin is string => origin !== undefined);
  }
  const referrer = doc.referrer ? originOf(doc.referrer) : undefined;
  return referrer ? [referrer] : [];
}

/** A message's credentials, if it is one of ours. */
export function credentialsFromMessage(data: unknown): Credentials | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const message = data as Record<string, unknown>;
  if (message['type'] === 'veche:token') return tokenCredentials(message['token']);
  if (message['type'] === 'veche:invite') return inviteCredentials(message['invite']);
  return undefined;
}

/** Listens for credentials from the embedding page; returns the unsubscribe. */
export function listenToParent(onCredentials: (credentials: Credentials) => void): () => void {
  if (window.parent === window) return () => undefined;
  const embedder = window.parent;
  const trusted = trustedParentOrigins();
  const onMessage = (event: MessageEvent) => {
    if (event.source !== embedder || !trusted.includes(event.origin)) return;
    const credentials = credentialsFromMessage(event.data);
    if (credentials) onCredentials(credentials);
  };
  addEventListener('message', onMessage);
  for (const origin of trusted) embedder.postMessage({ type: 'veche:ready' }, origin);
  return () => removeEventListener('message', onMessage);
}
