/**
 * Name rules as Kubernetes states them (k8s.io/apimachinery/pkg/util/validation). Each `…Errors` function
 * returns Kubernetes' own messages, empty when the value is valid; each `is…` is its boolean form.
 */

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1035_LABEL_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?';
const WILDCARD_DNS1123_SUBDOMAIN_FMT = `\\*\\.${DNS1123_SUBDOMAIN_FMT}`;
const ENV_VAR_NAME_FMT = '[-._a-zA-Z][-._a-zA-Z0-9]*';
const QUALIFIED_NAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_VALUE_FMT = `(${QUALIFIED_NAME_FMT})?`;

const anchored = (fmt: string): RegExp => new RegExp(`^${fmt}$`);
const DNS1123_LABEL = anchored(DNS1123_LABEL_FMT);
const DNS1123_SUBDOMAIN = anchored(DNS1123_SUBDOMAIN_FMT);
const DNS1035_LABEL = anchored(DNS1035_LABEL_FMT);
const WILDCARD_DNS1123_SUBDOMAIN = anchored(WILDCARD_DNS1123_SUBDOMAIN_FMT);
const ENV_VAR_NAME = anchored(ENV_VAR_NAME_FMT);
const QUALIFIED_NAME = anchored(QUALIFIED_NAME_FMT);
const LABEL_VALUE = anchored(LABEL_VALUE_FMT);
const IPV4_LIKE = /^[0-9]+(\.[0-9]+){3}$/;

export const DNS1123_LABEL_MAX_LENGTH = 63;
export const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;
export const DNS1035_LABEL_MAX_LENGTH = 63;
export const LABEL_VALUE_MAX_LENGTH = 63;
export const QUALIFIED_NAME_MAX_LENGTH = 63;

/** Kubernetes' `RegexError`: the message, examples and the pattern used. */
function regexError(message: string, fmt: string, ...examples: string[]): string {
  const shown = examples.map((example) => `'${example}'`).join(', or ');
  return `${message} (e.g. ${shown}, regex used for validation is '${fmt}')`;
}

export const maxLengthError = (length: number): string => `must be no more than ${length} characters`;
const EMPTY_ERROR = 'must be non-empty';

export function dns1123LabelErrors(value: string): string[] {
  const errors: string[] = [];
  if (value.length > DNS1123_LABEL_MAX_LENGTH) errors.push(maxLengthError(DNS1123_LABEL_MAX_LENGTH));
  if (!DNS1123_LABEL.test(value)) {
    errors.push(
      regexError(
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
        DNS1123_LABEL_FMT,
        'my-name',
        '123-abc',
      ),
    );
  }
  return errors;
}

const DNS1123_SUBDOMAIN_REGEX_ERROR = regexError(
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
  DNS1123_SUBDOMAIN_FMT,
  'example.com',
);

export function dns1123SubdomainErrors(value: string): string[] {
  const errors: string[] = [];
  if (value.length > DNS1123_SUBDOMAIN_MAX_LENGTH) errors.push(maxLengthError(DNS1123_SUBDOMAIN_MAX_LENGTH));
  if (!DNS1123_SUBDOMAIN.test(value)) errors.push(DNS1123_SUBDOMAIN_REGEX_ERROR);
  return errors;
}

export function dns1035LabelErrors(value: string): string[] {
  const errors: string[] = [];
  if (value.length > DNS1035_LABEL_MAX_LENGTH) errors.push(maxLengthError(DNS1035_LABEL_MAX_LENGTH));
  if (!DNS1035_LABEL.test(value)) {
    errors.push(
      regexError(
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
        DNS1035_LABEL_FMT,
        'my-name',
        'abc-123',
      ),
    );
  }
  return errors;
}

/**
 * Kubernetes' `IsEnvVarName` (the strict rule, before 1.30's relaxed validation): `[-._a-zA-Z][-._a-zA-Z0-9]*`
 * and not `.`, `..` or anything starting with `..`.
 */
export function envVarNameErrors(value: string): string[] {
  const errors: string[] = [];
  if (!ENV_VAR_NAME.test(value)) {
    errors.push(
      regexError(
        "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit",
        ENV_VAR_NAME_FMT,
        'my.env-name',
        'MY_ENV.NAME',
        'MyEnvName1',
      ),
    );
  }
  if (value === '.') errors.push("must not be '.'");
  else if (value === '..') errors.push("must not be '..'");
  else if (value.startsWith('..')) errors.push("must not start with '..'");
  return errors;
}

