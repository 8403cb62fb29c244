import { TerraformOutput, TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { ComputeHealthCheck } from "@cdktf/provider-google/lib/compute-health-check";
import { gcpContainerBootScript } from "../../constructs/gcp/boot-script";
import { GcpHealthCheck } from "../../constructs/gcp/health-check";
import { GcpInstanceGroup, GcpInstanceGroupProps, INSTANCE_ROLES } from "../../constructs/gcp/instance-group";
import { ARTIFACT_REGISTRY_READER, COS_IMAGE, GcpInstanceContainer } from "../../constructs/gcp/instance-container";
import { GcpLoadBalancer } from "../../constructs/gcp/load-balancer";
import { GcpNetwork } from "../../constructs/gcp/network";
import { ContainerLaunch } from "../../lib/container-boot";
import { schemaProblems } from "../support/provider-schema";
import { idOf, ref, synthWith, Synthesized } from "../support/synth";

const AR_IMAGE = "europe-west1-docker.pkg.dev/shop-images/apps/web:1.4.2";
const PUBLIC_IMAGE = "nginx:1.27";
const CONTAINER: GcpInstanceContainer = { image: AR_IMAGE, env: { APP_MODE: "production" } };

function groupProps(overrides: Partial<GcpInstanceGroupProps>, wiring: Pick<GcpInstanceGroupProps, "subnetworkSelfLink" | "healthCheckId">): GcpInstanceGroupProps {
  return {
    name: "shop-prod-web",
    project: "test-project",
    region: "europe-west1",
    zones: ["europe-west1-b", "europe-west1-c", "europe-west1-d"],
    port: 8080,
    minReplicas: 2,
    maxReplicas: 6,
    container: CONTAINER,
    ...wiring,
    ...overrides,
  };
}

function buildIn(scope: Construct, overrides: Partial<GcpInstanceGroupProps> = {}): GcpInstanceGroup {
  const healthCheck = new ComputeHealthCheck(scope, "hc", { name: "web-hc", httpHealthCheck: { port: 8080, requestPath: "/healthz" } });
  return new GcpInstanceGroup(scope, "web", groupProps(overrides, { subnetworkSelfLink: "projects/test-project/regions/europe-west1/subnetworks/private", healthCheckId: healthCheck.id }));
}

/**
 * Synthesizes the group and, as output "expected", what its startup script must be: the boot script
 * for `launch` (rendered in the same stack, so tokens resolve the same way).
 */
function build(overrides: Partial<GcpInstanceGroupProps> = {}, launch?: ContainerLaunch): Synthesized {
  return synthWith("gcp", (scope) => {
    const group = buildIn(scope, overrides);
    new TerraformOutput(scope, "member", { value: group.serviceAccountMember });
    if (launch) new TerraformOutput(scope, "expected", { value: gcpContainerBootScript(launch) });
  });
}


describe("GcpInstanceGroup with a container", () => {
  const synth = build({}, { name: "shop-prod-web", image: AR_IMAGE, port: 8080, env: { APP_MODE: "production" } });
  const template = synth.only("google_compute_instance_template");
  const saId = idOf(synth, "google_service_account");

  it("every resource is valid against the google 6.50.0 schema", () => {
    expect(schemaProblems(synth.json)).toEqual([]);
    expect(schemaProblems(build({ container: { image: PUBLIC_IMAGE } }).json)).toEqual([]);
  });

  describe("instance template", () => {
    it("startup-script is the boot script running the image with its environment on the group's port", () => {
      expect(template.metadata["startup-script"]).toBe(synth.outputs().expected.value);
      expect(template.metadata["startup-script"]).toContain(`docker pull '${AR_IMAGE}'`);
      expect(template.metadata["startup-script"]).toContain("--publish 8080:8080");
      expect(template.metadata["startup-script"]).toContain("--log-driver gcplogs");
    });

    it("keeps OS Login and blocked project keys, and turns on COS's logging agent for the boot script's own output", () => {
      expect(template.metadata).toEqual({
        "block-project-ssh-keys": "true",
        "enable-oslogin": "TRUE",
        "google-logging-enabled": "true",
        "startup-script": synth.outputs().expected.value,
      });
    });

    it("boots Container-Optimized OS stable unless an image is given explicitly", () => {
      expect(COS_IMAGE).toBe("cos-cloud/cos-stable");
      expect(template.disk).toEqual([{ boot: true, auto_delete: true, source_image: "cos-cloud/cos-stable", disk_size_gb: 20, disk_type: "pd-balanced" }]);
      expect(build({ image: "cos-cloud/cos-121-lts" }).only("google_compute_instance_template").disk[0].source_image).toBe("cos-cloud/cos-121-lts");
      expect(build({ container: undefined }).only("google_compute_instance_template").disk[0].source_image).toBe("debian-cloud/debian-12");
    });

    it("is still replaced, not edited, and stays a Shielded VM", () => {
      expect(template.name_prefix).toBe("shop-prod-web-");
      expect(template.lifecycle).toEqual({ create_before_destroy: true });
      expect(template.shielded_instance_config).toEqual({ enable_secure_boot: true, enable_vtpm: true, enable_integrity_monitoring: true });
    });

    it("lets Terraform fill in environment values that are tokens, and escapes the rest", () => {
      const withToken = synthWith("gcp", (scope) => {
        const env = { DATABASE_HOST: new TerraformVariable(scope, "db_host", { type: "string" }).stringValue, SHELLISH: "${HOME}" };
        buildIn(scope, { container: { ...CONTAINER, env } });
        new TerraformOutput(scope, "expected", { value: gcpContainerBootScript({ name: "shop-prod-web", image: AR_IMAGE, port: 8080, env }) });
      });
      const script = withToken.only("google_compute_instance_template").metadata["startup-script"];
      expect(script).toContain("DATABASE_HOST=${var.db_host}\n");
      expect(script).toContain("SHELLISH=$${HOME}\n");
      expect(script).toBe(withToken.outputs().expected.value);
    });
  });

  describe("logs", () => {
    it("go to Cloud Logging with the roles every group's service account holds", () => {
      expect(INSTANCE_ROLES).toContain("roles/logging.logWriter");
      const roles = Object.values(synth.resources("google_project_iam_member")).map((binding: any) => [binding.role, binding.member]);
      expect(roles).toContainEqual(["roles/logging.logWriter", ref("google_service_account", saId, "member")]);
    });
  });

  describe("registry access", () => {
    it("an Artifact Registry image gets reader on its repository only, for the group's service account", () => {
      expect(ARTIFACT_REGISTRY_READER).toBe("roles/artifactregistry.reader");
      expect(synth.only("google_artifact_registry_repository_iam_member")).toEqual({
        project: "shop-images",
        location: "europe-west1",
        repository: "apps",
        role: "roles/artifactregistry.reader",
        member: ref("google_service_account", saId, "member"),
      });
      expect(synth.outputs().member.value).toBe(ref("google_service_account", saId, "member"));
    });

    it("reads the repository from multi-region and nested images too", () => {
      const grant = build({ container: { image: `us-docker.pkg.dev/other-project/base/team/api@sha256:${"a".repeat(64)}` } }).only(
        "google_artifact_registry_repository_iam_member",
      );
      expect(grant).toMatchObject({ project: "other-project", location: "us", repository: "base" });
    });

    it("a public image gets no registry permission, and no credential helper in its script", () => {
      const plain = build({ container: { image: PUBLIC_IMAGE } });
      expect(plain.resources("google_artifact_registry_repository_iam_member")).toEqual({});
      expect(plain.only("google_compute_instance_template").metadata["startup-script"]).not.toContain("docker-credential-gcr");
      expect(template.metadata["startup-script"]).toContain("docker-credential-gcr configure-docker --registries=europe-west1-docker.pkg.dev");
    });
  });

  it("creates instances only once the roles and the registry grant exist", () => {
    const grantId = idOf(synth, "google_artifact_registry_repository_iam_member");
    const bindings = Object.keys(synth.resources("google_project_iam_member")).map((id) => `google_project_iam_member.${id}`);
    expect([...synth.only("google_compute_region_instance_group_manager").depends_on].sort()).toEqual(
      [...bindings, `google_artifact_registry_repository_iam_member.${grantId}`].sort(),
    );
    const plain = build({ container: { image: PUBLIC_IMAGE } });
    expect(plain.only("google_compute_region_instance_group_manager").depends_on).toHaveLength(INSTANCE_ROLES.length);
  });

  it("without a container there is no grant, no logging-agent key and the Debian image", () => {
    const plain = build({ container: undefined, startupScript: "#!/bin/bash\n" });
    expect(plain.resources("google_artifact_registry_repository_iam_member")).toEqual({});
    expect(plain.only("google_compute_instance_template").metadata).toEqual({
      "block-project-ssh-keys": "true",
      "enable-oslogin": "TRUE",
      "startup-script": "#!/bin/bash\n",
    });
  });

  describe("release", () => {
    /** The group with its health check, firewall rule and load balancer, wired as the stack wires them, running `image`. */
    const release = (image: string) =>
      synthWith("gcp", (scope) => {
        const network = new GcpNetwork(scope, "network", { name: "shop-prod", region: "europe-west1", subnetCidr: "10.30.0.0/20", privateServiceAccessCidr: "10.31.0.0/16" });
        const healthCheck = new GcpHealthCheck(scope, "health-check", { name: "shop-prod-web", port: 8080, requestPath: "/healthz" });
        const group = new GcpInstanceGroup(
          scope,
          "web",
          groupProps({ container: { ...CONTAINER, image } }, { subnetworkSelfLink: network.subnetworkSelfLink, healthCheckId: healthCheck.id }),
        );
        network.allowLoadBalancerHealthChecks("allow-load-balancer-web", { port: group.port, targetTag: group.networkTag });
        new GcpLoadBalancer(scope, "lb", {
          name: "shop-prod",
          services: [{ name: "web", hostnames: ["shop.example.com"], instanceGroup: group.instanceGroup, portName: group.portName, healthCheckId: healthCheck.id }],
        });
      }).json;

    it("a new image tag changes the instance template's startup script and nothing else, which the group rolls out without downtime", () => {
      const before = release(AR_IMAGE);
      const after = release(AR_IMAGE.replace(":1.4.2", ":1.5.0"));
      // Every resource but the template synthesizes identically: health checks, backend services,
      // firewall rules, the group and its grants.
      const { google_compute_instance_template: templatesBefore, ...othersBefore } = before.resource;
      const { google_compute_instance_template: templatesAfter, ...othersAfter } = after.resource;
      expect(othersAfter).toEqual(othersBefore);
      for (const type of ["google_compute_health_check", "google_compute_backend_service", "google_compute_firewall"]) {
        expect(Object.keys(othersBefore[type] ?? {}).length).toBeGreaterThan(0);
      }
      const templateId = Object.keys(templatesBefore)[0];
      expect(Object.keys(templatesAfter)).toEqual([templateId]);
      const templateBefore = templatesBefore[templateId];
      const templateAfter = templatesAfter[templateId];
      expect(templateAfter.metadata["startup-script"]).toContain(":1.5.0");
      expect({ ...templateAfter, metadata: undefined }).toEqual({ ...templateBefore, metadata: undefined });
      // Zero downtime: metadata forces a new template (unique name, created before the old one goes),
      // the group pins it by self_link_unique and replaces instances surging one per zone, none removed first.
      expect(templateAfter.name_prefix).toBe("shop-prod-web-");
      expect(templateAfter.lifecycle).toEqual({ create_before_destroy: true });
      const [manager] = Object.values(after.resource.google_compute_region_instance_group_manager) as any[];
      expect(manager.version).toEqual([{ name: "primary", instance_template: ref("google_compute_instance_template", templateId, "self_link_unique") }]);
      expect(manager.update_policy).toEqual({ type: "PROACTIVE", minimal_action: "REPLACE", max_surge_fixed: 3, max_unavailable_fixed: 0 });
    });
  });

  describe("validation", () => {
    const withEnv = (env: Record<string, unknown>) => ({ container: { ...CONTAINER, env: env as Record<string, string> } });
    const cases: [string, Partial<GcpInstanceGroupProps>, string][] = [
      ["startupScript next to container", { startupScript: "#!/bin/bash\n" }, "startupScript: is set together with container (container generates the startup script: put the setup into the image, or leave container out)"],
      ["an empty image", { container: { ...CONTAINER, image: "" } }, 'container.image: is empty (an image reference, e.g. "nginx:1.27")'],
      ["a missing image", { container: { env: {} } as unknown as GcpInstanceContainer }, 'container.image: is empty (an image reference, e.g. "nginx:1.27")'],
      ["a malformed image", { container: { ...CONTAINER, image: "nginx 1.27" } }, 'container.image: "nginx 1.27" is not an image reference (registry/repository:tag or ...@sha256:digest, e.g. "nginx:1.27")'],
      ["a variable name starting with a digit", withEnv({ "1ST": "x" }), 'container.env.1ST: is not a variable name (letters, digits and "_", not starting with a digit)'],
      ["a variable name with a hyphen", withEnv({ "APP-MODE": "x" }), 'container.env.APP-MODE: is not a variable name (letters, digits and "_", not starting with a digit)'],
      ["a value that is not a string", withEnv({ PORT: 8080 }), "container.env.PORT: is not a string (a string or a string token)"],
      ["a value with a line break", withEnv({ MOTD: "a\nb" }), "container.env.MOTD: contains a line break (a single-line value)"],
    ];
    it.each(cases)("refuses %s", (_label, overrides, message) => {
      expect(() => build(overrides)).toThrow(new Error(`GcpInstanceGroup 'web': ${message}`));
    });

    it("refuses an image that is a token: the registry grant is derived from the literal", () => {
      expect(() =>
        synthWith("gcp", (scope) => {
          buildIn(scope, { container: { image: new TerraformVariable(scope, "image", { type: "string" }).stringValue } });
        }),
      ).toThrow(new Error("GcpInstanceGroup 'web': container.image: is a token (a literal image reference: the registry permission is derived from it at synthesis)"));
    });
  });
});
