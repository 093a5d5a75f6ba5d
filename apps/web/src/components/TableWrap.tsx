/**
 * The box around a table that may scroll sideways on a narrow screen: a named region that takes keyboard focus,
 * so the table can be scrolled without a mouse (axe's scrollable-region-focusable).
 */
import { forwardRef, type ReactNode } from 'react';

export const TableWrap = forwardRef<HTMLDivElement, { label: string; children: ReactNode }>(
  function TableWrap({ label, children }, ref) {
    return (
      // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex -- a scrolling region must take focus
      <div ref={ref} className="table-wrap" role="region" aria-label={label} tabIndex={0}>
        {children}
      </div>
    );
  },
);
