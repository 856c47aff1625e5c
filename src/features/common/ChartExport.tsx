/** "SVG" and "PNG" buttons that save the chart inside `containerRef` as a file. */
import { useRef, useState, type ReactNode, type RefObject } from 'react';
import { downloadBlob } from '../../state/downloadBlob';
import { chartFileName, standaloneSvg, svgToPng } from '../../charts/exportChart';

export function ChartExport({
  title,
  caption = '',
  containerRef,
  testId,
}: {
  title: string;
  /** Printed under the title in the file: the model, the position, the settings. */
  caption?: string;
  containerRef: RefObject<HTMLElement | null>;
  testId: string;
}) {
  const [error, setError] = useState<string | null>(null);
  const save = async (format: 'svg' | 'png') => {
    setError(null);
    const svg = containerRef.current?.querySelector('svg');
    if (!svg) {
      setError('There is no chart on screen to save yet.');
      return;
    }
    try {
      const { markup, width, height } = standaloneSvg(svg, title, caption);
      const blob =
        format === 'svg' ? new Blob([markup], { type: 'image/svg+xml' }) : await svgToPng(markup, width, height);
      downloadBlob(chartFileName(title, format), blob);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  };
  return (
    <span className="chart-export">
      <button
        type="button"
        data-testid={`${testId}.svg`}
        title={`Save “${title}” as SVG`}
        onClick={() => void save('svg')}
      >
        SVG
      </button>
      <button
        type="button"
        data-testid={`${testId}.png`}
        title={`Save “${title}” as PNG (2× size)`}
        onClick={() => void save('png')}
      >
        PNG
      </button>
      {error && (
        <span className="notice notice--error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}

/** A chart with its "SVG" / "PNG" buttons above it (the first <svg> inside is what is saved). */
export function ExportableChart({
  title,
  caption,
  testId,
  children,
}: {
  title: string;
  caption?: string;
  testId: string;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDivElement>(null);
  return (
    <div className="exportable-chart">
      <div className="exportable-chart__tools">
        <ChartExport title={title} caption={caption} containerRef={ref} testId={testId} />
      </div>
      <div ref={ref}>{children}</div>
    </div>
  );
}
