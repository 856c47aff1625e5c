/** A chart's x axis along its bottom edge: tick values under the plot and the axis label centred below them. */
export function BottomAxis({
  ticks,
  at,
  left,
  right,
  height,
  bottomMargin,
  label,
  tickClass = 'chart__tick',
  labelClass = 'chart__axis-label',
}: {
  ticks: readonly number[];
  /** A tick's x in pixels. */
  at: (tick: number) => number;
  /** The plot's left and right edges in pixels. */
  left: number;
  right: number;
  /** The chart's height and bottom margin in pixels. */
  height: number;
  bottomMargin: number;
  label: string;
  tickClass?: string;
  labelClass?: string;
}) {
  return (
    <>
      {ticks.map((t) => (
        <text key={`x${t}`} x={at(t)} y={height - bottomMargin + 14} textAnchor="middle" className={tickClass}>
          {t}
        </text>
      ))}
      <text x={(left + right) / 2} y={height - 4} textAnchor="middle" className={labelClass}>
        {label}
      </text>
    </>
  );
}