/**
 * A DNS host name as an Ingress accepts it: a lowercase RFC 1123 subdomain of at most 253 characters whose
 * labels are at most 63 characters each, and not an IP address. With `wildcard`, a leading `*.` is allowed
 * (`*.example.com`), as Kubernetes allows on Ingress hosts.
 */
export function hostnameErrors(value: string, options: { wildcard?: boolean } = {}): string[] {
  const isWildcard = value.startsWith('*.');
  if (isWildcard && !options.wildcard) return ["must not be a wildcard ('*.') host"];
  const errors: string[] = [];
  if (value.length > DNS1123_SUBDOMAIN_MAX_LENGTH) errors.push(maxLengthError(DNS1123_SUBDOMAIN_MAX_LENGTH));
  if (isWildcard) {
    if (!WILDCARD_DNS1123_SUBDOMAIN.test(value)) {
      errors.push(
        regexError(
          "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character",
          WILDCARD_DNS1123_SUBDOMAIN_FMT,
          '*.example.com',
        ),
      );
    }
  } else {
    if (!DNS1123_SUBDOMAIN.test(value)) errors.push(DNS1123_SUBDOMAIN_REGEX_ERROR);
  }
  if (value.split('.').some((label) => label.length > DNS1123_LABEL_MAX_LENGTH)) {
    errors.push(`each label ${maxLengthError(DNS1123_LABEL_MAX_LENGTH)}`);
  }
  if (IPV4_LIKE.test(value)) errors.push('must be a DNS name, not an IP address');
  return errors;
}

/** Kubernetes' `IsValidLabelValue`: empty, or at most 63 alphanumerics, `-`, `_`, `.`, alphanumeric at both ends. */
export function labelValueErrors(value: string): string[] {
  const errors: string[] = [];
  if (value.length > LABEL_VALUE_MAX_LENGTH) errors.push(maxLengthError(LABEL_VALUE_MAX_LENGTH));
  if (!LABEL_VALUE.test(value)) {
    errors.push(
      regexError(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        LABEL_VALUE_FMT,
        'MyValue',
        'my_value',
        '12345',
      ),
    );
  }
  return errors;
}

const QUALIFIED_NAME_MESSAGE =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/**
 * Kubernetes' `IsQualifiedName`, the rule for label keys: a name of at most 63 characters, optionally
 * prefixed by a DNS-1123 subdomain and `/` (`app.kubernetes.io/name`).
 */
export function labelKeyErrors(value: string): string[] {
  const errors: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = value;
  } else if (parts.length === 2) {
    const [prefix = '', rest = ''] = parts;
    name = rest;
    if (prefix.length === 0) errors.push(`prefix part ${EMPTY_ERROR}`);
    else errors.push(...dns1123SubdomainErrors(prefix).map((error) => `prefix part ${error}`));
  } else {
    return [
      `a qualified name ${regexError(QUALIFIED_NAME_MESSAGE, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) errors.push(`name part ${EMPTY_ERROR}`);
  else if (name.length > QUALIFIED_NAME_MAX_LENGTH)
    errors.push(`name part ${maxLengthError(QUALIFIED_NAME_MAX_LENGTH)}`);
  if (!QUALIFIED_NAME.test(name)) {
    errors.push(
      `name part ${regexError(QUALIFIED_NAME_MESSAGE, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')}`,
    );
  }
  return errors;
}

/** Kubernetes' `IsValidPortNum`. */
export function portErrors(value: number): string[] {
  return Number.isInteger(value) && value >= 1 && value <= 65535
    ? []
    : ['must be between 1 and 65535, inclusive'];
}

export const isDns1123Label = (value: string): boolean => dns1123LabelErrors(value).length === 0;
export const isDns1123Subdomain = (value: string): boolean => dns1123SubdomainErrors(value).length === 0;
export const isDns1035Label = (value: string): boolean => dns1035LabelErrors(value).length === 0;
export const isEnvVarName = (value: string): boolean => envVarNameErrors(value).length === 0;
export const isHostname = (value: string, options: { wildcard?: boolean } = {}): boolean =>
  hostnameErrors(value, options).length === 0;
export const isLabelKey = (value: string): boolean => labelKeyErrors(value).length === 0;
export const isLabelValue = (value: string): boolean => labelValueErrors(value).length === 0;
export const isValidPort = (value: number): boolean => portErrors(value).length === 0;
