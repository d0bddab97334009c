import { DEMO_ANTHROPIC_ADMIN_KEY } from '../../local/fakes/claude-code/server';
import { DEMO_ENTERPRISE_ANALYTICS_KEY } from '../../local/fakes/claude-enterprise/server';
import { DEMO_CURSOR_KEY } from '../../local/fakes/cursor/server';
import { DEMO_GITHUB_TOKEN } from '../../local/fakes/github-copilot/server';
import { SMOKE_API_KEY } from '../../ops/smoke/api-checks';

/**
 * Every provider key and token the tests hand to the system or to a fake — the fakes' demo keys and the ones
 * tests make up — in one list, so that the secret exposure check (test/helpers/exposure-check.ts) looks for
 * each of them, whole and in parts, in everything a test run showed. A test that needs another key adds it
 * here. Made-up keys are random letters and digits after "TestOnly" (words could match a file name or a test
 * title in the output), built by concatenation as the demo keys are, so that secret scanners do not flag them.
 *
 * Not listed: the format-check unit tests' strings (`ghp_aB3aB3…`), patterns of a few characters given to a
 * pure function whose answer the test itself checks. The check finds any key-shaped token anyway, listed or not.
 */
export const TEST_KEYS = {
  /** Claude Code: the fake's demo Admin key. */
  anthropicDemo: DEMO_ANTHROPIC_ADMIN_KEY,
  /** A well-formed Admin key that no fake accepts (Anthropic refuses it: 422). */
  anthropicOtherAdmin: 'sk-ant-admin01-' + 'TestOnly' + 'QBb0VZY5nwkVtdpwuSVhEYddjhJ3d3ABHad7KiBz' + 'AA',
  /** An inference (not Admin) key, pasted by mistake: refused before any call. */
  anthropicInference: 'sk-ant-api03-' + 'TestOnly' + 'i2yBMno9bhtOzB5eKQZmBeEZmePBLnsGpn5Hg1On' + 'AA',
  /** A scoped key that authenticates at the fake but may not read usage (403). */
  anthropicScoped: 'sk-ant-api01-' + 'TestOnly' + 'lnh1CHlUTDDGREu6CEymzB5TNfFYhdbUsVC3lU7d' + 'AA',
  /** A second Admin key of the demo organisation, revoked during a test. */
  anthropicRevoked: 'sk-ant-admin01-' + 'TestOnly' + 'mtaQikSicNIOJXPQtLCbJRWyki90bDqS1hFYRe4s' + 'AA',
  /** Too short to be an Admin key. */
  anthropicUnknownShort: 'sk-ant-admin01-' + 'x',
  anthropicTooShort: 'sk-ant-admin01-' + 'short',
  /** Sent in every field of the generated bad requests: no answer may repeat it. */
  echoMarker: 'sk-ant-admin01-' + 'MARKERzz9',
  /** Handed to the KMS + Secrets Manager adapter, whose AWS calls are doubled. */
  anthropicSealedByKms: 'sk-ant-admin01-' + 'TestOnly' + 'NCCmznUkNlhqJowv72ZcRKGBj4DmBSz3DtJhT6vf' + 'AA',
  /** Sealed in the local secret store. */
  anthropicSealedLocally: 'sk-ant-admin01-' + 'very-secret-value',
  /** What the smoke test sends to connect as a member (refused before any provider call). */
  anthropicSmoke: SMOKE_API_KEY,
  /** Pasted into the catalog's key check. */
  anthropicPasted: 'sk-ant-admin01-' + 'pasted',

  /** GitHub Copilot: the fake's demo token. */
  githubDemo: DEMO_GITHUB_TOKEN,
  /** A fine-grained token whose owner may not read Copilot metrics. */
  githubNoCopilotPermission: 'github_pat_' + 'TestOnly_' + '1z01g7STyD63kqgnz6bIMDDTskAW2lY4YLKHzmHd',
  /** A classic token the fake knows but that may not read the organisation's reports. */
  githubNoPermission: 'ghp_' + 'TestOnly' + 'EnW7jvCuSAbmiMYO7Y6ly8hc3CfSRmdL',
  /** A well-formed token the fake does not know (401 Bad credentials). */
  githubUnknown: 'ghp_' + 'TestOnly' + 'h25gHyFTahBNwd9TR4iujHR74r0xe7pK',
  /** A fine-grained token, which enterprise reports do not accept: refused before any call. */
  githubFineGrainedForEnterprise: 'github_pat_' + 'TestOnly_' + 'FGKV9HxikpWEZ6NVQM55Trq6iMYAG0f9QGumQ9Ga',
  /** A GitHub App refresh token, which cannot call the API: refused before any call. */
  githubRefreshToken: 'ghr_' + 'TestOnly' + 'tdcYSEgQNhIAY9NEUqqAwSi6LzAF9vUQ',
  /** Too short to be a token. */
  githubMalformed: 'ghp_' + 'x',
  /** A token a use case must not be handed (the stored one is used). */
  githubNotThisOne: 'ghp_' + 'not-this-one',

  /** Cursor: the fake's demo Admin key. */
  cursorDemo: DEMO_CURSOR_KEY,
  /** A second Admin key of the demo team (a rotation). */
  cursorRotated: 'crsr_' + 'TestOnly' + 'DGWAzER85FayBH6ocYZjbyHTK0BU8b8KpNsUgeRVvvJ8rjm8dcSs6kw4',
  /** The key of a team without the Enterprise plan. */
  cursorNonEnterprise: 'crsr_' + 'TestOnly' + '98pdphMDtF8Zr7ms3TCAcY6TPO9S0XsdY1vFHgWshzFYZ9XCRG31CVnK',
  /** A well-formed key of no team the fake knows (401). */
  cursorUnknown: 'crsr_' + 'TestOnly' + 'YkpJmH9b3EBT2gkSoKiQhkKZNAHDdaOBU43Ipbmxo4zBUqeFekFGRyjH',
  /** A second key of the demo team, revoked during a test. */
  cursorRevoked: 'crsr_' + 'TestOnly' + 'xHO9DIeaE91cYHMpiymaNJc6C0BWvEzsjWdxhIXf4C3ls7Ri3iIEBzT5',
  /** Too short to be a Cursor key. */
  cursorMalformed: 'crsr_' + 'short',

  /** Claude Enterprise Analytics: the fake's demo Analytics API key. */
  claudeEnterpriseDemo: DEMO_ENTERPRISE_ANALYTICS_KEY,
  /** A key of an organisation not on an Enterprise plan (403). */
  claudeEnterpriseNotEnterprise: 'sk-ant-api01-' + 'TestOnly' + 'Rk2Lm9Qp4Xs7Vb1Nc8Hd3Jf6Gt0Wy5Zu',
  /** A well-formed key the fake does not know (401). */
  claudeEnterpriseUnknown: 'sk-ant-api01-' + 'TestOnly' + 'Mv7Bc2Xz9Nq4Lp1Ks8Dj5Fh3Gw6Ty0Re',

  /**
   * An ingest token no team holds (401). Tokens POST /ingest-tokens issues are random: the capture registers
   * each one from its creation answer, so the check looks for them too.
   */
  ingestUnknown: 'aiu_ingest_' + 'TestOnly' + 'Qm4Zr8Vt2Kc6Hw1Ny5Lb9Xs3Pd7Fg0Ju4Ae',
} as const;

export type TestKeyName = keyof typeof TEST_KEYS;
