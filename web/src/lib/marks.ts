// Milestones of joining a meeting as User Timing marks, each set once per
// page: the join benchmark reads them to show where the time goes, and the
// browser's performance panel shows them too. Nothing leaves the page.
export type JoinMilestone =
  | 'veche:media-start'
  | 'veche:device'
  | 'veche:transports'
  | 'veche:ready'
  | 'veche:notified-video'
  | 'veche:consumer-video';

export function markOnce(name: JoinMilestone): void {
  if (typeof performance === 'undefined') return;
  if (performance.getEntriesByName(name, 'mark').length > 0) return;
  performance.mark(name);
}
