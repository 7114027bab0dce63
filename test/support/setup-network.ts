import nock from "nock";
import { afterAll, beforeAll } from "vitest";

// Only the network edge is faked; anything unexpected leaving the machine fails the test.
beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect(/(127\.0\.0\.1|localhost)/);
});

afterAll(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});
