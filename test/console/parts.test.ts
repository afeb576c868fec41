/**
 * The console's pure parts: who may talk to it (src/console/security.ts), and the two small
 * workflow functions it added: the containers of an endpoint's model and which IAM roles may be
 * grants.
 */
import { describe, expect, it } from 'vitest';
import { COOKIE_NAME, TOKEN_HEADER, checkAccess, newToken, ownHosts, tokenCookie } from '../../src/console/security.js';
import { mayBeGrant } from '../../src/workflow/grant-list.js';
import { containerReports } from '../../src/workflow/pipeline-containers.js';

describe('checkAccess', () => {
  const token = newToken();
  const hosts = ownHosts(8123);
  const get = (url: string, more: { host?: string; cookie?: string; tokenHeader?: string } = {}) =>
    checkAccess({ method: 'GET', url, host: '127.0.0.1:8123', ...more }, token, hosts);

  it('draws a new 256-bit token each time', () => {
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newToken()).not.toBe(token);
  });

  it('lets the token in by URL (once: then the cookie), cookie or header', () => {
    expect(get(`/?token=${token}`)).toEqual({ ok: true, fromQuery: true });
    expect(get('/api/overview', { cookie: `other=1; ${COOKIE_NAME}=${token}` })).toEqual({
      ok: true,
      fromQuery: false,
    });
    expect(get('/api/overview', { tokenHeader: token })).toEqual({ ok: true, fromQuery: false });
    expect(get('/', { host: `localhost:8123`, cookie: `${COOKIE_NAME}=${token}` })).toMatchObject({ ok: true });
  });

  it('answers 401 without a token and 403 with a wrong one', () => {
    expect(get('/')).toMatchObject({ ok: false, status: 401 });
    expect(get(`/?token=${token.slice(1)}`)).toMatchObject({ ok: false, status: 403 });
    expect(get('/', { cookie: `${COOKIE_NAME}=${token}x` })).toMatchObject({ ok: false, status: 403 });
  });

  it("refuses any Host but the console's own, token or not (DNS rebinding)", () => {
    for (const host of ['evil.example:8123', '127.0.0.1:8124', '127.0.0.1', '[::1]:8123', undefined])
      expect(get(`/?token=${token}`, { host })).toMatchObject({ ok: false, status: 403 });
  });

  it('takes an action only with the token in its header, never from a cookie or the URL alone', () => {
    const post = (more: { cookie?: string; tokenHeader?: string }, url = '/api/invoke') =>
      checkAccess({ method: 'POST', url, host: '127.0.0.1:8123', ...more }, token, hosts);
    expect(post({ tokenHeader: token })).toEqual({ ok: true, fromQuery: false });
    expect(post({ cookie: `${COOKIE_NAME}=${token}` })).toMatchObject({ ok: false, status: 401 });
    expect(post({}, `/api/invoke?token=${token}`)).toMatchObject({ ok: false, status: 401 });
    expect(post({ tokenHeader: 'nope' })).toMatchObject({ ok: false, status: 403 });
    expect(
      checkAccess({ method: 'PUT', url: '/', host: '127.0.0.1:8123', tokenHeader: token }, token, hosts),
    ).toMatchObject({ ok: false, status: 405 });
  });

  it('keeps the cookie from script and from other sites', () => {
    expect(tokenCookie(token)).toBe(`${COOKIE_NAME}=${token}; Path=/; HttpOnly; SameSite=Strict`);
    expect(TOKEN_HEADER).toBe('x-mme-console-token');
  });
});

describe('containerReports', () => {
  it("names each container's algorithm from its image, in pipeline order", () => {
    const containers = containerReports({
      Containers: [
        { Image: '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3' },
        {
          Image: '382416733822.dkr.ecr.us-east-1.amazonaws.com/linear-learner:1',
          Mode: 'MultiModel',
          ModelDataUrl: 's3://b/p/',
        },
      ],
    });
    expect(containers).toEqual([
      {
        image: '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3',
        mode: 'SingleModel',
        algorithm: 'sklearn',
        version: '1.2-1',
      },
      {
        image: '382416733822.dkr.ecr.us-east-1.amazonaws.com/linear-learner:1',
        mode: 'MultiModel',
        modelDataUrl: 's3://b/p/',
        algorithm: 'linear-learner',
        version: '1',
      },
    ]);
  });

  it('reads a single-container model from PrimaryContainer, and leaves an unknown image unnamed', () => {
    expect(containerReports({ PrimaryContainer: { Image: 'example.com/mine:2' } })).toEqual([
      { image: 'example.com/mine:2', mode: 'SingleModel' },
    ]);
    expect(containerReports({})).toEqual([]);
  });
});

describe('mayBeGrant', () => {
  it("takes roles described or named as mme grant's, to confirm by their tag", () => {
    expect(mayBeGrant({ RoleName: 'x', Description: 'mme grant: may invoke NewYork_NY/* on endpoint e' })).toBe(true);
    expect(mayBeGrant({ RoleName: 'mme-invoke-NewYork_NY@e' })).toBe(true);
    expect(mayBeGrant({ RoleName: 'SageMakerRole', Description: 'execution role' })).toBe(false);
  });
});
