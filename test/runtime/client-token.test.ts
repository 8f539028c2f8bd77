/**
 * The ClientToken of a checkpoint call, derived from the CheckpointToken it consumes
 * (runtime/invocation/client-token.ts). The calls of real executions are checked in
 * wire-identity.test.ts.
 */
import { createHash } from 'node:crypto';
import { CLIENT_TOKEN_LENGTH, clientTokenFor } from '../../runtime/invocation/client-token';

/** The service's constraint on ClientToken (protocol.md §2.1). */
const CLIENT_TOKEN_SHAPE = /^[\x21-\x7E]{1,64}$/;

describe('clientTokenFor', () => {
  it('is the first 12 base64url characters of the SHA-256 of the checkpoint token', () => {
    const token = Buffer.from('ct1:exec:1:1:nonce').toString('base64');
    expect(clientTokenFor(token)).toBe(createHash('sha256').update(token).digest('base64url').slice(0, 12));
    expect(CLIENT_TOKEN_LENGTH).toBe(12);
  });

  it('is deterministic: the same checkpoint token always gives the same ClientToken', () => {
    const token = 'Y3QxOmFiYzoxOjE6ZGVm';
    expect(clientTokenFor(token)).toBe(clientTokenFor(`${token}`));
  });

  it('differs for different checkpoint tokens, also ones a single character apart', () => {
    const tokens = Array.from({ length: 5000 }, (_, i) => Buffer.from(`ct1:exec:${i % 7}:${i}:n`).toString('base64'));
    tokens.push('QUFBQQ==', 'QUFBQg==', 'QUFBQR==');
    expect(new Set(tokens.map(clientTokenFor)).size).toBe(tokens.length);
  });

  it('has the shape the service accepts for every kind of checkpoint token', () => {
    for (const token of ['A', 'QUFB', 'a+b/c=', 'x'.repeat(2048), Buffer.from('ct1:' + 'z'.repeat(500)).toString('base64')]) {
      const clientToken = clientTokenFor(token);
      expect(clientToken).toMatch(CLIENT_TOKEN_SHAPE);
      expect(clientToken).toMatch(/^[A-Za-z0-9_-]{12}$/);
    }
  });
});
