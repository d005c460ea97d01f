import { randomBytes } from 'node:crypto';

/** A fresh 48-byte secret for one test run; tests never use the demo .env secrets. */
export const testSecret = () => randomBytes(48).toString('base64url');
