/**
 * Issue 10 on the example stacks: every service runs its container image; the app finds its
 * database through ids in its environment, never a secret; a canary is one config change away on
 * AWS, and promoting or dropping it is one config change back.
 */
import { Testing } from "cdktf";
import { addEnvironmentStacks } from "../../stacks/app";
import { EnvironmentSpec } from "../../environment/schema";
import { exampleEnvironments, synthExampleStacks } from "../support/example-stacks";
import { wrap } from "../support/synth";

const stacks = synthExampleStacks();

/** The script in a launch template's user_data: cdktf renders it as ${base64encode("…")}. */
function userDataScript(template: any): string {
  const match = /^\$\{base64encode\("([\s\S]*)"\)\}$/.exec(template.user_data);
  if (!match) throw new Error(`user_data is not a base64encode of a script: ${String(template.user_data).slice(0, 80)}`);
  return JSON.parse(`"${match[1]}"`);
}

function envFile(script: string): Record<string, string> {
  const body = /<<'CONTAINER_BOOT_ENV'\n([\s\S]*?)\nCONTAINER_BOOT_ENV/.exec(script)![1];
  return Object.fromEntries(body.split("\n").map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]));
}

test("AWS: each service's instances run its image with the database's address and secret id, never a secret", () => {
  const prod = stacks["aws-prod"];
  const db = Object.keys(prod.resources("aws_db_instance"))[0];
  for (const template of Object.values(prod.resources("aws_launch_template"))) {
    const script = userDataScript(template);
    expect(script).toContain("'traefik/whoami:v1.10.3'");
    expect(envFile(script)).toMatchObject({
      CLOUD_PROVIDER: "aws",
      CLOUD_REGION: "eu-west-1",
      DATABASE_ENGINE: "mysql",
      DATABASE_HOST: `\${aws_db_instance.${db}.address}`,
      DATABASE_PORT: "3306",
      DATABASE_SECRET_ID: `\${aws_db_instance.${db}.master_user_secret[0].secret_arn}`,
    });
    expect((template as any).metadata_options).toMatchObject({ http_tokens: "required", http_put_response_hop_limit: 2 });
  }
});

test("GCP: each service's instances run its image on Container-Optimized OS with the secret's id, never the password", () => {
  const prod = stacks["gcp-prod"];
  for (const template of Object.values(prod.resources("google_compute_instance_template")) as any[]) {
    expect(template.disk[0].source_image).toBe("cos-cloud/cos-stable");
    const script = template.metadata["startup-script"];
    expect(script).toContain("'traefik/whoami:v1.10.3'");
    expect(envFile(script)).toMatchObject({
      CLOUD_PROVIDER: "gcp",
      DATABASE_SECRET_ID: expect.stringMatching(/^\$\{google_secret_manager_secret\..*\.id\}$/),
    });
  }
});

test("no user data, metadata or output of any example stack holds or references a password or secret value", () => {
  for (const [id, stack] of Object.entries(stacks)) {
    const places = [
      ...Object.values(stack.resources("aws_launch_template")).map((template: any) => userDataScript(template)),
      ...Object.values(stack.resources("google_compute_instance_template")).map((template: any) => JSON.stringify(template.metadata)),
      JSON.stringify(stack.outputs()),
    ];
    for (const text of places) {
      expect([id, text]).not.toEqual([id, expect.stringMatching(/random_password|\.result\}|secret_string|secret_data|\.password\}|secretsmanager get-secret-value/)]);
    }
  }
});

function synthAws(environment: EnvironmentSpec) {
  const app = Testing.app();
  const [id] = addEnvironmentStacks(app, [{ ...environment, gcp: undefined }]);
  return wrap(JSON.parse(Testing.synth(app.node.findChild(id) as any)));
}

