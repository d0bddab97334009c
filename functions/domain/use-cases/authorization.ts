import { ForbiddenError } from '../errors';
import type { Caller } from '../model';

export function requireAdmin(caller: Caller): void {
  if (caller.role !== 'admin') {
    throw new ForbiddenError('This action needs the admin role in your team; members can only read.');
  }
}
