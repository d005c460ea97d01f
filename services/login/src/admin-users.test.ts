import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setRole, startLogin, type TestLogin } from '@pupero/test-stack/login';

/** The admin pages' users and roles: admins list and change them; nobody else, and never their own. */
describe('users and roles for admins', () => {
  let svc: TestLogin;
  before(async () => {
    svc = await startLogin();
  });
  after(() => svc.close());

  async function signedUp(name: string) {
    const account = {
      email: `${name}_${process.pid}@example.test`,
      username: `${name}_${process.pid}`,
      password: 'a long enough password',
    };
    const user = (await svc.api('POST', '/register', { body: account })).body;
    const login = async () =>
      (await svc.api('POST', '/login', { body: { identifier: account.username, password: account.password } })).body.accessToken as string;
    return { ...account, id: user.id as number, token: await login(), login };
  }

  it('lists users by name, e-mail or role, and changes a role, ending that user’s tokens at once', async () => {
    const [admin, alice, bob] = [await signedUp('ua'), await signedUp('alice'), await signedUp('bob')];
    await setRole({ prisma: svc.prisma }, admin.username, 'admin');
    const adminToken = await admin.login();

    const byName = await svc.api('GET', `/admin/users?q=alice_`, { token: adminToken });
    assert.equal(byName.status, 200, JSON.stringify(byName.body));
    assert.deepEqual(
      byName.body.items.map((u: { username: string }) => u.username),
      [alice.username],
    );
    assert.equal(byName.body.items[0].email, alice.email);
    assert.equal((await svc.api('GET', `/admin/users?q=${encodeURIComponent(bob.email)}`, { token: adminToken })).body.items[0].id, bob.id);
    const page = await svc.api('GET', '/admin/users?limit=2', { token: adminToken });
    assert.deepEqual(
      page.body.items.map((u: { id: number }) => u.id),
      [bob.id, alice.id],
      'newest first',
    );
    const next = await svc.api('GET', `/admin/users?limit=2&cursor=${page.body.nextCursor}`, { token: adminToken });
    assert.equal(next.body.items[0].id, admin.id);

    const promoted = await svc.api('PUT', `/admin/users/${alice.id}/role`, { token: adminToken, body: { role: 'moderator' } });
    assert.equal(promoted.status, 200, JSON.stringify(promoted.body));
    assert.equal(promoted.body.role, 'moderator');
    assert.equal((await svc.api('GET', '/me', { token: alice.token })).body.code, 'TOKEN_REVOKED', 'her old token ends at once');
    assert.equal((await svc.api('GET', '/me', { token: await alice.login() })).body.role, 'moderator');
    const moderators = await svc.api('GET', '/admin/users?role=moderator', { token: adminToken });
    assert.deepEqual(
      moderators.body.items.map((u: { id: number }) => u.id),
      [alice.id],
    );
    const [audited] = (await svc.db.query(
      "SELECT actor_id AS actorId, JSON_VALUE(details, '$.to') AS role FROM audit_log WHERE user_id = ? AND action = 'ROLE_CHANGED'",
      [alice.id],
    )) as { actorId: number; role: string }[];
    assert.deepEqual({ ...audited }, { actorId: admin.id, role: 'moderator' });

    const same = await svc.api('PUT', `/admin/users/${bob.id}/role`, { token: adminToken, body: { role: 'user' } });
    assert.equal(same.status, 200);
    assert.equal((await svc.api('GET', '/me', { token: bob.token })).status, 200, 'the same role again ends nothing');
  });

  it('refuses everyone but admins, an admin changing their own role, and an unknown user', async () => {
    const [admin, plain] = [await signedUp('ub'), await signedUp('uc')];
    await setRole({ prisma: svc.prisma }, admin.username, 'admin');
    const adminToken = await admin.login();
    assert.equal((await svc.api('GET', '/admin/users', { token: plain.token })).status, 403);
    assert.equal((await svc.api('PUT', `/admin/users/${plain.id}/role`, { token: plain.token, body: { role: 'admin' } })).status, 403);
    assert.equal((await svc.api('GET', '/admin/users')).status, 401);
    const own = await svc.api('PUT', `/admin/users/${admin.id}/role`, { token: adminToken, body: { role: 'user' } });
    assert.equal(own.status, 409);
    assert.match(own.body.message, /another admin/);
    assert.equal((await svc.api('PUT', '/admin/users/999999/role', { token: adminToken, body: { role: 'user' } })).status, 404);
    assert.equal((await svc.api('PUT', `/admin/users/${plain.id}/role`, { token: adminToken, body: { role: 'root' } })).status, 400);
  });
});
