/** Publishes a view's finished result for demo scripts (src/state/viewReadouts.ts) and withdraws it when the view goes. */
import { useEffect } from 'react';
import { publishViewReadout, type ReadoutName, type ViewReadout } from '../../state/viewReadouts';

export function usePublishedReadout(name: ReadoutName, readout: ViewReadout | null): void {
  useEffect(() => {
    publishViewReadout(name, readout);
    return () => publishViewReadout(name, null);
  }, [name, readout?.input, readout?.status, readout?.text]);
}
