import { AppError } from '@pupero/shared/errors';
import type { Role } from '@pupero/shared/jwt';
import type { LoginDeps } from '../deps.ts';
import { audit } from './audit.ts';
import { bumpTokenVersion } from './sessions.ts';

/** Operators' way to make a moderator or an admin. The user's access tokens end at once; the next refresh carries the new role. */
export async function setRole(deps: Pick<LoginDeps, 'prisma'>, username: string, role: Role, actor = 'cli') {
  const user = await deps.prisma.user.findUnique({ where: { username } });
  if (!user) throw new AppError('NOT_FOUND', `No user named ${username}`);
  await deps.prisma.user.update({ where: { id: user.id }, data: { role } });
  await bumpTokenVersion(deps, user.id);
  await audit(deps, 'ROLE_CHANGED', { userId: user.id, actorId: null, details: { from: user.role, to: role, by: actor } });
  return { id: user.id, username: user.username, from: user.role, to: role };
}
