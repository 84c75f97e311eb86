// The provider both resources hand to Pulumi. Pulumi serializes the provider object into every
// resource's state; this one holds nothing but a reference to a lifecycle module of this package,
// which the serializer records as a `require(...)` of the installed package. State stays small, an
// upgraded package fixes refresh/destroy of old resources, and no credential is ever captured.
import * as pulumi from "@pulumi/pulumi";
import * as providerContext from "../lifecycle/context";

/* eslint-disable @typescript-eslint/no-explicit-any -- the engine hands these methods untyped property bags */
export interface Lifecycle {
  check(olds: any, news: any): Promise<pulumi.dynamic.CheckResult>;
  diff(id: string, olds: any, news: any): Promise<pulumi.dynamic.DiffResult>;
  create(inputs: any): Promise<pulumi.dynamic.CreateResult>;
  read(id: string, props: any): Promise<pulumi.dynamic.ReadResult>;
  update(id: string, olds: any, news: any): Promise<pulumi.dynamic.UpdateResult>;
  remove(id: string, props: any): Promise<void>;
}

export class DelegatingProvider implements pulumi.dynamic.ResourceProvider {
  constructor(private readonly lifecycle: Lifecycle) {}
  async configure(req: pulumi.dynamic.ConfigureRequest) {
    return providerContext.configure(req.config);
  }
  async check(olds: any, news: any) {
    return this.lifecycle.check(olds, news);
  }
  async diff(id: string, olds: any, news: any) {
    return this.lifecycle.diff(id, olds, news);
  }
  async create(inputs: any) {
    return this.lifecycle.create(inputs);
  }
  async read(id: string, props: any) {
    return this.lifecycle.read(id, props);
  }
  async update(id: string, olds: any, news: any) {
    return this.lifecycle.update(id, olds, news);
  }
  async delete(id: string, props: any) {
    return this.lifecycle.remove(id, props);
  }
}
/* eslint-enable @typescript-eslint/no-explicit-any */
