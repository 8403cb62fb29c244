/**
 * Parity by construction: every cloud-neutral field of the environment file, changed on its own,
 * either changes what a cloud's stack is built from or is refused at synth by one line naming the
 * field and the cloud. The walk covers the whole schema, so a new field without a decision fails here.
 */
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { parseEnvironment } from "../../environment/load";
import { cloudNeutralFields, fieldSchema } from "../../environment/fields";
import { awsStackProps } from "../../stacks/aws/props";
import { gcpStackProps } from "../../stacks/gcp/props";

const DEV = parse(fs.readFileSync(path.join(__dirname, "..", "..", "config", "dev.yaml"), "utf8"));
const CLOUDS = ["aws", "gcp"] as const;
type Cloud = (typeof CLOUDS)[number];

/** A different valid value for fields a generic change cannot produce (strings, linked fields). */
const CHANGES: Record<string, unknown> = {
  project: "shop",
  domain: "dev.example.org",
  "services[0].name": "backend",
  "services[0].hostnames": ["api2.dev.example.com"],
  "services[0].healthCheck.path": "/ready",
  "services[0].healthCheck.matcher": "200-399",
  "services[0].capacity.min": 0,
  "services[0].capacity.desired": 1,
  "services[0].startupScript": "#!/bin/sh\necho changed\n",
  "database.version": "8.0",
  "database.engine": "postgres",
  "database.name": "shop",
  "database.storageGb": 30,
  "loadBalancer.idleTimeoutSeconds": 120,
  "dns.mode": "create",
  "services[0].paths": ["/v2/*"],
  "services[0].image": "ghcr.io/example/api:2.0.0",
  "services[0].env": { LOG_LEVEL: "debug" },
  "services[0].release.strategy": "canary",
  "services[0].release.canary.image": "ghcr.io/example/api:2.1.0-rc1",
  "services[0].release.canary.percent": 20,
};
/** A service that can take a canary: an image and room for one canary instance beside the stable ones. */
const withImage = (spec: any) => {
  delete spec.services[0].startupScript;
  spec.services[0].image ??= "ghcr.io/example/api:1.0.0";
  spec.services[0].capacity = { min: 2, max: 4 };
};
const withCanary = (spec: any) => {
  withImage(spec);
  spec.services[0].release = { strategy: "canary", canary: { image: "ghcr.io/example/api:1.1.0", percent: 10, ...spec.services[0].release?.canary } };
};
/** The context a field only has a meaning in, applied to the base and the changed file alike. */
const SETUP: Record<string, (spec: any) => void> = {
  "services[0].image": withImage,
  "services[0].env": withImage,
  "services[0].release.strategy": withImage,
  "services[0].release.canary.image": withCanary,
  "services[0].release.canary.percent": withCanary,
};
/** Companion edits a change needs to stay valid on its own. */
const ALONG_WITH: Record<string, (spec: any) => void> = {
  domain: (spec) => spec.services.forEach((service: any) => (service.hostnames = service.hostnames.map((host: string) => host.replace(".com", ".org")))),
  "database.engine": (spec) => (spec.database.version = "16"),
  // A start-up script replaces the container: the two exclude each other.
  "services[0].startupScript": (spec) => {
    delete spec.services[0].image;
    delete spec.services[0].env;
  },
  // A release that did not exist is the change: the strategy has only one value.
  "services[0].release.strategy": withCanary,
  "dns.mode": (spec) => {
    delete spec.aws?.parentHostedZoneId;
    delete spec.gcp?.parentDnsZone;
  },
  // The deprecated field only applies where the cloud's own field is unset.
  "loadBalancer.idleTimeoutSeconds": (spec) => {
    delete spec.aws?.loadBalancer;
    delete spec.gcp?.loadBalancer;
  },
};

/** A valid value different from `current`, for numbers, booleans and enums. */
function genericChange(field: string, current: unknown): unknown {
  const schema = fieldSchema(field);
  const def = schema.def;
  if (def.type === "boolean") return !(current ?? false);
  if (def.type === "enum") return Object.values(def.entries).find((option) => option !== (current ?? "small"));
  if (def.type === "number") {
    const base = typeof current === "number" ? current : 10;
    const max = schema.maxValue ?? Infinity;
    return base + 1 <= max ? base + 1 : base - 1;
  }
  throw new Error(`${field}: add a value to CHANGES (no generic change for a ${def.type})`);
}

