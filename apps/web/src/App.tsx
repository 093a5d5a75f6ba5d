/** Routes and the frame around every signed-in page; each page is its own chunk, loaded when first shown. */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import { BrowserRouter, NavLink, Navigate, Route, Routes } from 'react-router';
import { Button, Label, ListBox, ListBoxItem, Popover, Select, SelectValue } from 'react-aria-components';
import { ApiError } from './api';
import { SignedIn, useSession } from './session';
import { SignIn } from './pages/SignIn';
// The landing page comes with the first download.
import Services from './pages/Services';

// The other pages load when first shown.
const CreateService = lazy(() => import('./pages/CreateService'));
const ServicePage = lazy(() => import('./pages/ServicePage'));
const Network = lazy(() => import('./pages/Network'));
const Operations = lazy(() => import('./pages/Operations'));

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // A 4xx will not get better by asking again; a 503 or a dropped connection may.
        retry: (failures, error) =>
          failures < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
        refetchOnWindowFocus: false,
      },
    },
  });
}

function TeamSwitcher() {
  const { me, isAdmin, team, setTeam } = useSession();
  // Admins act for every team: they pick one on a page (the services filter), and can go back to all here.
  const choices = isAdmin ? (team ? [team] : []) : me.teams;
  if (isAdmin && !team) return null;
  if (!isAdmin && choices.length < 2) return team ? <span className="team-badge">team {team}</span> : null;
  const all = '\u0000all';
  return (
    <Select
      className="team-switcher"
      selectedKey={team ?? all}
      onSelectionChange={(key) => setTeam(key === all ? undefined : String(key))}
    >
      <Label>Team</Label>
      <Button>
        <SelectValue />
        <span aria-hidden="true">▾</span>
      </Button>
      <Popover>
        <ListBox>
          <ListBoxItem id={all}>{isAdmin ? 'All teams' : 'All my teams'}</ListBoxItem>
          {choices.map((name) => (
            <ListBoxItem key={name} id={name}>
              {name}
            </ListBoxItem>
          ))}
        </ListBox>
      </Popover>
    </Select>
  );
}

function Frame({ children }: { children: React.ReactNode }) {
  const { me, isAdmin, signOut } = useSession();
  return (
    <div className="frame">
      <header className="top">
        <a className="brand" href="/">
          cite
        </a>
        <nav aria-label="Main">
          <NavLink to="/services">Services</NavLink>
          <NavLink to="/network">Network</NavLink>
          {isAdmin ? <NavLink to="/operations">Operations</NavLink> : null}
        </nav>
        <div className="who">
          <TeamSwitcher />
          <span className="me" title={me.actor}>
            {me.name}
            {isAdmin ? ' (admin)' : ''}
          </span>
          <Button className="quiet" onPress={() => signOut()}>
            Sign out
          </Button>
        </div>
      </header>
      <main className="page">
        <Suspense fallback={<p aria-busy="true">Loading…</p>}>{children}</Suspense>
      </main>
    </div>
  );
}

function Signed({ children }: { children: React.ReactNode }) {
  return (
    <SignedIn>
      <Frame>{children}</Frame>
    </SignedIn>
  );
}

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/sign-in" element={<SignIn />} />
      <Route path="/" element={<Navigate to="/services" replace />} />
      <Route
        path="/services"
        element={
          <Signed>
            <Services />
          </Signed>
        }
      />
      <Route
        path="/services/new"
        element={
          <Signed>
            <CreateService />
          </Signed>
        }
      />
      <Route
        path="/services/:name"
        element={
          <Signed>
            <ServicePage />
          </Signed>
        }
      />
      <Route
        path="/network"
        element={
          <Signed>
            <Network />
          </Signed>
        }
      />
      <Route
        path="/operations"
        element={
          <Signed>
            <Operations />
          </Signed>
        }
      />
      <Route
        path="*"
        element={
          <Signed>
            <p role="alert">No such page.</p>
          </Signed>
        }
      />
    </Routes>
  );
}

export function App({ client = makeQueryClient() }: { client?: QueryClient }) {
  return (
    <QueryClientProvider client={client}>
      <BrowserRouter>
        <AppRoutes />
      </BrowserRouter>
    </QueryClientProvider>
  );
}
