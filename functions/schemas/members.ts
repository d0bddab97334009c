import { z } from 'zod';
import { MAX_PEOPLE } from '../domain/roster';
import { providerIdSchema } from './api';

/**
 * Contracts of the roster API (GET/PUT /members, PATCH/DELETE /members/{id}): the requests handlers validate
 * and the answer they send. Rules a schema cannot see (an identity claimed twice) are the domain's
 * (functions/domain/roster.ts).
 */

/** GitHub's rule: letters, digits and single hyphens, 1–39 characters, no hyphen first or last. */
const GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const GROUP_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/;
const PERSON_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const IDENTITY_KEY = /^[a-z_]+:\S{1,256}$/;

export const personIdSchema = z
  .string()
  .regex(PERSON_ID, 'must be 1–64 letters, digits, "_", "." or "-" (no e-mail addresses)')
  .meta({ description: 'A person id (`p_…` when the roster chose it).', example: 'p_3f9a1c0d2b7e4a51' });

export const groupNameSchema = z
  .string()
  .trim()
  .regex(GROUP_NAME, 'must be 1–64 letters, digits, spaces, ".", "_" or "-", starting with a letter or digit')
  .meta({ description: 'A group (sub-team) name.', example: 'platform' });

const emailSchema = z
  .email({ error: 'must be an e-mail address (name@example.org)' })
  .max(254, 'must be at most 254 characters');

const githubLoginSchema = z
  .string()
  .regex(GITHUB_LOGIN, 'must be a GitHub login: letters, digits and single hyphens, at most 39 characters')
  .meta({ example: 'octo-dana' });

export const providerIdentitySchema = z
  .strictObject({
    provider: providerIdSchema,
    key: z
      .string()
      .regex(
        IDENTITY_KEY,
        'must be a developer key such as email:<address>, github:<numeric id> or api_key:<name>, as the developers view lists it',
      ),
  })
  .meta({
    id: 'ProviderIdentity',
    description: 'One identity of a provider, claimed by a person (for what e-mail and login cannot match).',
  });

const personFields = {
  display_name: z
    .string({ error: 'is required: the name to show' })
    .trim()
    .min(1, 'must not be empty')
    .max(200, 'must be at most 200 characters'),
  emails: z
    .array(emailSchema)
    .max(20, 'may list at most 20 e-mails')
    .optional()
    .meta({ description: 'E-mails of the person; the same e-mail in any tool is this person.' }),
  github_login: githubLoginSchema
    .nullable()
    .optional()
    .meta({ description: 'GitHub login; Copilot usage of this login is this person’s.' }),
  identities: z
    .array(providerIdentitySchema)
    .max(50, 'may list at most 50 identities')
    .optional()
    .meta({ description: 'Further provider identities (an API key, a renamed login by its numeric id).' }),
  groups: z
    .array(groupNameSchema)
    .max(50, 'may list at most 50 groups')
    .optional()
    .meta({ description: 'The groups (sub-teams) the person belongs to.' }),
};

export const personInputSchema = z
  .strictObject({ id: personIdSchema.optional(), ...personFields })
  .meta({ id: 'PersonInput', description: 'One person of the roster, as an admin sends it.' });

export const rosterPutSchema = z
  .strictObject({
    people: z
      .array(personInputSchema, { error: 'is required: the list of people (it may be empty)' })
      .max(MAX_PEOPLE, `may list at most ${MAX_PEOPLE} people`),
    min_group_size: z
      .number({ error: 'must be a number of people' })
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(1000, 'must be at most 1000')
      .optional()
      .meta({ description: 'Groups smaller than this are withheld from members (default 5).' }),
  })
  .meta({ id: 'RosterReplacement', description: 'The whole roster; people left out are removed.' });

export const personPatchSchema = z
  .strictObject({
    display_name: personFields.display_name.optional(),
    emails: personFields.emails,
    github_login: personFields.github_login,
    identities: personFields.identities,
    groups: personFields.groups,
  })
  .refine((patch) => Object.keys(patch).length > 0, 'must change at least one field')
  .meta({ id: 'PersonChange', description: 'Fields to replace; fields left out stay as they are.' });

export const personIdParamsSchema = z.object({ id: personIdSchema });

// ---- answers ------------------------------------------------------------------------------------------

export const personSchema = z
  .strictObject({
    id: personIdSchema,
    display_name: z.string(),
    emails: z.array(z.string()),
    github_login: z.string().nullable(),
    identities: z.array(providerIdentitySchema),
    groups: z.array(z.string()),
  })
  .meta({ id: 'Person' });

export const rosterSchema = z
  .strictObject({
    team_id: z.string(),
    version: z.number().int().min(0).meta({
      description: '0 before the first roster; +1 on every change (a PUT of the same content keeps it).',
    }),
    min_group_size: z.number().int().min(1),
    updated_at: z.string().nullable().meta({ format: 'date-time' }),
    people: z.array(personSchema),
    groups: z
      .array(z.strictObject({ name: z.string(), size: z.number().int().min(1) }))
      .meta({ description: 'Every group named by a person, with its number of people.' }),
  })
  .meta({ id: 'Roster', description: "The team's people and groups." });
export type RosterResponse = z.infer<typeof rosterSchema>;

export const personChangeSchema = z
  .strictObject({ version: z.number().int().min(1), person: personSchema })
  .meta({ id: 'PersonChanged', description: 'The person as changed, and the roster version that holds it.' });
export type PersonChangeResponse = z.infer<typeof personChangeSchema>;
