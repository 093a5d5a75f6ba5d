/**
 * The Service page's two release actions, each in a modal dialog: deploy an image (`POST …/deploys`, the API's
 * field errors next to the fields) and roll back to a release (`POST …/rollback` with `{ to }`, the API's
 * refusal said in the dialog). Both send an `Idempotency-Key`, kept for a retry of the same request.
 */
import type { Release, Service } from '@cite/model';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type ReactNode } from 'react';
import { useNavigate } from 'react-router';
import {
  Button,
  Dialog,
  FieldError,
  Form,
  Heading,
  Input,
  Label,
  Modal,
  ModalOverlay,
  Text,
  TextField,
} from 'react-aria-components';
import { api, ApiError, type FieldIssue } from '../api';
import { refreshService, servicePath } from './data';
import { deployBody, keyFor, splitFieldErrors } from './decide';
import { imageLabel } from './format';

interface Accepted {
  release: Release;
}

/** The error of a call, said plainly: the API's message, or what went wrong on the way. */
function ErrorNotice({ error, other }: { error: unknown; other?: FieldIssue[] }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  const apiError = error instanceof ApiError ? error : undefined;
  return (
    <div role="alert" className="notice error">
      <p className="dialog-error-message">
        {apiError ? message : `The request did not reach the API: ${message}`}
      </p>
      {other && other.length > 0 ? (
        <ul>
          {other.map((issue) => (
            <li key={`${issue.path}:${issue.message}`}>
              <code>{issue.path}</code>: {issue.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function Shell({
  isOpen,
  onOpenChange,
  title,
  children,
}: {
  isOpen: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  children: ReactNode;
}) {
  return (
    <ModalOverlay className="sp-overlay" isOpen={isOpen} onOpenChange={onOpenChange} isDismissable>
      <Modal className="sp-modal">
        <Dialog className="sp-dialog">
          <Heading slot="title">{title}</Heading>
          {children}
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}

/** Keeps one `Idempotency-Key` per request body until the request succeeds. */
function useIdempotencyKey() {
  const last = useRef<{ body: string; key: string } | undefined>(undefined);
  return {
    for(body: unknown): string {
      last.current = keyFor(last.current, body);
      return last.current.key;
    },
    reset() {
      last.current = undefined;
    },
  };
}

export function DeployDialog({
  service,
  onStarted,
  isDisabled,
}: {
  service: Service;
  onStarted: (release: Release) => void;
  isDisabled?: boolean;
}) {
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const [image, setImage] = useState('');
  const [gitSha, setGitSha] = useState('');
  const key = useIdempotencyKey();

  const deploy = useMutation({
    mutationFn: (body: ReturnType<typeof deployBody>) =>
      api<Accepted>(`${servicePath(service.name)}/deploys`, {
        method: 'POST',
        body,
        headers: { 'Idempotency-Key': key.for(body) },
      }),
    onSuccess: (answer) => {
      key.reset();
      setOpen(false);
      setImage('');
      setGitSha('');
      onStarted(answer.release);
      return refreshService(client, service.name);
    },
  });

  const details = deploy.error instanceof ApiError ? deploy.error.details : [];
  const { byField, other } = splitFieldErrors(details, ['image', 'gitSha']);

  return (
    <>
      <Button
        onPress={() => {
          deploy.reset();
          setOpen(true);
        }}
        isDisabled={isDisabled}
      >
        Deploy…
      </Button>
      <Shell
        isOpen={open}
        onOpenChange={(next) => {
          setOpen(next);
          if (!next) deploy.reset();
        }}
        title={`Deploy ${service.name}`}
      >
        <Form
          validationErrors={byField}
          // ARIA validation: the API's answer marks the fields, and never blocks sending the corrected form the
          // way native validity would.
          validationBehavior="aria"
          onSubmit={(event) => {
            event.preventDefault();
            if (!deploy.isPending) deploy.mutate(deployBody({ image, gitSha }));
          }}
        >
          <ErrorNotice error={deploy.error} other={other} />
          <TextField name="image" isRequired value={image} onChange={setImage}>
            <Label>Image</Label>
            <Input
              className="react-aria-Input mono"
              autoComplete="off"
              spellCheck={false}
              placeholder="1.4.2"
            />
            <Text slot="description">
              A tag (<code>1.4.2</code>) or a digest (<code>sha256:…</code>) of <code>{service.image}</code>,
              or a full image reference with a tag or digest.
            </Text>
            <FieldError />
          </TextField>
          <TextField name="gitSha" value={gitSha} onChange={setGitSha}>
            <Label>Git commit (optional)</Label>
            <Input
              className="react-aria-Input mono"
              autoComplete="off"
              spellCheck={false}
              placeholder="4f2a9c1"
            />
            <Text slot="description">The commit the image was built from, 7–40 hex digits.</Text>
            <FieldError />
          </TextField>
          <div className="dialog-actions">
            <Button className="quiet" onPress={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" isDisabled={deploy.isPending || image.trim() === ''}>
              {deploy.isPending ? 'Deploying…' : 'Deploy'}
            </Button>
          </div>
        </Form>
      </Shell>
    </>
  );
}

export function RollbackDialog({
  service,
  release,
  onStarted,
}: {
  service: Service;
  release: Release;
  onStarted: (release: Release) => void;
}) {
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const key = useIdempotencyKey();

  const rollback = useMutation({
    mutationFn: (body: { to: number }) =>
      api<Accepted>(`${servicePath(service.name)}/rollback`, {
        method: 'POST',
        body,
        headers: { 'Idempotency-Key': key.for(body) },
      }),
    onSuccess: (answer) => {
      key.reset();
      setOpen(false);
      onStarted(answer.release);
      return refreshService(client, service.name);
    },
  });

  return (
    <>
      <Button
        className="quiet"
        aria-label={`Roll back to this: release ${release.number}`}
        onPress={() => {
          rollback.reset();
          setOpen(true);
        }}
      >
        Roll back to this
      </Button>
      <Shell
        isOpen={open}
        onOpenChange={(next) => {
          setOpen(next);
          if (!next) rollback.reset();
        }}
        title={`Roll back ${service.name} to release ${release.number}?`}
      >
        <p>
          A new release runs release {release.number}’s image{' '}
          <code title={release.image}>{imageLabel(release.image)}</code> with its environment, port and health
          check. Replicas, resources and domains stay as they are now.
        </p>
        <ErrorNotice error={rollback.error} />
        <div className="dialog-actions">
          <Button className="quiet" onPress={() => setOpen(false)}>
            Cancel
          </Button>
          <Button
            className="danger"
            isDisabled={rollback.isPending}
            onPress={() => rollback.mutate({ to: release.number })}
          >
            {rollback.isPending ? 'Rolling back…' : `Roll back to release ${release.number}`}
          </Button>
        </div>
      </Shell>
    </>
  );
}

/**
 * A pull request's preview → its parent: a release of the parent running the image (and commit) the preview runs
 * now, through the parent's own deploy call. Then the parent's page, where its progress shows.
 */
export function PromoteDialog({
  service,
  release,
}: {
  service: Service & { preview: NonNullable<Service['preview']> };
  release: Pick<Release, 'number' | 'image' | 'gitSha'>;
}) {
  const client = useQueryClient();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const key = useIdempotencyKey();
  const parent = service.preview.parent;

  const promote = useMutation({
    mutationFn: (body: { image: string; gitSha?: string }) =>
      api<Accepted>(`${servicePath(parent)}/deploys`, {
        method: 'POST',
        body,
        headers: { 'Idempotency-Key': key.for(body) },
      }),
    onSuccess: async () => {
      key.reset();
      setOpen(false);
      await refreshService(client, parent);
      navigate(`/services/${encodeURIComponent(parent)}`);
    },
  });

  return (
    <>
      <Button
        className="quiet"
        onPress={() => {
          promote.reset();
          setOpen(true);
        }}
      >
        Promote…
      </Button>
      <Shell
        isOpen={open}
        onOpenChange={(next) => {
          setOpen(next);
          if (!next) promote.reset();
        }}
        title={`Promote ${service.name} to ${parent}?`}
      >
        <p>
          {parent} gets a new release running this preview’s image{' '}
          <code title={release.image}>{imageLabel(release.image)}</code> (release {release.number}
          {release.gitSha ? (
            <>
              , commit <code>{release.gitSha.slice(0, 7)}</code>
            </>
          ) : null}
          ), with {parent}’s own environment, replicas and domains.
        </p>
        <ErrorNotice error={promote.error} />
        <div className="dialog-actions">
          <Button className="quiet" onPress={() => setOpen(false)}>
            Cancel
          </Button>
          <Button
            isDisabled={promote.isPending}
            onPress={() =>
              promote.mutate({ image: release.image, ...(release.gitSha ? { gitSha: release.gitSha } : {}) })
            }
          >
            {promote.isPending ? 'Promoting…' : `Deploy to ${parent}`}
          </Button>
        </div>
      </Shell>
    </>
  );
}
