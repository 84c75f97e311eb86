import { strict as assert } from "assert";
import { resolveSettings, SettingsError, DEFAULT_ORG_ID } from "../../provider/settings";

const fromMap = (m: Record<string, string>) => (k: string) => m[k];

describe("settings", () => {
  it("reads stack config before the environment", () => {
    const s = resolveSettings(
      fromMap({
        "jumpserver:url": "https://jms.example.com/",
        "jumpserver:accessKeyId": "kid",
        "jumpserver:accessKeySecret": "ksecret",
      }),
      { JUMPSERVER_URL: "http://other", JUMPSERVER_PRIVATE_TOKEN: "ignored" },
    );
    assert.equal(s.url, "https://jms.example.com");
    assert.deepEqual(s.auth, { kind: "accessKey", keyId: "kid", secret: "ksecret" });
    assert.equal(s.orgId, DEFAULT_ORG_ID);
    assert.equal(s.requestsPerMinute, "auto", "learned from the server's 429s");
    assert.equal(s.maxRetries, 4);
    assert.equal(s.timeoutSeconds, 30);
    assert.equal(s.insecure, false);
  });

  it("falls back to the environment for every auth mode", () => {
    const env = (e: Record<string, string>) =>
      resolveSettings(() => undefined, { JUMPSERVER_URL: "http://h", ...e });
    assert.deepEqual(env({ JUMPSERVER_PRIVATE_TOKEN: "pt" }).auth, {
      kind: "privateToken",
      token: "pt",
    });
    assert.deepEqual(env({ JUMPSERVER_TOKEN: "bt" }).auth, { kind: "bearer", token: "bt" });
    assert.deepEqual(env({ JUMPSERVER_USERNAME: "u", JUMPSERVER_PASSWORD: "p" }).auth, {
      kind: "password",
      username: "u",
      password: "p",
    });
    assert.equal(
      env({ JUMPSERVER_TOKEN: "bt", JUMPSERVER_REQUESTS_PER_MINUTE: "0" }).requestsPerMinute,
      0,
    );
  });

  it("names every missing key in one message", () => {
    assert.throws(
      () => resolveSettings(() => undefined, {}),
      (e: Error) =>
        e instanceof SettingsError &&
        /jumpserver:url \(or JUMPSERVER_URL\)/.test(e.message) &&
        /jumpserver:accessKeyId/.test(e.message) &&
        /JUMPSERVER_PRIVATE_TOKEN/.test(e.message),
    );
  });

  it("rejects contradictory credentials and half-set pairs, without echoing secrets", () => {
    assert.throws(
      () =>
        resolveSettings(
          fromMap({
            "jumpserver:url": "http://h",
            "jumpserver:privateToken": "SECRET-PT",
            "jumpserver:token": "SECRET-BT",
          }),
        ),
      (e: Error) =>
        /more than one way to authenticate/.test(e.message) &&
        /jumpserver:privateToken/.test(e.message) &&
        /jumpserver:token/.test(e.message) &&
        !e.message.includes("SECRET-"),
    );
    assert.throws(
      () =>
        resolveSettings(fromMap({ "jumpserver:url": "http://h", "jumpserver:accessKeyId": "kid" })),
      /jumpserver:accessKeyId and jumpserver:accessKeySecret go together/,
    );
    assert.throws(
      () =>
        resolveSettings(() => undefined, {
          JUMPSERVER_URL: "http://h",
          JUMPSERVER_PASSWORD: "SECRET-PW",
        }),
      (e: Error) =>
        /JUMPSERVER_USERNAME and JUMPSERVER_PASSWORD go together/.test(e.message) &&
        !e.message.includes("SECRET-PW"),
    );
  });

  it("validates the url, org id, numbers and booleans", () => {
    const bad = () =>
      resolveSettings(
        fromMap({
          "jumpserver:url": "jms.example.com",
          "jumpserver:token": "t",
          "jumpserver:orgId": "Default",
          "jumpserver:timeoutSeconds": "soon",
          "jumpserver:insecure": "maybe",
        }),
      );
    assert.throws(bad, (e: Error) =>
      [
        "jumpserver:url",
        "jumpserver:orgId",
        "jumpserver:timeoutSeconds",
        "jumpserver:insecure",
      ].every((k) => e.message.includes(k)),
    );
  });
});
