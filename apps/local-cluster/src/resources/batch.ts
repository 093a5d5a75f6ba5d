import { dns1123SubdomainErrors } from '@cite/model';
import { asArray, asObject, isJsonObject, jsonEqual, type JsonObject, type KubeObject } from '../api-types';
import { fieldError, type FieldError } from '../errors';
import { fromLabelSelectorObject, matchesLabels } from '../selectors/label-selector';
import { validateLabelSelector } from '../validation/label-selector';
import { validateLabels } from '../validation/object-meta';
import { validatePodSpec } from '../validation/pod-spec';
import { ageColumn, column, humanDuration, nameColumn, since } from './columns';
import { cronParseError, timeZoneError } from './cron-schedule';
import { defineResource, strategy } from './define';
import { CRONJOB_ZERO_FIELDS, JOB_ZERO_FIELDS, zeroValueNormalizer } from './omit-zero';
import { containerField, defaultTemplate, selectorText } from './workloads';

/**
 * batch/v1 Jobs and CronJobs: stored, defaulted and validated as kube-apiserver does (pkg/apis/batch). No
 * controller acts on them: a Job runs no pods and a CronJob creates no Jobs.
 */

const JOB_RESTART_POLICIES = ['OnFailure', 'Never'];
const CONCURRENCY_POLICIES = ['Allow', 'Forbid', 'Replace'];
const COMPLETION_MODES = ['NonIndexed', 'Indexed'];
const POD_REPLACEMENT_POLICIES = ['TerminatingOrFailed', 'Failed'];
const CONTROLLER_UID = 'batch.kubernetes.io/controller-uid';
const JOB_NAME = 'batch.kubernetes.io/job-name';
const LEGACY_CONTROLLER_UID = 'controller-uid';
const LEGACY_JOB_NAME = 'job-name';
/** The CronJob controller appends `-<11 characters>` to name its Jobs, which are DNS-1035 labels (63). */
const CRONJOB_NAME_MAX = 52;

function nonNegative(value: unknown, path: string): FieldError[] {
  if (value === undefined || value === null) return [];
  return typeof value === 'number' && Number.isInteger(value) && value >= 0
    ? []
    : [fieldError.invalid(path, value, 'must be greater than or equal to 0')];
}

/** Go's `%v` of a map[string]string, as kube prints mismatched template labels. */
function goMap(labels: JsonObject): string {
  const entries = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
  return `map[string]string{${entries.map(([key, value]) => `"${key}":"${String(value)}"`).join(', ')}}`;
}

/** validateJobSpec: counts, modes, the pod template, and restartPolicy OnFailure or Never. */
function validateJobSpec(spec: JsonObject, path: string): FieldError[] {
  const errors: FieldError[] = [];
  for (const key of [
    'parallelism',
    'completions',
    'activeDeadlineSeconds',
    'backoffLimit',
    'ttlSecondsAfterFinished',
  ])
    errors.push(...nonNegative(spec[key], `${path}.${key}`));
  const mode = spec.completionMode;
  if (mode !== undefined && mode !== null) {
    if (!COMPLETION_MODES.includes(String(mode)))
      errors.push(fieldError.notSupported(`${path}.completionMode`, mode, COMPLETION_MODES));
    if (mode === 'Indexed' && (spec.completions === undefined || spec.completions === null))
      errors.push(fieldError.required(`${path}.completions`, 'when completion mode is Indexed'));
  }
  const replacement = spec.podReplacementPolicy;
  if (
    replacement !== undefined &&
    replacement !== null &&
    !POD_REPLACEMENT_POLICIES.includes(String(replacement))
  )
    errors.push(
      fieldError.notSupported(`${path}.podReplacementPolicy`, replacement, POD_REPLACEMENT_POLICIES),
    );
  const template = asObject(spec.template);
  errors.push(...validateLabels(asObject(template.metadata).labels, `${path}.template.metadata.labels`));
  errors.push(...validatePodSpec(template.spec, `${path}.template.spec`));
  const restartPolicy = asObject(template.spec).restartPolicy;
  if (!JOB_RESTART_POLICIES.includes(String(restartPolicy)))
    errors.push(
      fieldError.notSupported(
        `${path}.template.spec.restartPolicy`,
        restartPolicy ?? '',
        JOB_RESTART_POLICIES,
      ),
    );
  return errors;
}

