export { TEST_DATABASE_PREFIX, type TestDatabase, createTestDatabase, runOnServer, testServerUrl } from './database.ts';
export { type JsonClient, type JsonResponse, jsonClient } from './http.ts';
export { oathtoolCode } from './totp.ts';
export { testSecret } from './secrets.ts';
