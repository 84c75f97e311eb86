// The provider plugin's schema against the field tables and the settings it is generated from
// (scripts/plugin-schema.ts): every field, its requiredness, replaceOnChanges and secrecy, the
// config keys with their secrets, and the shipped dist/schema.json equal to a fresh generation.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { generateSchema } from "../../scripts/plugin-schema";
import { RESOURCES } from "../../provider/plugin/resources";
import { token } from "../../provider/plugin/packageNames";
import { SECRET_SETTING_KEYS, SETTING_KEYS } from "../../provider/settings";
import { GUARDRAIL_KEYS } from "../../provider/model/guardrails";
import { SCHEMA_FILE } from "../../provider/plugin/schema";
import { configFromArgs } from "../../provider/plugin/configure";
import { instanceKeyOf } from "../../provider/plugin/urn";
import { unwrap, wrap } from "../../provider/plugin/secrets";

describe("provider plugin schema", function () {
  this.timeout(60_000);
  const schema = generateSchema();

  for (const r of RESOURCES) {
    it(`${r.name}: one property per field of its tables, as the tables say`, function () {
      const res = schema.resources[token(r.name)] as any;
      assert.ok(res, `no ${token(r.name)} in the schema`);
      assert.deepEqual(Object.keys(res.inputProperties).sort(), Object.keys(r.inputs).sort());
      assert.deepEqual(
        Object.keys(res.properties).sort(),
        [...Object.keys(r.inputs), ...Object.keys(r.outputs)].sort(),
      );
      for (const [k, spec] of Object.entries(r.inputs)) {
        const p = res.inputProperties[k];
        assert.equal(p.replaceOnChanges === true, spec.replaces, `${r.name}.${k} replaceOnChanges`);
        assert.equal(p.secret === true, spec.secret === true, `${r.name}.${k} secret`);
        assert.ok(p.description, `${r.name}.${k} has no description`);
        assert.equal(
          res.requiredInputs.includes(k),
          spec.presence === "required",
          `${r.name}.${k} required`,
        );
      }
      for (const [k, spec] of Object.entries(r.outputs)) {
        assert.equal(
          res.properties[k].secret === true,
          spec.secret === true,
          `${r.name}.${k} secret`,
        );
        assert.ok(res.properties[k].description, `${r.name}.${k} has no description`);
      }
    });
  }

  it("config: every setting and guardrail, the credentials secret, in the language sections' names", function () {
    const vars = schema.config.variables;
    assert.deepEqual(
      Object.keys(vars).sort(),
      [...Object.keys(SETTING_KEYS), ...Object.keys(GUARDRAIL_KEYS)].sort(),
    );
    for (const [k, v] of Object.entries(vars))
      assert.equal(v.secret === true, (SECRET_SETTING_KEYS as readonly string[]).includes(k), k);
    assert.deepEqual(schema.provider.inputProperties, vars);
    for (const lang of ["nodejs", "python", "go"])
      assert.equal(schema.language[lang].respectSchemaVersion, true, lang);
    assert.equal(schema.language.python.packageName, "pulumi_jumpserver_tickets");
  });

  it("the shipped dist/schema.json is the one the tables give (run `npm run build` after changing them)", function () {
    if (!fs.existsSync(SCHEMA_FILE)) {
      console.log(`SKIP unit: ${SCHEMA_FILE} not built yet (npm run build)`);
      this.skip();
    }
    assert.deepEqual(JSON.parse(fs.readFileSync(SCHEMA_FILE, "utf8")), schema);
  });

  it("Configure's arguments become jumpserver:* settings, secrets unwrapped, lists as JSON", function () {
    const settings = configFromArgs({
      url: "http://127.0.0.1:1",
      accessKeySecret: wrap({ v: "s3cret" }, ["v"]).v,
      allowedActions: ["connect"],
      version: "0.1.0",
    });
    assert.deepEqual(Object.fromEntries(settings), {
      "jumpserver:url": "http://127.0.0.1:1",
      "jumpserver:accessKeySecret": "s3cret",
      "jumpserver:allowedActions": '["connect"]',
    });
  });

  it("instanceKey from the URN is the dynamic resource's project/stack/name", function () {
    assert.equal(
      instanceKeyOf("urn:pulumi:dev::proj::jumpserver:index:AssetAccessTicket::access::x"),
      "proj/dev/access::x",
    );
  });

  it("secrets: keys holding one anywhere come back wrapped", function () {
    const { plain, secretKeys } = unwrap({ a: { b: wrap({ c: 1 }, ["c"]) }, d: 2 });
    assert.deepEqual(plain, { a: { b: { c: 1 } }, d: 2 });
    assert.deepEqual([...secretKeys], ["a"]);
  });
});