/** ValidateJob: the spec, a selector that the template's labels match, and (generated) the job's own labels. */
function validateJob(job: KubeObject): FieldError[] {
  const spec = asObject(job.spec);
  const errors = validateJobSpec(spec, 'spec');
  const labels = asObject(asObject(asObject(spec.template).metadata).labels);
  if (spec.selector === undefined || spec.selector === null)
    errors.push(fieldError.required('spec.selector'));
  else {
    errors.push(...validateLabelSelector(spec.selector, 'spec.selector'));
    if (!matchesLabels(fromLabelSelectorObject(spec.selector), labels as Record<string, string>))
      errors.push({
        ...fieldError.invalid(
          'spec.template.metadata.labels',
          labels,
          '`selector` does not match template `labels`',
        ),
        shownAs: goMap(labels),
      });
  }
  if (spec.manualSelector !== true) {
    const uid = job.metadata.uid ?? '';
    for (const [key, expected] of [
      [LEGACY_CONTROLLER_UID, uid],
      [LEGACY_JOB_NAME, job.metadata.name ?? ''],
    ] as const) {
      const at = `spec.template.metadata.labels[${key}]`;
      if (labels[key] === undefined) errors.push(fieldError.required(at, expected));
      else if (labels[key] !== expected)
        errors.push({
          ...fieldError.invalid(at, labels, `must be '${expected}'`),
          shownAs: goMap(labels),
        });
    }
  }
  return errors;
}

/** ValidateJobSpecUpdate: selector, completion mode and (mostly) the template and completions are fixed. */
function validateJobUpdate(job: KubeObject, previous: KubeObject): FieldError[] {
  const errors = validateJob(job);
  const spec = asObject(job.spec);
  const before = asObject(previous.spec);
  for (const key of ['selector', 'completionMode', 'completions', 'template'])
    if (!jsonEqual(spec[key] ?? null, before[key] ?? null))
      errors.push(fieldError.invalid(`spec.${key}`, spec[key] ?? null, 'field is immutable'));
  return errors;
}

/** SetDefaults_Job, and the pod template's defaults (restartPolicy Always, which a Job then refuses). */
function defaultJob(job: KubeObject): void {
  const spec = asObject(job.spec);
  job.spec = spec;
  const unset = (key: string) => spec[key] === undefined || spec[key] === null;
  if (unset('completions') && unset('parallelism')) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  if (unset('parallelism')) spec.parallelism = 1;
  if (unset('backoffLimit')) spec.backoffLimit = unset('backoffLimitPerIndex') ? 6 : 2147483647;
  if (unset('completionMode')) spec.completionMode = 'NonIndexed';
  if (unset('suspend')) spec.suspend = false;
  if (unset('podReplacementPolicy'))
    spec.podReplacementPolicy = unset('podFailurePolicy') ? 'TerminatingOrFailed' : 'Failed';
  defaultTemplate(spec);
}

/**
 * The Job strategy's selector generation (kube does it in Validate, once the uid is known): the template gets
 * `batch.kubernetes.io/controller-uid` and `job-name` labels (and their legacy twins), the selector the
 * controller-uid one. A Job without labels takes its template's, as SetDefaults_Job shares that map in Go.
 */
function generateSelector(job: KubeObject): void {
  const spec = asObject(job.spec);
  if (spec.manualSelector === true) return;
  const template = asObject(spec.template);
  spec.template = template;
  const meta = asObject(template.metadata);
  template.metadata = meta;
  const hadLabels = isJsonObject(meta.labels);
  const labels = asObject(meta.labels);
  meta.labels = labels;
  const name = job.metadata.name ?? '';
  const uid = job.metadata.uid ?? '';
  for (const key of [LEGACY_JOB_NAME, JOB_NAME]) labels[key] ??= name;
  for (const key of [LEGACY_CONTROLLER_UID, CONTROLLER_UID]) labels[key] ??= uid;
  if (hadLabels && Object.keys(job.metadata.labels ?? {}).length === 0)
    job.metadata.labels = { ...(labels as Record<string, string>) };
  const selector = asObject(spec.selector);
  spec.selector = selector;
  const matchLabels = asObject(selector.matchLabels);
  selector.matchLabels = matchLabels;
  matchLabels[CONTROLLER_UID] ??= uid;
}

