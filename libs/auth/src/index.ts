export {
  generateToken,
  hashToken,
  secretMatchesHash,
  secretsEqual,
  TOKEN_ID_LENGTH,
  TOKEN_PREFIX,
  tokenIdOf,
  type RandomBytes,
} from './token-secret';
export { BOOTSTRAP_ADMIN, principalOfToken, type Principal } from './principal';
export { authorize, visibleTeams, type AccessRequest, type Decision } from './authorize';
export {
  planToken,
  TokenCreateSchema,
  tokenView,
  TokenViewSchema,
  type PlannedToken,
  type TokenCreate,
  type TokenView,
} from './tokens';
export {
  authenticate,
  AUTHORIZATION_PATH,
  BearerAuthenticationError,
  wwwAuthenticate,
  type AuthenticateOptions,
  type BearerError,
} from './authenticate';