function getAt(spec: any, field: string): unknown {
  return field.split(/\.|(?=\[)/).reduce((node, segment) => (node === undefined ? undefined : node[segment.replace(/^\[(\d+)\]$/, "$1")]), spec);
}
function setAt(spec: any, field: string, value: unknown): void {
  const segments = field.split(/\.|(?=\[)/).map((segment) => segment.replace(/^\[(\d+)\]$/, "$1"));
  const parent = segments.slice(0, -1).reduce((node, segment) => (node[segment] ??= {}), spec);
  parent[segments[segments.length - 1]] = value;
}

/** The dev example with one cloud section only, optionally changed. */
function load(cloud: Cloud, change?: (spec: any) => void) {
  const spec = structuredClone(DEV);
  delete spec[cloud === "aws" ? "gcp" : "aws"];
  change?.(spec);
  return parseEnvironment("dev", "config/dev.yaml", stringify(spec));
}

function stackProps(cloud: Cloud, environment: any): string {
  return JSON.stringify(cloud === "aws" ? awsStackProps(environment, "aws-dev") : gcpStackProps(environment, "gcp-dev"));
}

const FIELDS = cloudNeutralFields();

test("the walk finds the cloud-neutral fields", () => {
  expect(FIELDS).toEqual(expect.arrayContaining(["project", "services[0].healthCheck.matcher", "certificate.wildcard", "database.finalSnapshot"]));
  expect(FIELDS.length).toBeGreaterThanOrEqual(29);
});

const CASES = FIELDS.flatMap((field) => CLOUDS.map((cloud) => [field, cloud] as const));

test.each(CASES)("%s on %s: changes the stack or is refused by name", (field, cloud) => {
  const naming = cloud === "aws" ? /\bAWS\b/ : /\bGCP\b/;
  // The field itself, or the section it lives in (a cloud may refuse a whole `release`).
  const onField = (problem: { path: string }) => field === problem.path || field.startsWith(`${problem.path}.`);
  const base = load(cloud, SETUP[field]);
  if (!("environment" in base)) {
    // The context the field needs is itself refused on this cloud, by name: so is the field.
    expect(base.problems).toEqual([{ path: expect.any(String), message: expect.stringMatching(naming) }]);
    expect(onField(base.problems[0])).toBe(true);
    return;
  }
  const changed = load(cloud, (spec) => {
    SETUP[field]?.(spec);
    setAt(spec, field, field in CHANGES ? CHANGES[field] : genericChange(field, getAt(spec, field)));
    ALONG_WITH[field]?.(spec);
  });
  if ("problems" in changed) {
    // Refused: exactly one line, on this field, naming the cloud that cannot honour it.
    expect(changed.problems).toEqual([{ path: expect.any(String), message: expect.stringMatching(naming) }]);
    expect(onField(changed.problems[0])).toBe(true);
  } else {
    expect(stackProps(cloud, changed.environment)).not.toEqual(stackProps(cloud, base.environment));
  }
});

describe("the known parity decisions", () => {
  test("a matcher other than 200 is honoured on AWS and refused on GCP", () => {
    const change = (spec: any) => (spec.services[1].healthCheck.matcher = "200-399");
    expect(load("aws", change)).toHaveProperty("environment");
    expect(load("gcp", change)).toEqual({
      problems: [
        {
          path: "services[1].healthCheck.matcher",
          message: 'GCP health checks only accept 200 ("200-399" would be honoured on AWS only; make the path answer 200 and remove matcher)',
        },
      ],
    });
  });

  test("a wildcard certificate is honoured on both clouds (ACM; Certificate Manager)", () => {
    for (const cloud of CLOUDS) {
      const result = load(cloud, (spec: any) => (spec.certificate.wildcard = true));
      if (!("environment" in result)) throw new Error(JSON.stringify(result.problems));
      const props: any = cloud === "aws" ? awsStackProps(result.environment, "aws-dev").certificate : gcpStackProps(result.environment, "gcp-dev").certificate;
      expect(JSON.stringify(props)).toContain('"*.dev.example.com"');
    }
  });

  test("the deprecated loadBalancer.idleTimeoutSeconds still sets both timeouts, with a one-line notice", () => {
    const result = load("aws", (spec) => {
      delete spec.aws.loadBalancer;
      spec.loadBalancer.idleTimeoutSeconds = 900;
    });
    if (!("environment" in result)) throw new Error(JSON.stringify(result.problems));
    expect(awsStackProps(result.environment, "aws-dev").loadBalancer.idleTimeoutSeconds).toBe(900);
    expect(result.environment.notices).toEqual([
      "loadBalancer.idleTimeoutSeconds: deprecated, it means the idle timeout on AWS but the request (and websocket) timeout on GCP; move it to aws.loadBalancer.idleTimeoutSeconds and gcp.loadBalancer.requestTimeoutSeconds",
    ]);
    const gcp = load("gcp", (spec) => {
      delete spec.gcp.loadBalancer;
      spec.loadBalancer.idleTimeoutSeconds = 900;
    });
    if (!("environment" in gcp)) throw new Error(JSON.stringify(gcp.problems));
    expect(gcpStackProps(gcp.environment, "gcp-dev").loadBalancer.timeoutSeconds).toBe(900);
  });

  test("the deprecated field next to its replacement is refused", () => {
    expect(load("gcp", (spec) => (spec.loadBalancer.idleTimeoutSeconds = 900))).toEqual({
      problems: [{ path: "loadBalancer.idleTimeoutSeconds", message: "is deprecated and gcp.loadBalancer.requestTimeoutSeconds is set too (remove it)" }],
    });
  });

  test("each cloud's timeout is its own: the AWS idle timeout and the GCP request timeout", () => {
    const both = parseEnvironment("dev", "config/dev.yaml", stringify(DEV));
    if (!("environment" in both)) throw new Error(JSON.stringify(both.problems));
    expect(both.environment.notices).toEqual([]);
    expect(awsStackProps(both.environment, "aws-dev").loadBalancer.idleTimeoutSeconds).toBe(3600);
    expect(gcpStackProps(both.environment, "gcp-dev").loadBalancer.timeoutSeconds).toBe(3600);
  });
});
