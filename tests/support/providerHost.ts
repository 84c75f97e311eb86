// Drives a dynamic provider exactly as the Pulumi engine does: the provider object is serialized by
// the SDK's own closure serializer, and every call goes over gRPC to the real
// `@pulumi/pulumi/cmd/dynamic-provider` host in a child process.
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";

const grpc = require("@grpc/grpc-js");
const provproto = require("@pulumi/pulumi/proto/provider_pb");
const provrpc = require("@pulumi/pulumi/proto/provider_grpc_pb");
const structproto = require("google-protobuf/google/protobuf/struct_pb");

export type Props = Record<string, any>;

export interface HostError extends Error {
  code?: number;
  details?: string;
  initFailed?: { id: string; properties: Props; reasons: string[] };
}

const serialized = new Map<pulumi.dynamic.ResourceProvider, Promise<string>>();

/** The `__provider` text the SDK would store for this provider object. */
export function serializeProvider(provider: pulumi.dynamic.ResourceProvider): Promise<string> {
  let p = serialized.get(provider);
  if (!p) {
    p = pulumi.runtime
      .serializeFunction(() => provider, { allowSecrets: true })
      .then((s) => s.text);
    serialized.set(provider, p);
  }
  return p;
}

/** A provider serialized in a project that installed the packed package (what users' state holds). */
export interface InstalledProvider {
  text: string;
  cwd: string;
}

export class ProviderHost {
  private constructor(
    private readonly child: ChildProcess,
    private readonly client: any,
    readonly providerText: string,
    readonly type: string,
    readonly stderr: string[],
  ) {}

