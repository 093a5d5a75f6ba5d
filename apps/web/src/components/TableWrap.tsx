/**
 * The box around a table that may scroll sideways on a narrow screen (and, with a class that bounds its height,
 * down a long list): a named region that takes keyboard focus, so the table can be scrolled without a mouse
 * (axe's scrollable-region-focusable).
 */
import { forwardRef, type ReactNode } from 'react';

export const TableWrap = forwardRef<
  HTMLDivElement,
  { label: string; className?: string; children: ReactNode }
>(function TableWrap({ label, className, children }, ref) {
  const classes = className ? `table-wrap ${className}` : 'table-wrap';
  return (
    // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex -- a scrolling region must take focus
    <div ref={ref} className={classes} role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
});
