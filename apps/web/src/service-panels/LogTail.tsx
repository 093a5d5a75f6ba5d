/**
 * The live merged log of the service's pods (`GET /services/:name/logs`, server-sent events through
 * `followEvents`): each line with its pod in a colour of its own, pause / resume (lines keep arriving into a
 * bounded buffer and are counted), a filter and a pod choice, at most `MAX_LINES` lines kept, and a view that
 * follows the end until the user scrolls up.
 */
import {
  memo,
  useEffect,
  useId,
  useLayoutEffect,
  useReducer,
  useRef,
  useState,
  type CSSProperties,
} from 'react';
import {
  Button,
  Input,
  Label,
  ListBox,
  ListBoxItem,
  Popover,
  SearchField,
  Select,
  SelectValue,
} from 'react-aria-components';
import { followEvents } from '../api';
import {
  atBottom,
  clockOf,
  filterLines,
  initialTail,
  MAX_LINES,
  parseLogEvent,
  parsePodsEvent,
  podChoices,
  podHue,
  shortPod,
  START_OPTIONS,
  streamProblem,
  tailReducer,
  type LogLine,
  type RawLine,
  type StartId,
  type StreamProblem,
} from './log-model';
import type { PanelProps } from './types';
import './service-panels.css';

/** How long arriving lines are gathered before the view takes them. */
const BATCH_MS = 100;
const ALL_PODS = '\u0000all';

const Line = memo(function Line({ line, service }: { line: LogLine; service: string }) {
  const style = { '--pod-hue': podHue(line.pod) } as CSSProperties;
  return (
    <div className="sp-log-line">
      <span className="sp-log-pod" style={style} title={`${line.pod} (${line.container})`}>
        {shortPod(line.pod, service)}
      </span>{' '}
      <time className="sp-log-time muted" dateTime={line.time}>
        {clockOf(line.time)}
      </time>{' '}
      <span className="sp-log-message">{line.message}</span>
    </div>
  );
});

type StreamState = { status: 'connecting' } | { status: 'live' } | StreamProblem;

function PickList<K extends string>({
  label,
  value,
  options,
  onChange,
  className,
}: {
  label: string;
  value: K;
  options: readonly { id: K; label: string }[];
  onChange: (value: K) => void;
  className?: string;
}) {
  return (
    <Select
      className={`react-aria-Select sp-select ${className ?? ''}`}
      selectedKey={value}
      onSelectionChange={(key) => {
        if (key !== null) onChange(String(key) as K);
      }}
    >
      <Label>{label}</Label>
      <Button className="quiet">
        <SelectValue />
        <span aria-hidden="true"> ▾</span>
      </Button>
      <Popover>
        <ListBox>
          {options.map((option) => (
            <ListBoxItem key={option.id} id={option.id} textValue={option.label}>
              {option.label}
            </ListBoxItem>
          ))}
        </ListBox>
      </Popover>
    </Select>
  );
}

