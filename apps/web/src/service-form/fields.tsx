/** The create form's inputs: react-aria fields that show the messages kept for their field key. */
import type { ReactNode } from 'react';
import { FieldError, Group, Input, Label, NumberField, Text, TextField } from 'react-aria-components';
import type { FieldMessages } from './model';

/** The messages of one field as one line, or undefined when it has none. */
export function messageOf(messages: FieldMessages, key: string): string | undefined {
  const list = messages[key];
  return list && list.length > 0 ? list.join('; ') : undefined;
}

interface Common {
  /** The field key its messages are kept under (`name`, `env.e3.value`, …). */
  field: string;
  messages: FieldMessages;
  /** A visible label; or `ariaLabel` for inputs in a row under column headings. */
  label?: string;
  ariaLabel?: string;
  description?: ReactNode;
  placeholder?: string;
  isRequired?: boolean;
  className?: string;
}

export function TextInput(
  props: Common & {
    value: string;
    onChange: (value: string) => void;
    type?: 'text' | 'url';
    spellCheck?: boolean;
    autoComplete?: string;
  },
) {
  const message = messageOf(props.messages, props.field);
  return (
    <TextField
      className={['react-aria-TextField', props.className].filter(Boolean).join(' ')}
      name={props.field}
      value={props.value}
      onChange={props.onChange}
      isInvalid={message !== undefined}
      isRequired={props.isRequired}
      aria-label={props.ariaLabel}
    >
      {props.label ? <Label>{props.label}</Label> : null}
      <Input
        placeholder={props.placeholder}
        spellCheck={props.spellCheck ?? false}
        autoComplete={props.autoComplete ?? 'off'}
      />
      {props.description && message === undefined ? (
        <Text slot="description">{props.description}</Text>
      ) : null}
      <FieldError>{message}</FieldError>
    </TextField>
  );
}

export function NumberInput(
  props: Common & { value: number | null; onChange: (value: number | null) => void },
) {
  const message = messageOf(props.messages, props.field);
  return (
    <NumberField
      className={['react-aria-NumberField', props.className].filter(Boolean).join(' ')}
      name={props.field}
      value={props.value ?? Number.NaN}
      onChange={(value) => props.onChange(Number.isNaN(value) ? null : value)}
      isInvalid={message !== undefined}
      isRequired={props.isRequired}
      aria-label={props.ariaLabel}
      formatOptions={{ useGrouping: false, maximumFractionDigits: 0 }}
    >
      {props.label ? <Label>{props.label}</Label> : null}
      <Group className="sf-number">
        <Input placeholder={props.placeholder} />
      </Group>
      {props.description && message === undefined ? (
        <Text slot="description">{props.description}</Text>
      ) : null}
      <FieldError>{message}</FieldError>
    </NumberField>
  );
}
