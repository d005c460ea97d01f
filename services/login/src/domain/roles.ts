import { AppError } from '@pupero/shared/errors';
import type { AccessIdentity, Role } from '@pupero/shared/jwt';
import type { LoginDeps } from '../deps.ts';
import { audit } from './audit.ts';
import { bumpTokenVersion } from './sessions.ts';
import { publicUser } from './users.ts';

type UserRow = NonNullable<Awaited<ReturnType<LoginDeps['prisma']['user']['findUnique']>>>;

/** The user's access tokens end at once; the next refresh carries the new role. */
async function applyRole(
  deps: Pick<LoginDeps, 'prisma'>,
  user: UserRow,
  role: Role,
  by: { actorId: number | null; name: string; ip?: string },
) {
  const updated = await deps.prisma.user.update({ where: { id: user.id }, data: { role } });
  await bumpTokenVersion(deps, user.id);
  await audit(deps, 'ROLE_CHANGED', {
    userId: user.id,
    actorId: by.actorId,
    ip: by.ip ?? null,
    details: { from: user.role, to: role, by: by.name },
  });
  return updated;
}

/** Operators' way to make a moderator or an admin (npm run set-role). */
export async function setRole(deps: Pick<LoginDeps, 'prisma'>, username: string, role: Role, actor = 'cli') {
  const user = await deps.prisma.user.findUnique({ where: { username } });
  if (!user) throw new AppError('NOT_FOUND', `No user named ${username}`);
  await applyRole(deps, user, role, { actorId: null, name: actor });
  return { id: user.id, username: user.username, from: user.role, to: role };
}

/** An admin changes another user's role from the admin pages; never their own (no admin locks the last one out by a slip). */
export async function changeRole(deps: LoginDeps, userId: number, role: Role, admin: AccessIdentity, ip: string) {
  if (userId === admin.userId) throw new AppError('CONFLICT', 'You cannot change your own role; ask another admin');
  const user = await deps.prisma.user.findUnique({ where: { id: userId } });
  if (!user) throw new AppError('NOT_FOUND', 'No such user');
  // The same role again changes nothing: no session ends, nothing is audited.
  if (user.role === role) return publicUser(user);
  return publicUser(await applyRole(deps, user, role, { actorId: admin.userId, name: 'admin', ip }));
}

/** Users for the admin pages, newest first, by the start of a name or e-mail address, or by role. */
export async function listUsers(
  deps: LoginDeps,
  query: { q?: string | undefined; role?: Role | undefined; cursor?: number | undefined; limit: number },
) {
  const rows = await deps.prisma.user.findMany({
    where: {
      ...(query.q ? { OR: [{ username: { startsWith: query.q } }, { email: { startsWith: query.q.toLowerCase() } }] } : {}),
      ...(query.role ? { role: query.role } : {}),
      ...(query.cursor ? { id: { lt: query.cursor } } : {}),
    },
    orderBy: { id: 'desc' },
    take: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  return { items: page.map(publicUser), nextCursor: rows.length > query.limit ? page[page.length - 1]!.id : null };
}