export function LogTail({ service }: PanelProps) {
  const name = service.name;
  const titleId = useId();
  const [state, dispatch] = useReducer(tailReducer, undefined, () => initialTail());
  const [stream, setStream] = useState<StreamState>({ status: 'connecting' });
  const [start, setStart] = useState<StartId>('lines-100');
  const [attempt, setAttempt] = useState(0);
  const [text, setText] = useState('');
  const [pod, setPod] = useState<string>(ALL_PODS);
  const [following, setFollowing] = useState(true);
  const box = useRef<HTMLDivElement>(null);
  const stick = useRef(true);

  // A new stream (another service, start or attempt) starts from an empty view.
  const streamKey = `${name}\n${start}\n${attempt}`;
  const [openedFor, setOpenedFor] = useState(streamKey);
  if (openedFor !== streamKey) {
    setOpenedFor(streamKey);
    dispatch({ type: 'reset' });
    setStream({ status: 'connecting' });
  }

  useEffect(() => {
    const controller = new AbortController();
    const query = START_OPTIONS.find((option) => option.id === start)?.query ?? {};
    let pending: RawLine[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      timer = undefined;
      const lines = pending;
      pending = [];
      dispatch({ type: 'lines', lines });
    };
    followEvents(
      `/services/${encodeURIComponent(name)}/logs`,
      query,
      {
        onOpen: () => setStream({ status: 'live' }),
        onEvent: (event) => {
          if (event.event === 'log') {
            const line = parseLogEvent(event.data);
            if (!line) return;
            pending.push(line);
            // Never more than the view keeps, however fast lines come.
            if (pending.length > 2 * MAX_LINES) pending = pending.slice(-MAX_LINES);
            timer ??= setTimeout(flush, BATCH_MS);
          } else if (event.event === 'pods') {
            const pods = parsePodsEvent(event.data);
            if (pods) dispatch({ type: 'pods', pods });
          }
        },
        onError: (error) => {
          const problem = streamProblem(error);
          setStream(problem);
          if (problem.final) controller.abort();
        },
      },
      controller.signal,
    ).catch((error: unknown) => setStream(streamProblem(error)));
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [name, start, attempt]);

  const choices = podChoices(state);
  // A pod whose lines were all let go is no choice any more.
  const chosen = pod !== ALL_PODS && choices.includes(pod) ? pod : undefined;
  const visible = filterLines(state.lines, { text, pod: chosen });

  // Follow the end while the user has not scrolled up.
  useLayoutEffect(() => {
    const element = box.current;
    if (element && stick.current) element.scrollTop = element.scrollHeight;
  }, [visible.length, state.lines, text, chosen]);

  function onScroll() {
    const element = box.current;
    if (!element) return;
    const bottom = atBottom(element);
    stick.current = bottom;
    if (bottom !== following) setFollowing(bottom);
  }

  function jumpToEnd() {
    const element = box.current;
    stick.current = true;
    setFollowing(true);
    if (element) element.scrollTop = element.scrollHeight;
  }

  const podOptions = [
    { id: ALL_PODS, label: `All pods (${state.pods.length} followed)` },
    ...choices.map((choice) => ({
      id: choice,
      label: state.pods.includes(choice) ? choice : `${choice} (gone)`,
    })),
  ];

  let statusText: string;
  switch (stream.status) {
    case 'connecting':
      statusText = 'Connecting…';
      break;
    case 'live':
      statusText =
        state.pods.length === 0
          ? 'Live. No pods are running; lines appear when a pod starts.'
          : `Live: following ${state.pods.length} ${state.pods.length === 1 ? 'pod' : 'pods'}.`;
      break;
    default:
      statusText = stream.message;
  }
  const final = 'final' in stream && stream.final;
  const hidden = state.lines.length - visible.length;

  return (
    <section className="panel sp-logs" aria-labelledby={titleId}>
      <h2 id={titleId}>Live logs</h2>
      <div className="toolbar sp-log-tools">
        <SearchField className="react-aria-SearchField sp-filter" value={text} onChange={setText}>
          <Label>Filter</Label>
          <Input placeholder="text in the line" />
        </SearchField>
        <PickList label="Pod" value={chosen ?? ALL_PODS} options={podOptions} onChange={setPod} />
        <PickList
          label="Start with"
          value={start}
          options={START_OPTIONS}
          onChange={(id) => {
            stick.current = true;
            setFollowing(true);
            setStart(id);
          }}
        />
        <Button
          className={state.paused ? undefined : 'quiet'}
          onPress={() => dispatch({ type: state.paused ? 'resume' : 'pause' })}
        >
          {state.paused ? 'Resume' : 'Pause'}
        </Button>
        <Button className="quiet" onPress={() => dispatch({ type: 'clear' })}>
          Clear
        </Button>
      </div>
      <div className="sp-log-status">
        <p
          role="status"
          className={stream.status === 'live' || stream.status === 'connecting' ? 'muted' : 'error'}
        >
          {statusText}
        </p>
        {final ? (
          <Button className="quiet" onPress={() => setAttempt((count) => count + 1)}>
            Try again
          </Button>
        ) : null}
      </div>
      {state.paused ? (
        <p className="notice sp-paused" role="status">
          Paused.{' '}
          {state.heldCount === 0
            ? 'No new lines yet.'
            : `${state.heldCount.toLocaleString()} new ${state.heldCount === 1 ? 'line' : 'lines'}${
                state.heldCount > state.held.length
                  ? ` (the newest ${state.held.length.toLocaleString()} are kept)`
                  : ''
              }.`}{' '}
          <Button onPress={() => dispatch({ type: 'resume' })}>Resume</Button>
        </p>
      ) : null}
      <div className="sp-log-wrap">
        <div
          ref={box}
          className="log sp-log"
          role="log"
          data-testid="log-tail"
          aria-label={`Live log of ${name}`}
          // A box that scrolls must be reachable by keyboard to be scrolled (WCAG 2.1.1).
          // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
          tabIndex={0}
          onScroll={onScroll}
        >
          {visible.length === 0 ? (
            <p className="muted sp-log-empty">
              {state.lines.length === 0
                ? stream.status === 'live'
                  ? 'No lines yet.'
                  : ''
                : `No line matches the filter (${hidden.toLocaleString()} hidden).`}
            </p>
          ) : (
            visible.map((line) => <Line key={line.seq} line={line} service={name} />)
          )}
        </div>
        {!following && visible.length > 0 ? (
          <Button className="sp-jump" onPress={jumpToEnd}>
            Jump to latest ↓
          </Button>
        ) : null}
      </div>
      <p className="hint">
        {state.lines.length.toLocaleString()} {state.lines.length === 1 ? 'line' : 'lines'}
        {hidden > 0 ? `, ${hidden.toLocaleString()} hidden by the filter` : ''}
        {state.dropped > 0 ? `; only the last ${MAX_LINES.toLocaleString()} are kept` : ''}.
      </p>
    </section>
  );
}
