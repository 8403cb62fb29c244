/** Synthesizes constructs in a throwaway stack and gives typed-enough access to the JSON. */
import { App, TerraformStack, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { Construct } from "constructs";

export interface Synthesized {
  readonly json: any;
  /** All resources of one Terraform type, keyed by their logical id. */
  resources(type: string): Record<string, any>;
  /** The one resource of this type; fails the test if there are zero or several. */
  only(type: string): any;
  outputs(): Record<string, any>;
}

export function wrap(json: any): Synthesized {
  return {
    json,
    resources: (type) => json.resource?.[type] ?? {},
    only: (type) => {
      const all = Object.values(json.resource?.[type] ?? {});
      if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
      return all[0];
    },
    outputs: () => json.output ?? {},
  };
}

/** Builds constructs inside a stack with a provider for the given cloud, then synthesizes. */
export function synthWith(cloud: "aws" | "gcp", build: (scope: Construct) => void): Synthesized {
  const app: App = Testing.app();
  const stack = new TerraformStack(app, "test");
  if (cloud === "aws") new AwsProvider(stack, "aws", { region: "eu-west-1" });
  else new GoogleProvider(stack, "google", { project: "test-project", region: "europe-west1" });
  build(stack);
  return wrap(JSON.parse(Testing.synth(stack)));
}

/** "${aws_vpc.network_vpc_1234.id}" for a resource, as cdktf renders references. */
export function ref(type: string, logicalId: string, attribute: string): string {
  return "${" + `${type}.${logicalId}.${attribute}` + "}";
}

/** The logical id of the single resource of `type` (for building expected references). */
export function idOf(synth: Synthesized, type: string, predicate: (resource: any) => boolean = () => true): string {
  const matches = Object.entries(synth.resources(type)).filter(([, resource]) => predicate(resource));
  if (matches.length !== 1) throw new Error(`expected exactly one matching ${type}, found ${matches.length}`);
  return matches[0][0];
}
