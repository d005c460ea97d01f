export { deleteTestBroker, provisionTestBroker, TEST_BROKER_USER_PREFIX } from './broker.ts';
export { holdBrokerLock, testBrokerUrl } from './broker-lock.ts';
export { createTestDatabase, runOnServer, TEST_DATABASE_PREFIX, type TestDatabase, testServerUrl } from './database.ts';
export { type JsonClient, type JsonResponse, jsonClient } from './http.ts';
export { testKeys } from './keys.ts';
export { freePort, testSecret } from './secrets.ts';
export { oathtoolCode } from './totp.ts';
