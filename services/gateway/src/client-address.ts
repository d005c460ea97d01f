import { isIP } from 'node:net';
import type { PeerKeys } from '@pupero/shared/keys';
import { CLIENT_ADDRESS_HEADER, verifyServiceToken } from '@pupero/shared/service-token';

/**
 * The browser's address as the frontend saw it. The frontend calls the gateway for every user, so
 * without this header every user would share the frontend's address in the rate limits, login's
 * throttle and the audit log. The gateway believes it only next to a valid service token issued by
 * `frontend` for `gateway`: a client that sends it alone (or with any other token) is ignored.
 */
export { CLIENT_ADDRESS_HEADER };

const VOUCHING_CALLERS = ['frontend'] as const;

/** What the gateway knows of a request here: its socket's (or trusted proxy's) address and its headers. */
interface AddressedRequest {
  ip: string;
  headers: Record<string, string | string[] | undefined>;
}

export type ClientAddress = (request: AddressedRequest) => string;

/** `request.ip`, or the frontend's word for it; decided once per request. */
export function clientAddressResolver(peers: PeerKeys | undefined): ClientAddress {
  const decided = new WeakMap<AddressedRequest, string>();
  return (request) => {
    let address = decided.get(request);
    if (address === undefined) {
      address = vouchedAddress(peers, request) ?? request.ip;
      decided.set(request, address);
    }
    return address;
  };
}

function vouchedAddress(peers: PeerKeys | undefined, request: AddressedRequest): string | undefined {
  const claimed = request.headers[CLIENT_ADDRESS_HEADER];
  const token = request.headers['x-service-token'];
  if (!peers || typeof claimed !== 'string' || typeof token !== 'string' || isIP(claimed) === 0) return undefined;
  try {
    verifyServiceToken(peers, token, 'gateway', VOUCHING_CALLERS);
    return claimed;
  } catch {
    return undefined;
  }
}
