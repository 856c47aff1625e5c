/**
 * Every key of the vocabulary on the first two principal axes, drawn on a canvas (tens of
 * thousands of points), with a few tokens highlighted in their own colours. A click picks the
 * nearest highlighted token, else the nearest key within 6 px. Props in, callbacks out.
 */
import { useEffect, useMemo, useRef } from 'react';

export interface HighlightedKey {
  tokenId: number;
  colour: string;
}

export interface VocabularyMapProps {
  /** [x0, y0, x1, y1, ...] for every token. */
  coordinates: Float32Array;
  highlighted: readonly HighlightedKey[];
  focusTokenId?: number | null;
  /** CSS pixels. */
  width: number;
  height?: number;
  onSelect?: (tokenId: number) => void;
  label: string;
}

const PAD = 10;
const PICK_RADIUS_PX = 6;

function bounds(coordinates: Float32Array) {
  let minX = Infinity,
    maxX = -Infinity,
    minY = Infinity,
    maxY = -Infinity;
  for (let i = 0; i < coordinates.length; i += 2) {
    minX = Math.min(minX, coordinates[i]);
    maxX = Math.max(maxX, coordinates[i]);
    minY = Math.min(minY, coordinates[i + 1]);
    maxY = Math.max(maxY, coordinates[i + 1]);
  }
  return { minX, maxX: maxX > minX ? maxX : minX + 1, minY, maxY: maxY > minY ? maxY : minY + 1 };
}

export function VocabularyMap({
  coordinates,
  highlighted,
  focusTokenId = null,
  width,
  height = 320,
  onSelect,
  label,
}: VocabularyMapProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const box = useMemo(() => bounds(coordinates), [coordinates]);
  const toX = (v: number) => PAD + ((v - box.minX) / (box.maxX - box.minX)) * (width - 2 * PAD);
  const toY = (v: number) => height - PAD - ((v - box.minY) / (box.maxY - box.minY)) * (height - 2 * PAD);

  useEffect(() => {
    const canvas = canvasRef.current;
    const context = canvas?.getContext('2d');
    if (!canvas || !context) return;
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, width, height);
    context.fillStyle = 'rgba(90, 90, 100, 0.35)';
    for (let i = 0; i < coordinates.length; i += 2)
      context.fillRect(toX(coordinates[i]) - 0.75, toY(coordinates[i + 1]) - 0.75, 1.5, 1.5);
    for (const key of highlighted) {
      context.fillStyle = key.colour;
      context.beginPath();
      context.arc(toX(coordinates[2 * key.tokenId]), toY(coordinates[2 * key.tokenId + 1]), 3.5, 0, 2 * Math.PI);
      context.fill();
    }
    if (focusTokenId !== null && 2 * focusTokenId < coordinates.length) {
      context.strokeStyle = '#d0021b';
      context.lineWidth = 2;
      context.beginPath();
      context.arc(toX(coordinates[2 * focusTokenId]), toY(coordinates[2 * focusTokenId + 1]), 7, 0, 2 * Math.PI);
      context.stroke();
    }
    // toX/toY depend only on box, width and height, listed here.
  }, [coordinates, highlighted, focusTokenId, width, height, box]);

  const pick = (event: React.MouseEvent<HTMLCanvasElement>) => {
    if (!onSelect) return;
    const rect = event.currentTarget.getBoundingClientRect();
    const px = event.clientX - rect.left;
    const py = event.clientY - rect.top;
    const nearest = (ids: Iterable<number>) => {
      let best = -1;
      let bestDistance = PICK_RADIUS_PX ** 2;
      for (const id of ids) {
        const d = (toX(coordinates[2 * id]) - px) ** 2 + (toY(coordinates[2 * id + 1]) - py) ** 2;
        if (d <= bestDistance) {
          best = id;
          bestDistance = d;
        }
      }
      return best;
    };
    let found = nearest(highlighted.map((h) => h.tokenId));
    if (found < 0) found = nearest(Array.from({ length: coordinates.length / 2 }, (_, i) => i));
    if (found >= 0) onSelect(found);
  };

  return (
    <canvas
      ref={canvasRef}
      className="vocabulary-map"
      style={{ width, height }}
      role="img"
      aria-label={label}
      data-testid="keyspace.map.vocabulary"
      data-points={coordinates.length / 2}
      onClick={pick}
    />
  );
}
