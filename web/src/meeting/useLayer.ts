// A remote video tile tells which simulcast layer its rendered size can use,
// now and whenever it is resized (a page change, the speaker layout, a pin).
import { useEffect, useRef } from 'preact/hooks';
import { layerForWidth } from '../media/simulcast.js';

export function useLayer(
  consumerId: string | undefined,
  onLayer: (consumerId: string, spatialLayer: number) => void,
) {
  const ref = useRef<HTMLDivElement>(null);
  const report = useRef(onLayer);
  report.current = onLayer;
  useEffect(() => {
    const element = ref.current;
    if (!element || !consumerId || typeof ResizeObserver === 'undefined') return;
    let last: number | undefined;
    const observer = new ResizeObserver(() => {
      const layer = layerForWidth(element.clientWidth, devicePixelRatio);
      if (layer === last) return;
      last = layer;
      report.current(consumerId, layer);
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [consumerId]);
  return ref;
}
