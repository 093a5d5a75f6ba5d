import { generateToken, hashToken, secretMatchesHash, secretsEqual, tokenIdOf } from './token-secret';

describe('token secrets', () => {
  it('are cite_<id>_<43 base64url characters>, and carry their record id', () => {
    const { id, secret } = generateToken();
    expect(secret).toMatch(/^cite_[a-z0-9]{20}_[A-Za-z0-9_-]{43}$/);
    expect(tokenIdOf(secret)).toBe(id);
    expect(generateToken().secret).not.toBe(secret);
  });

  it('are deterministic for injected randomness', () => {
    const random = (size: number) => Buffer.alloc(size, 7);
    expect(generateToken(random)).toEqual(generateToken(random));
    expect(generateToken(random).id).toBe('h'.repeat(20));
  });

  it('skips biased bytes so every id symbol is equally likely', () => {
    let call = 0;
    const random = (size: number) => Buffer.alloc(size, call++ === 0 ? 255 : 1);
    expect(generateToken(random).id).toBe('b'.repeat(20));
  });

  it.each([
    ['', null],
    ['cite_', null],
    [`cite_${'a'.repeat(20)}_${'b'.repeat(42)}`, null],
    [`cite_${'A'.repeat(20)}_${'b'.repeat(43)}`, null],
    [`xite_${'a'.repeat(20)}_${'b'.repeat(43)}`, null],
    [`cite_${'a'.repeat(20)}_${'b'.repeat(43)}`, 'a'.repeat(20)],
  ])('tokenIdOf(%j) is %j', (secret, id) => {
    expect(tokenIdOf(secret)).toBe(id);
  });

  it('are checked against their SHA-256 hash', () => {
    const { secret } = generateToken();
    const hash = hashToken(secret);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(secretMatchesHash(secret, hash)).toBe(true);
    expect(secretMatchesHash(`${secret}x`, hash)).toBe(false);
    expect(secretMatchesHash(secret, 'abc')).toBe(false);
  });

  it.each([
    ['same', 'same', true],
    ['same', 'sam', false],
    ['', 'x'.repeat(64), false],
    ['a'.repeat(1000), 'a'.repeat(1000), true],
  ])('secretsEqual(%j, %j) is %j whatever the lengths', (a, b, equal) => {
    expect(secretsEqual(a, b)).toBe(equal);
  });
});