  /**
   * Starts the host. `config` is what the engine's Configure RPC would carry (namespaced stack
   * config such as `jumpserver:url`); `env` is the plugin process environment.
   */
  static async start(
    provider: pulumi.dynamic.ResourceProvider | InstalledProvider,
    type: string,
    config: Record<string, string>,
    env: Record<string, string | undefined> = {},
  ): Promise<ProviderHost> {
    const installed = "text" in provider ? provider : undefined;
    const providerText = installed
      ? installed.text
      : await serializeProvider(provider as pulumi.dynamic.ResourceProvider);
    // The serialized text's require()s resolve from the host's working directory, as in a user's project.
    const cwd = installed ? installed.cwd : path.resolve(__dirname, "..", "..");
    const hostPath = require.resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: [cwd] });
    const childEnv: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (v !== undefined && !k.startsWith("JUMPSERVER_")) childEnv[k] = v;
    }
    for (const [k, v] of Object.entries(env)) if (v !== undefined) childEnv[k] = v;
    childEnv.PULUMI_NODEJS_PROJECT = "test";
    // The flow adoption records (provider/lifecycle/adoptions.ts) of a test run stay in its own folder.
    childEnv.PULUMI_HOME = env.PULUMI_HOME ?? scratchPulumiHome();
    const child = spawn(process.execPath, [hostPath, "127.0.0.1:1"], {
      cwd,
      env: childEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const stderr: string[] = [];
    child.stderr!.on("data", (d) => stderr.push(String(d)));
    const port = await new Promise<string>((resolve, reject) => {
      let buf = "";
      child.stdout!.on("data", (d) => {
        buf += String(d);
        const line = buf.split("\n")[0];
        if (buf.includes("\n")) resolve(line.trim());
      });
      child.on("exit", (code) =>
        reject(new Error(`provider host exited with ${code}: ${stderr.join("")}`)),
      );
    });
    const client = new provrpc.ResourceProviderClient(
      `127.0.0.1:${port}`,
      grpc.credentials.createInsecure(),
    );
    const host = new ProviderHost(child, client, providerText, type, stderr);
    const req = new provproto.ConfigureRequest();
    req.setArgs(structproto.Struct.fromJavaScript(config));
    req.setAcceptsecrets(true);
    await host.call("configure", req);
    return host;
  }

  private urn(name = "r"): string {
    return `urn:pulumi:test::test::${this.type}::${name}`;
  }

  /** The engine never sends `undefined`; drop it as its JSON-like Structs do. */
  private withProvider(props: Props): Props {
    return JSON.parse(JSON.stringify({ ...props, __provider: this.providerText }));
  }

  private call(method: string, req: any): Promise<any> {
    return new Promise((resolve, reject) => {
      this.client[method](req, (err: any, resp: any) => {
        if (err) {
          const e = new Error(err.details || err.message) as HostError;
          e.code = err.code;
          e.details = err.details;
          const bin = err.metadata?.get?.("grpc-status-details-bin")?.[0];
          if (bin) {
            const status = require("@pulumi/pulumi/proto/status_pb");
            const st = status.Status.deserializeBinary(bin);
            for (const any of st.getDetailsList()) {
              const d = provproto.ErrorResourceInitFailed.deserializeBinary(any.getValue());
              e.initFailed = {
                id: d.getId(),
                properties: strip(d.getProperties()?.toJavaScript() ?? {}),
                reasons: d.getReasonsList(),
              };
            }
          }
          reject(e);
        } else resolve(resp);
      });
    });
  }

  async check(
    olds: Props,
    news: Props,
  ): Promise<{ inputs: Props; failures: Array<{ property: string; reason: string }> }> {
    const req = new provproto.CheckRequest();
    req.setUrn(this.urn());
    req.setOlds(
      structproto.Struct.fromJavaScript(Object.keys(olds).length ? this.withProvider(olds) : {}),
    );
    req.setNews(structproto.Struct.fromJavaScript(this.withProvider(news)));
    const resp = await this.call("check", req);
    return {
      inputs: strip(resp.getInputs()?.toJavaScript() ?? {}),
      failures: resp
        .getFailuresList()
        .map((f: any) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  async diff(
    id: string,
    olds: Props,
    news: Props,
  ): Promise<{
    changes: "none" | "some" | "unknown";
    replaces: string[];
    deleteBeforeReplace: boolean;
  }> {
    const req = new provproto.DiffRequest();
    req.setId(id);
    req.setUrn(this.urn());
    req.setOlds(structproto.Struct.fromJavaScript(this.withProvider(olds)));
    req.setNews(structproto.Struct.fromJavaScript(this.withProvider(news)));
    const resp = await this.call("diff", req);
    const c = resp.getChanges();
    return {
      changes: c === 1 ? "none" : c === 2 ? "some" : "unknown",
      replaces: resp.getReplacesList(),
      deleteBeforeReplace: resp.getDeletebeforereplace(),
    };
  }

  async create(inputs: Props): Promise<{ id: string; outs: Props }> {
    const req = new provproto.CreateRequest();
    req.setUrn(this.urn());
    req.setProperties(structproto.Struct.fromJavaScript(this.withProvider(inputs)));
    const resp = await this.call("create", req);
    return { id: resp.getId(), outs: strip(resp.getProperties()?.toJavaScript() ?? {}) };
  }

  async read(id: string, props: Props): Promise<{ id: string; props: Props; inputs?: Props }> {
    const req = new provproto.ReadRequest();
    req.setId(id);
    req.setUrn(this.urn());
    req.setProperties(structproto.Struct.fromJavaScript(this.withProvider(props)));
    const resp = await this.call("read", req);
    const inputs = resp.getInputs()?.toJavaScript();
    return {
      id: resp.getId(),
      props: strip(resp.getProperties()?.toJavaScript() ?? {}),
      inputs: inputs ? strip(inputs) : undefined,
    };
  }

  async update(id: string, olds: Props, news: Props): Promise<Props> {
    const req = new provproto.UpdateRequest();
    req.setId(id);
    req.setUrn(this.urn());
    req.setOlds(structproto.Struct.fromJavaScript(this.withProvider(olds)));
    req.setNews(structproto.Struct.fromJavaScript(this.withProvider(news)));
    const resp = await this.call("update", req);
    return strip(resp.getProperties()?.toJavaScript() ?? {});
  }

  async delete(id: string, props: Props): Promise<void> {
    const req = new provproto.DeleteRequest();
    req.setId(id);
    req.setUrn(this.urn());
    req.setProperties(structproto.Struct.fromJavaScript(this.withProvider(props)));
    await this.call("delete", req);
  }

  async close(): Promise<void> {
    this.client.close();
    if (this.child.exitCode === null) {
      const exited = new Promise((r) => this.child.once("exit", r));
      this.child.kill("SIGTERM");
      await exited;
    }
  }
}

function strip(p: Props): Props {
  const { __provider: _ignored, ...rest } = p;
  return rest;
}

let scratchHome: string | undefined;
function scratchPulumiHome(): string {
  if (!scratchHome) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pjt-pulumi-home-"));
    process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
    scratchHome = dir;
  }
  return scratchHome;
}
