import { NotFoundError } from '../domain/errors';
import {
  changePerson,
  readRoster,
  removePerson,
  replaceRoster,
  type ChangeRosterPorts,
  type ReadRosterPorts,
} from '../domain/use-cases/manage-roster';
import { rosterRepository } from '../adapters/dynamodb';
import { sqsAttributionQueue } from '../adapters/queue';
import { systemClock } from '../adapters/system';
import {
  personIdSchema,
  personPatchSchema,
  rosterPutSchema,
  type PersonChangeResponse,
  type RosterResponse,
} from '../schemas/members';
import { callerFromEvent } from '../shared/auth';
import { httpHandler, json, parseBody, type HttpEvent } from '../shared/http';
import { lazy } from '../shared/lazy';
import { log } from '../shared/observability';

export type MembersPorts = ReadRosterPorts & ChangeRosterPorts;

function personId(event: HttpEvent): string {
  const id = event.pathParameters?.id;
  // A malformed id cannot name a person of the caller's team.
  if (!id || !personIdSchema.safeParse(id).success) {
    throw new NotFoundError("No person with that id on the team's roster.");
  }
  return id;
}

/** GET|PUT /members (read: any member; write: admins), PATCH|DELETE /members/{id} (admins). */
export function createMembersHandler(ports: () => MembersPorts) {
  return httpHandler(async (event) => {
    const caller = callerFromEvent(event);
    const method = event.requestContext.http.method;
    if (event.pathParameters?.id === undefined) {
      if (method === 'PUT') {
        const body = parseBody(event, rosterPutSchema);
        return json<RosterResponse>(200, await replaceRoster(caller, body, ports()));
      }
      return json<RosterResponse>(200, await readRoster(caller, ports()));
    }
    const id = personId(event);
    if (method === 'DELETE') {
      await removePerson(caller, id, ports());
      return { statusCode: 204, headers: { 'cache-control': 'no-store' } };
    }
    const patch = parseBody(event, personPatchSchema);
    return json<PersonChangeResponse>(200, await changePerson(caller, id, patch, ports()));
  });
}

export const handler = createMembersHandler(
  lazy(() => ({
    roster: rosterRepository(),
    reattribution: sqsAttributionQueue(),
    clock: systemClock,
    log,
  })),
);
