/**
 * Who is signed in: the token (session storage only, never a URL), the API's answer to `whoami`, and the team the
 * pages show (members with several teams switch; admins see all teams or pick one). A 401 from any call ends the
 * session and returns to sign-in with the API's message.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { api, ApiError, onUnauthenticated, session } from './api';

export interface WhoAmI {
  actor: string;
  name: string;
  role: 'admin' | 'member';
  teams: string[];
  tokenId?: string;
}

interface SessionValue {
  me: WhoAmI;
  isAdmin: boolean;
  /** The team the pages are scoped to; undefined: all of the caller's teams. */
  team: string | undefined;
  setTeam(team: string | undefined): void;
  signOut(message?: string): void;
}

const SessionContext = createContext<SessionValue | undefined>(undefined);

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside <SignedIn>');
  return value;
}

/** Checks a token with the API; resolves with who it is, or rejects with the API's error. */
export function checkToken(token: string): Promise<WhoAmI> {
  return api<WhoAmI>('/whoami', { token });
}

const TEAM_KEY = 'cite.team';

/** Renders `children` for a signed-in session; otherwise sends the browser to sign-in. */
export function SignedIn({ children }: { children: ReactNode }) {
  const navigate = useNavigate();
  const location = useLocation();
  const client = useQueryClient();
  const token = session.token();
  const [team, setTeamState] = useState<string | undefined>(
    () => sessionStorage.getItem(TEAM_KEY) ?? undefined,
  );

  const signOut = useCallback(
    (message?: string) => {
      session.clear();
      sessionStorage.removeItem(TEAM_KEY);
      client.clear();
      navigate('/sign-in', { replace: true, state: { message, from: location.pathname } });
    },
    [client, navigate, location.pathname],
  );

  useEffect(() => onUnauthenticated((message) => signOut(message)), [signOut]);
  useEffect(() => {
    if (!token) navigate('/sign-in', { replace: true, state: { from: location.pathname } });
  }, [token, navigate, location.pathname]);

  const me = useQuery({
    queryKey: ['whoami'],
    queryFn: ({ signal }) => api<WhoAmI>('/whoami', { signal }),
    enabled: Boolean(token),
    staleTime: 60_000,
  });

  const setTeam = useCallback((next: string | undefined) => {
    if (next) sessionStorage.setItem(TEAM_KEY, next);
    else sessionStorage.removeItem(TEAM_KEY);
    setTeamState(next);
  }, []);

  const value = useMemo<SessionValue | undefined>(() => {
    if (!me.data) return undefined;
    const known = me.data.role === 'admin' || (team !== undefined && me.data.teams.includes(team));
    return {
      me: me.data,
      isAdmin: me.data.role === 'admin',
      team: known ? team : me.data.teams.length === 1 ? me.data.teams[0] : undefined,
      setTeam,
      signOut,
    };
  }, [me.data, team, setTeam, signOut]);

  if (!token) return null;
  if (me.error && !(me.error instanceof ApiError && me.error.status === 401))
    return (
      <main className="centered">
        <p role="alert">The API did not answer: {me.error.message}</p>
      </main>
    );
  if (!value)
    return (
      <main className="centered" aria-busy="true">
        <p>Signing in…</p>
      </main>
    );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