function hasCondition(job: KubeObject, type: string): boolean {
  return asArray(asObject(job.status).conditions).some(
    (condition) => asObject(condition).type === type && asObject(condition).status === 'True',
  );
}

/** kube's printJob STATUS column. */
function jobStatus(job: KubeObject): string {
  if (hasCondition(job, 'Complete')) return 'Complete';
  if (hasCondition(job, 'Failed')) return 'Failed';
  if (job.metadata.deletionTimestamp) return 'Terminating';
  if (hasCondition(job, 'Suspended')) return 'Suspended';
  if (hasCondition(job, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

function completions(job: KubeObject): string {
  const spec = asObject(job.spec);
  const succeeded = Number(asObject(job.status).succeeded ?? 0);
  if (typeof spec.completions === 'number') return `${succeeded}/${spec.completions}`;
  const parallelism = Number(spec.parallelism ?? 0);
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function jobDuration(job: KubeObject, now: Date): string {
  const status = asObject(job.status);
  if (typeof status.startTime !== 'string') return '';
  const end = typeof status.completionTime === 'string' ? Date.parse(status.completionTime) : now.getTime();
  return humanDuration(end - Date.parse(status.startTime));
}

/** batch/v1 jobs: stored only (no pods are run, so status stays as written). */
export const jobs = defineResource({
  group: 'batch',
  version: 'v1',
  resource: 'jobs',
  kind: 'Job',
  namespaced: true,
  categories: ['all'],
  subresources: ['status'],
  columns: [
    nameColumn,
    column('Status', jobStatus),
    column('Completions', completions),
    column('Duration', jobDuration),
    ageColumn,
    column('Containers', (job) => containerField(job, 'name'), 'string', 1),
    column('Images', (job) => containerField(job, 'image'), 'string', 1),
    column('Selector', selectorText, 'string', 1),
  ],
  strategy: strategy({
    statusSubresource: true,
    tracksGeneration: true,
    normalizeZeroValues: zeroValueNormalizer(JOB_ZERO_FIELDS),
    prepareForCreate(job) {
      defaultJob(job);
      job.status = {};
    },
    admitCreate: generateSelector,
    prepareForUpdate: defaultJob,
    validate: validateJob,
    validateUpdate: validateJobUpdate,
  }),
});

function jobTemplateSpec(cronJob: KubeObject): JsonObject {
  return asObject(asObject(asObject(cronJob.spec).jobTemplate).spec);
}

/** validateCronJobSpec: schedule, time zone, concurrency policy, history limits and the job template. */
function validateCronJobSpec(cronJob: KubeObject, previous?: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  const spec = asObject(cronJob.spec);
  const before = previous ? asObject(previous.spec) : undefined;
  const schedule = typeof spec.schedule === 'string' ? spec.schedule : '';
  if (!schedule) errors.push(fieldError.required('spec.schedule'));
  else {
    const parseError = cronParseError(schedule);
    if (parseError) errors.push(fieldError.invalid('spec.schedule', schedule, parseError));
    const allowTz = typeof before?.schedule === 'string' && before.schedule.includes('TZ');
    if (allowTz && schedule.includes('TZ') && typeof spec.timeZone === 'string')
      errors.push(
        fieldError.invalid(
          'spec.schedule',
          schedule,
          'cannot use both timeZone field and TZ or CRON_TZ in schedule',
        ),
      );
    else if (!allowTz && schedule.includes('TZ'))
      errors.push(
        fieldError.invalid(
          'spec.schedule',
          schedule,
          'cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
        ),
      );
  }
  errors.push(...nonNegative(spec.startingDeadlineSeconds, 'spec.startingDeadlineSeconds'));
  if (typeof spec.timeZone === 'string' && (!before || before.timeZone !== spec.timeZone)) {
    const zoneError = timeZoneError(spec.timeZone);
    if (zoneError) errors.push(fieldError.invalid('spec.timeZone', spec.timeZone, zoneError));
  }
  const policy = spec.concurrencyPolicy;
  if (!policy) errors.push(fieldError.required('spec.concurrencyPolicy'));
  else if (!CONCURRENCY_POLICIES.includes(String(policy)))
    errors.push(fieldError.notSupported('spec.concurrencyPolicy', policy, CONCURRENCY_POLICIES));
  const jobSpec = jobTemplateSpec(cronJob);
  errors.push(
    ...validateLabels(
      asObject(asObject(spec.jobTemplate).metadata).labels,
      'spec.jobTemplate.metadata.labels',
    ),
  );
  errors.push(...validateJobSpec(jobSpec, 'spec.jobTemplate.spec'));
  if (jobSpec.selector !== undefined && jobSpec.selector !== null)
    errors.push(
      fieldError.invalid(
        'spec.jobTemplate.spec.selector',
        jobSpec.selector,
        '`selector` will be auto-generated',
      ),
    );
  if (jobSpec.manualSelector === true)
    errors.push(fieldError.notSupported('spec.jobTemplate.spec.manualSelector', true, ['nil', 'false']));
  errors.push(...nonNegative(spec.successfulJobsHistoryLimit, 'spec.successfulJobsHistoryLimit'));
  errors.push(...nonNegative(spec.failedJobsHistoryLimit, 'spec.failedJobsHistoryLimit'));
  return errors;
}

/** ValidateCronJobCreate: the spec, and a name short enough for the Jobs the controller would name after it. */
function validateCronJob(cronJob: KubeObject): FieldError[] {
  const errors = validateCronJobSpec(cronJob);
  const name = cronJob.metadata.name ?? '';
  if (name.length > CRONJOB_NAME_MAX)
    errors.push(
      fieldError.invalid('metadata.name', name, `must be no more than ${CRONJOB_NAME_MAX} characters`),
    );
  return errors;
}

/** SetDefaults_CronJob, and the pod defaults inside the job template. */
function defaultCronJob(cronJob: KubeObject): void {
  const spec = asObject(cronJob.spec);
  cronJob.spec = spec;
  spec.concurrencyPolicy ||= 'Allow';
  spec.suspend ??= false;
  spec.successfulJobsHistoryLimit ??= 3;
  spec.failedJobsHistoryLimit ??= 1;
  const jobTemplate = asObject(spec.jobTemplate);
  spec.jobTemplate = jobTemplate;
  const jobSpec = asObject(jobTemplate.spec);
  jobTemplate.spec = jobSpec;
  defaultTemplate(jobSpec);
}

/** batch/v1 cronjobs: stored only (no controller creates their Jobs). */
export const cronJobs = defineResource({
  group: 'batch',
  version: 'v1',
  resource: 'cronjobs',
  kind: 'CronJob',
  namespaced: true,
  shortNames: ['cj'],
  categories: ['all'],
  subresources: ['status'],
  columns: [
    nameColumn,
    column('Schedule', (cronJob) => asObject(cronJob.spec).schedule ?? ''),
    column('Timezone', (cronJob) => asObject(cronJob.spec).timeZone ?? '<none>'),
    column(
      'Suspend',
      (cronJob) => {
        const suspend = asObject(cronJob.spec).suspend;
        return typeof suspend === 'boolean' ? (suspend ? 'True' : 'False') : '<unset>';
      },
      'boolean',
    ),
    column('Active', (cronJob) => asArray(asObject(cronJob.status).active).length, 'integer'),
    column('Last Schedule', (cronJob, now) => {
      const last = asObject(cronJob.status).lastScheduleTime;
      return typeof last === 'string' ? since(last, now) : '<none>';
    }),
    ageColumn,
    column(
      'Containers',
      (cronJob) => containerField({ metadata: {}, spec: jobTemplateSpec(cronJob) }, 'name'),
      'string',
      1,
    ),
    column(
      'Images',
      (cronJob) => containerField({ metadata: {}, spec: jobTemplateSpec(cronJob) }, 'image'),
      'string',
      1,
    ),
    column(
      'Selector',
      (cronJob) => selectorText({ metadata: {}, spec: jobTemplateSpec(cronJob) }),
      'string',
      1,
    ),
  ],
  strategy: strategy({
    statusSubresource: true,
    tracksGeneration: true,
    nameErrors: dns1123SubdomainErrors,
    normalizeZeroValues: zeroValueNormalizer(CRONJOB_ZERO_FIELDS),
    prepareForCreate(cronJob) {
      defaultCronJob(cronJob);
      cronJob.status = {};
    },
    prepareForUpdate: defaultCronJob,
    validate: validateCronJob,
    validateUpdate: (cronJob, previous) => validateCronJobSpec(cronJob, previous),
  }),
});