test("a canary on GCP: a fixed canary group behind a canary backend, weighted 80/20 wherever api is routed", () => {
  const prod = exampleEnvironments().find((environment) => environment.name === "prod")!;
  const app = Testing.app();
  const canary = { strategy: "canary" as const, canary: { image: "traefik/whoami:v1.11.0", percent: 20 } };
  const [id] = addEnvironmentStacks(app, [
    { ...prod, aws: undefined, services: prod.services.map((service) => (service.name === "api" ? { ...service, release: canary } : service)) },
  ]);
  const stack = wrap(JSON.parse(Testing.synth(app.node.findChild(id) as any)));
  const autoscaler = Object.values(stack.resources("google_compute_region_autoscaler")).find((each: any) => each.name.includes("api-canary")) as any;
  expect([autoscaler.autoscaling_policy.min_replicas, autoscaler.autoscaling_policy.max_replicas]).toEqual([1, 1]);
  const backends = Object.entries(stack.resources("google_compute_backend_service"));
  const idOfBackend = (name: string) => `\${google_compute_backend_service.${backends.find(([, backend]: any) => backend.name === name)![0]}.id}`;
  const map = Object.values(stack.resources("google_compute_url_map")).find((each: any) => each.host_rule) as any;
  const apiMatcher = map.path_matcher.find((matcher: any) => JSON.stringify(matcher).includes(idOfBackend("web-prod-api-canary")));
  expect(apiMatcher.default_route_action.weighted_backend_services).toEqual([
    { backend_service: idOfBackend("web-prod-api"), weight: 80 },
    { backend_service: idOfBackend("web-prod-api-canary"), weight: 20 },
  ]);
  const firewallTags = Object.values(stack.resources("google_compute_firewall")).flatMap((rule: any) => rule.target_tags ?? []);
  expect(firewallTags).toContain("web-prod-api-canary");
});

describe("a canary on AWS", () => {
  const prod = exampleEnvironments().find((environment) => environment.name === "prod")!;
  const withCanary = (percent: number): EnvironmentSpec => ({
    ...prod,
    services: prod.services.map((service) =>
      service.name === "api" ? { ...service, release: { strategy: "canary" as const, canary: { image: "traefik/whoami:v1.11.0", percent } } } : service,
    ),
  });

  test("runs the canary image in a fixed group behind a canary target group taking its percent of api's requests", () => {
    const stack = synthAws(withCanary(20));
    const canaryGroup = Object.values(stack.resources("aws_autoscaling_group")).find((group: any) => group.name.includes("api-canary")) as any;
    // 20 % of capacity.min 2, rounded up: one instance.
    expect([canaryGroup.min_size, canaryGroup.max_size]).toEqual([1, 1]);
    const canaryTargetGroup = Object.entries(stack.resources("aws_lb_target_group")).find(([, group]: any) => group.name === "web-prod-api-c3000")!;
    expect(canaryGroup.target_group_arns).toEqual([`\${aws_lb_target_group.${canaryTargetGroup[0]}.arn}`]);
    const template = Object.values(stack.resources("aws_launch_template")).find((t: any) => t.name_prefix?.includes("api-canary") || t.name?.includes("api-canary"));
    expect(userDataScript(template)).toContain("'traefik/whoami:v1.11.0'");
    const weighted = Object.values(stack.resources("aws_lb_listener_rule"))
      .flatMap((rule: any) => rule.action)
      .filter((action: any) => action.forward)
      .map((action: any) => action.forward.target_group.map((group: any) => group.weight));
    expect(weighted).toContainEqual([80, 20]);
  });

  test("promoting or dropping it is one config change: without release the stack is exactly the one without a canary", () => {
    const promoted = { ...prod, services: prod.services.map((service) => (service.name === "api" ? { ...service, image: "traefik/whoami:v1.11.0" } : service)) };
    const dropped = synthAws(prod).json;
    expect(synthAws(withCanary(20)).json).not.toEqual(dropped);
    expect(JSON.stringify(synthAws(promoted).json)).toContain("traefik/whoami:v1.11.0");
    expect(JSON.stringify(synthAws(promoted).json)).not.toContain("api-canary");
    expect(JSON.stringify(dropped)).not.toContain("api-canary");
  });

  test("changing only the image tag changes only the launch template", () => {
    const before = synthAws(prod).json.resource;
    const after = synthAws({ ...prod, services: prod.services.map((service) => ({ ...service, image: "traefik/whoami:v1.11.0" })) }).json.resource;
    const changedTypes = Object.keys(after).filter((type) => JSON.stringify(after[type]) !== JSON.stringify(before[type]));
    expect(changedTypes).toEqual(["aws_launch_template"]);
  });
});
