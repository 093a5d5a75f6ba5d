/** A pod range's use: a `.bar` (warn above 80 %, bad when full) inside an accessible meter, with the numbers. */
import { Meter } from 'react-aria-components';
import { barClass, statusClass, usageOf } from './usage';
import './network.css';

const LEVEL_WORD = { ok: '', warn: 'above 80 %', bad: 'full' } as const;

export function UsageMeter({ label, used, capacity }: { label: string; used: number; capacity: number }) {
  const usage = usageOf(used, capacity);
  const word = LEVEL_WORD[usage.level];
  return (
    <Meter
      className="usage-meter"
      aria-label={label}
      value={usage.width}
      minValue={0}
      maxValue={100}
      valueLabel={`${usage.text} used${word ? `, ${word}` : ''}`}
    >
      <div className={barClass(usage.level)} aria-hidden="true">
        <span style={{ width: `${usage.width}%` }} />
      </div>
      <span className="usage-text">
        {usage.text}
        {word ? <strong className={statusClass(usage.level)}> · {word}</strong> : null}
      </span>
    </Meter>
  );
}
