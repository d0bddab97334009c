import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SecretScope, SecretStore } from '../functions/domain/ports';
import { formatSecretRef, parseSecretRef } from '../functions/adapters/secrets/secret-ref';

interface SealedSecret {
  iv: string;
  tag: string;
  ciphertext: string;
  key_version: string;
}

/**
 * The local stand-in for KMS + Secrets Manager, behind the same SecretStore interface: AES-256-GCM
 * with a 256-bit key kept in a git-ignored file, and the scope (team, integration, provider) as
 * additional authenticated data, so a secret only opens for the integration it was sealed for.
 */
export class LocalSecretStore implements SecretStore {
  private readonly key: Buffer;

  constructor(
    keyFile: string,
    private readonly storeFile: string,
  ) {
    mkdirSync(dirname(keyFile), { recursive: true });
    if (!existsSync(keyFile)) writeFileSync(keyFile, randomBytes(32).toString('base64'), { mode: 0o600 });
    this.key = Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64');
    if (this.key.length !== 32) throw new Error(`${keyFile} does not hold a 256-bit key`);
  }

  private load(): Record<string, SealedSecret> {
    if (!existsSync(this.storeFile)) return {};
    return JSON.parse(readFileSync(this.storeFile, 'utf8')) as Record<string, SealedSecret>;
  }

  private persist(secrets: Record<string, SealedSecret>): void {
    mkdirSync(dirname(this.storeFile), { recursive: true });
    const temporary = `${this.storeFile}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(secrets, null, 2), { mode: 0o600 });
    renameSync(temporary, this.storeFile);
  }

  private static aad(scope: SecretScope): Buffer {
    return Buffer.from(JSON.stringify([scope.teamId, scope.integrationId, scope.provider]));
  }

  async save(scope: SecretScope, secret: string): Promise<string> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(LocalSecretStore.aad(scope));
    const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    const location = `local:${scope.teamId}/${scope.integrationId}`;
    const keyVersion = randomUUID();
    const secrets = this.load();
    secrets[location] = {
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      ciphertext: ciphertext.toString('base64'),
      key_version: keyVersion,
    };
    this.persist(secrets);
    return formatSecretRef(location, keyVersion);
  }

  async read(ref: string, scope: SecretScope): Promise<string> {
    const { location } = parseSecretRef(ref);
    const sealed = this.load()[location];
    if (!sealed) throw new Error('secret not found');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(LocalSecretStore.aad(scope));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([
      decipher.update(Buffer.from(sealed.ciphertext, 'base64')),
      decipher.final(),
    ]).toString('utf8');
  }

  async remove(ref: string): Promise<void> {
    const { location } = parseSecretRef(ref);
    const secrets = this.load();
    delete secrets[location];
    this.persist(secrets);
  }
}
