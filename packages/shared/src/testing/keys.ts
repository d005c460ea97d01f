import type { TokenIssuer } from '../auth/jwt.ts';
import { generateKeyRing, type KeyRing, keyEnvironment, type ServiceName } from '../auth/key-plan.ts';
import { type SigningKey, signingKeyFrom } from '../auth/keys.ts';

/** A fresh key ring for one test's deployment, with the shortcuts tests need. */
export function testKeys(ring: KeyRing = generateKeyRing()) {
  return {
    ring,
    /** The key variables of `service`, as `npm start` would hand them over. */
    env: (service: ServiceName) => keyEnvironment(ring, service),
    /** `service`'s own private key (a test acting as that service). */
    signingKey(service: ServiceName): SigningKey {
      const own = ring.services[service];
      if (!own) throw new Error(`${service} signs nothing`);
      return signingKeyFrom(own.privateKey);
    },
    /** Login's access-token key, with the default issuer and audience. */
    issuer: { key: signingKeyFrom(ring.accessToken.privateKey), issuer: 'pupero', audience: 'pupero-api' } satisfies TokenIssuer,
  };
}
