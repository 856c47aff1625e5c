/**
 * The key-space view's shared state: which token it is about. Any view can call
 * `openKeySpace(tokenId)` (a distribution bar, a chart point); the shell switches to the view
 * when `openRequests` changes.
 */
import { create } from 'zustand';
import { useSession } from './sessionStore';

export interface KeySpaceState {
  /** The token whose neighbours are shown; null until one is chosen. */
  focusTokenId: number | null;
  /** The model the focused id belongs to: ids of another model's vocabulary are ignored. */
  focusModelKey: string | null;
  /** Counts requests to open the view, so opening the same token twice still switches view. */
  openRequests: number;
}

export const useKeySpace = create<KeySpaceState>(() => ({ focusTokenId: null, focusModelKey: null, openRequests: 0 }));

const currentModelKey = () => useSession.getState().model?.key ?? null;

/** Shows `tokenId` in the key-space view (navigation inside the view). */
export function focusKeyToken(tokenId: number): void {
  useKeySpace.setState({ focusTokenId: tokenId, focusModelKey: currentModelKey() });
}

/** Shows `tokenId` in the key-space view and asks the shell to switch to it. */
export function openKeySpace(tokenId: number | null): void {
  if (tokenId !== null) focusKeyToken(tokenId);
  useKeySpace.setState((s) => ({ openRequests: s.openRequests + 1 }));
}
