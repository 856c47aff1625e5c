/**
 * The first-visit tour as plain data and pure functions: its steps (each names a real element
 * of the next-token lab or the header by a CSS selector), whether it should start by itself,
 * and where its card goes beside the element a step explains. No DOM here: tested under Node.
 */

/** localStorage key; a new version of the tour gets a new key, so everyone sees it once again. */
export const TOUR_STORAGE_KEY = 'tokenscope.tour.v1';
/** The value stored once the tour has started by itself. */
export const TOUR_DONE = 'done';

/** Where the card may sit relative to the element, in order of preference. */
export type Side = 'right' | 'left' | 'below' | 'above';

export interface TourStep {
  id: string;
  title: string;
  body: string;
  /** The element the step explains: the first of these selectors that matches a visible element. */
  targets: readonly string[];
  sides: readonly Side[];
}

export const TOUR_STEPS: readonly TourStep[] = [
  {
    id: 'tokens',
    title: 'Tokens',
    body:
      'The model reads your text as tokens: whole words, pieces of words, spaces (␣) and punctuation. Each chip is ' +
      'one token, coloured by how surprised the model was to see it. Click a chip to see the prediction there.',
    targets: ['[data-testid="text.chips"]'],
    sides: ['right', 'below', 'left', 'above'],
  },
  {
    id: 'distribution',
    title: 'The distribution',
    body:
      'At every position the model gives each token of its vocabulary a probability, and they add up to 100%: ' +
      'that is the next-token distribution. The bars are the most probable tokens; the tail holds the rest. ' +
      'Click a bar to append that token.',
    targets: ['[data-testid="distribution.chart"]'],
    sides: ['right', 'left', 'above', 'below'],
  },
  {
    id: 'temperature',
    title: 'Temperature',
    body:
      'Temperature divides the scores before they become probabilities. Below 1 the likely tokens get even likelier; ' +
      'above 1 the distribution flattens and rare tokens get a chance. Move the slider and watch the solid bars.',
    // The whole row: the slider, its value and the preset buttons stay uncovered.
    targets: ['label:has(> [data-testid="sampling.temperature"])'],
    // Below and above cover the other sliders, never the bars the step asks to watch.
    sides: ['below', 'above', 'left', 'right'],
  },
  {
    id: 'views',
    title: 'Other views',
    body:
      'The same model from other sides: how tokenizers split a text, the key space of its output layer, ' +
      'what comes from one token alone, a corpus beside the model, batch runs, and your saved experiments.',
    // The header's buttons; in a narrow window, the menu that replaces them.
    targets: ['nav:has(> [data-testid="nav.view.lab"])', '[data-testid="nav.view.select"]'],
    sides: ['below', 'right', 'left', 'above'],
  },
  {
    id: 'models',
    title: 'Models and settings',
    body:
      'This small model runs in your browser, with no network. Load another one, from the Hub or a folder, under ' +
      'Models. Tour, up here, shows these steps again.',
    targets: ['[data-testid="nav.models"]'],
    sides: ['below', 'left', 'right', 'above'],
  },
];

/** Whether the stored value says the tour was already shown. */
export function tourSeen(stored: string | null): boolean {
  return stored === TOUR_DONE;
}

/**
 * The tour starts by itself once, on a first visit, when there is something to point at:
 * the lab on screen with its first distribution drawn. Never twice on one page, even where
 * storage is refused: skipping it must not bring it straight back.
 */
export function shouldAutoStartTour(state: {
  stored: string | null;
  labOnScreen: boolean;
  distributionShown: boolean;
  /** The tour is open, or was opened earlier on this page. */
  startedThisPage: boolean;
}): boolean {
  return !tourSeen(state.stored) && state.labOnScreen && state.distributionShown && !state.startedThisPage;
}

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface Size {
  width: number;
  height: number;
}

export interface Placement {
  left: number;
  top: number;
  side: Side;
  /** False when no side had room: the card is then kept on screen and may cover the element. */
  fits: boolean;
}

/** Space kept between the card and the element, and between the card and the window's edges (px). */
export const CARD_GAP = 12;
export const VIEWPORT_MARGIN = 8;

const clamp = (value: number, min: number, max: number) => Math.max(min, Math.min(value, Math.max(min, max)));

/**
 * The card's position beside `target`: the first side in `sides` where it fits inside the
 * viewport without overlapping the element, aligned with the element's start edge and slid
 * along that edge to stay on screen. When no side fits, the side with the most room, clamped.
 */
export function placeCard(target: Rect, card: Size, viewport: Size, sides: readonly Side[]): Placement {
  const minLeft = VIEWPORT_MARGIN;
  const minTop = VIEWPORT_MARGIN;
  const maxLeft = viewport.width - VIEWPORT_MARGIN - card.width;
  const maxTop = viewport.height - VIEWPORT_MARGIN - card.height;
  const right = target.left + target.width;
  const bottom = target.top + target.height;
  const room: Record<Side, number> = {
    right: viewport.width - VIEWPORT_MARGIN - right - CARD_GAP - card.width,
    left: target.left - CARD_GAP - VIEWPORT_MARGIN - card.width,
    below: viewport.height - VIEWPORT_MARGIN - bottom - CARD_GAP - card.height,
    above: target.top - CARD_GAP - VIEWPORT_MARGIN - card.height,
  };
  const position = (side: Side): { left: number; top: number } => {
    switch (side) {
      case 'right':
        return { left: right + CARD_GAP, top: clamp(target.top, minTop, maxTop) };
      case 'left':
        return { left: target.left - CARD_GAP - card.width, top: clamp(target.top, minTop, maxTop) };
      case 'below':
        return { left: clamp(target.left, minLeft, maxLeft), top: bottom + CARD_GAP };
      case 'above':
        return { left: clamp(target.left, minLeft, maxLeft), top: target.top - CARD_GAP - card.height };
    }
  };
  const fitting = sides.find((side) => room[side] >= 0);
  if (fitting) return { ...position(fitting), side: fitting, fits: true };
  const roomiest = [...sides].sort((a, b) => room[b] - room[a])[0] ?? 'below';
  const { left, top } = position(roomiest);
  return { left: clamp(left, minLeft, maxLeft), top: clamp(top, minTop, maxTop), side: roomiest, fits: false };
}

/** Whether two rectangles share any area (touching edges do not count). */
export function overlaps(a: Rect, b: Rect): boolean {
  return a.left < b.left + b.width && b.left < a.left + a.width && a.top < b.top + b.height && b.top < a.top + a.height;
}
