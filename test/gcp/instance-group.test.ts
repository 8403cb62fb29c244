import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { ComputeHealthCheck } from "@cdktf/provider-google/lib/compute-health-check";
import { ComputeSubnetwork } from "@cdktf/provider-google/lib/compute-subnetwork";
import {
  DEFAULT_GCP_IMAGE,
  GcpInstanceGroup,
  GcpInstanceGroupProps,
  INSTANCE_ROLES,
  instanceGroupManagerName,
  serviceAccountId,
} from "../../constructs/gcp/instance-group";
import { schemaProblems } from "../support/provider-schema";
import { renderAsTerraform } from "../support/stub-bin";
import { idOf, ref, synthWith, Synthesized } from "../support/synth";

const STARTUP_SCRIPT = "#!/bin/bash\nset -euo pipefail\napt-get install -y nginx\n";

function buildIn(scope: Construct, overrides: Partial<GcpInstanceGroupProps> = {}): GcpInstanceGroup {
  const subnet = new ComputeSubnetwork(scope, "subnet", {
    name: "private",
    network: "projects/test-project/global/networks/main",
    ipCidrRange: "10.0.0.0/20",
    region: "europe-west1",
  });
  const healthCheck = new ComputeHealthCheck(scope, "hc", { name: "web-hc", httpHealthCheck: { port: 8080, requestPath: "/healthz" } });
  return new GcpInstanceGroup(scope, "web", {
    name: "shop-prod-web",
    project: "test-project",
    region: "europe-west1",
    zones: ["europe-west1-b", "europe-west1-c", "europe-west1-d"],
    subnetworkSelfLink: subnet.selfLink,
    startupScript: STARTUP_SCRIPT,
    port: 8080,
    healthCheckId: healthCheck.id,
    minReplicas: 2,
    maxReplicas: 6,
    ...overrides,
  });
}

/** Synthesizes the group; `attributes` holds its attributes as rendered in Terraform (through an output). */
function build(overrides: Partial<GcpInstanceGroupProps> = {}): { synth: Synthesized; attributes: any } {
  const synth = synthWith("gcp", (scope) => {
    const group = buildIn(scope, overrides);
    const { instanceGroup, instanceGroupManagerId, networkTag, serviceAccountEmail, serviceAccountMember, portName, port } = group;
    new TerraformOutput(scope, "attributes", {
      value: { instanceGroup, instanceGroupManagerId, networkTag, serviceAccountEmail, serviceAccountMember, portName, port },
    });
  });
  return { synth, attributes: synth.outputs().attributes.value };
}

describe("GcpInstanceGroup", () => {
  const { synth, attributes } = build();
  const saId = idOf(synth, "google_service_account");
  const templateId = idOf(synth, "google_compute_instance_template");
  const managerId = idOf(synth, "google_compute_region_instance_group_manager");

  describe("service account", () => {
    it("is dedicated to the group, in the given project", () => {
      expect(synth.only("google_service_account")).toMatchObject({
        project: "test-project",
        account_id: "shop-prod-web-vm",
        display_name: "VMs of shop-prod-web",
      });
    });

    it("holds only the log and metric writer roles, bound to its own member", () => {
      const bindings = Object.values(synth.resources("google_project_iam_member"));
      expect(bindings.map((binding: any) => binding.role).sort()).toEqual(["roles/logging.logWriter", "roles/monitoring.metricWriter"]);
      expect([...INSTANCE_ROLES].sort()).toEqual(["roles/logging.logWriter", "roles/monitoring.metricWriter"]);
      for (const binding of bindings) {
        expect(binding).toEqual(expect.objectContaining({ project: "test-project", member: ref("google_service_account", saId, "member") }));
      }
    });

    it("derives a valid account id (6-30 characters) from any valid group name", () => {
      expect(serviceAccountId("shop-prod-web")).toBe("shop-prod-web-vm");
      expect(serviceAccountId("a")).toBe("a-vm-sa");
      const long = serviceAccountId("a-very-long-project-production-backend-api");
      expect(long).toMatch(/^a-very-long-project-p-[0-9a-f]{8}$/);
      expect(long.length).toBeLessThanOrEqual(30);
      // Names sharing the first 21 characters still get distinct ids.
      expect(serviceAccountId("a-very-long-project-production-backend-web")).not.toBe(long);
      // A truncation ending on "-" does not produce "--".
      expect(serviceAccountId("abcdefghijklmnopqrst-uvwxyz-more-chars")).toMatch(/^abcdefghijklmnopqrst-[0-9a-f]{8}$/);
      for (const name of ["ab", "abc-def", "x".repeat(27), "x".repeat(28), "x".repeat(53)]) {
        const accountId = serviceAccountId(name);
        expect(accountId).toMatch(/^[a-z]([-a-z0-9]*[a-z0-9])$/);
        expect(accountId.length).toBeGreaterThanOrEqual(6);
        expect(accountId.length).toBeLessThanOrEqual(30);
      }
    });
  });

  describe("instance template", () => {
    const template = synth.only("google_compute_instance_template");

    it("is replaced, not edited: a name prefix and create_before_destroy", () => {
      expect(template.name_prefix).toBe("shop-prod-web-");
      expect(template.name).toBeUndefined();
      expect(template.lifecycle).toEqual({ create_before_destroy: true });
      expect(template.project).toBe("test-project");
    });

    it("boots the default Debian 12 family on a 20 GB balanced disk with the default machine type", () => {
      expect(template.machine_type).toBe("e2-medium");
      expect(DEFAULT_GCP_IMAGE).toBe("debian-cloud/debian-12");
      expect(template.disk).toEqual([
        { boot: true, auto_delete: true, source_image: "debian-cloud/debian-12", disk_size_gb: 20, disk_type: "pd-balanced" },
      ]);
      expect(synth.json.data).toBeUndefined();
    });

    it("attaches to the subnetwork without an external IP", () => {
      expect(template.network_interface).toEqual([{ subnetwork: ref("google_compute_subnetwork", "subnet", "self_link") }]);
      expect(template.network_interface[0].access_config).toBeUndefined();
    });

    it("is a Shielded VM: secure boot, vTPM and integrity monitoring", () => {
      expect(template.shielded_instance_config).toEqual({
        enable_secure_boot: true,
        enable_vtpm: true,
        enable_integrity_monitoring: true,
      });
    });

    it("blocks project-wide SSH keys, turns on OS Login and carries the startup script", () => {
      expect(template.metadata).toEqual({
        "block-project-ssh-keys": "true",
        "enable-oslogin": "TRUE",
        "startup-script": STARTUP_SCRIPT,
      });
    });

    it("runs as the dedicated service account and carries the network tag", () => {
      expect(template.service_account).toEqual({
        email: ref("google_service_account", saId, "email"),
        scopes: ["https://www.googleapis.com/auth/cloud-platform"],
      });
      expect(template.tags).toEqual(["shop-prod-web"]);
    });

    it("has no startup script entry when none is given, and honours machine type, image, disk size and type", () => {
      const { synth: custom } = build({
        startupScript: undefined,
        machineType: "n2-standard-2",
        image: "ubuntu-os-cloud/ubuntu-2404-lts-amd64",
        diskSizeGb: 50,
        diskType: "pd-ssd",
      });
      const other = custom.only("google_compute_instance_template");
      expect(other.metadata).toEqual({ "block-project-ssh-keys": "true", "enable-oslogin": "TRUE" });
      expect(other.machine_type).toBe("n2-standard-2");
      expect(other.disk[0]).toMatchObject({ source_image: "ubuntu-os-cloud/ubuntu-2404-lts-amd64", disk_size_gb: 50, disk_type: "pd-ssd" });
    });
  });

  describe("startup script text", () => {
    /** The startup-script value of a group built with `script`, as the VM receives it once Terraform has read the template. */
    const received = (script: string) => {
      const value = build({ startupScript: script }).synth.only("google_compute_instance_template").metadata["startup-script"];
      // No references to fill in: renderAsTerraform fails on any interpolation or directive left unescaped.
      return { value, rendered: renderAsTerraform(value, {}) };
    };

    it("reaches the VM as written: shell ${...}, a %{...} lookalike and a literal $${...} are escaped for Terraform", () => {
      const script = '#!/bin/bash\necho "${PORT:-3000} on %{HOSTNAME} in ${HOME}"\necho \'%{x} $${x} ${x}\'\n';
      const { value, rendered } = received(script);
      expect(value).toBe('#!/bin/bash\necho "$${PORT:-3000} on %%{HOSTNAME} in $${HOME}"\necho \'%%{x} $$${x} $${x}\'\n');
      expect(rendered).toBe(script);
    });

    it("leaves a script without ${ or %{ unchanged (the example configs' scripts synthesize as before)", () => {
      expect(received(STARTUP_SCRIPT).value).toBe(STARTUP_SCRIPT);
      expect(received("echo $HOME 100% {x} $ {y}\n").value).toBe("echo $HOME 100% {x} $ {y}\n");
    });
  });

  it("every resource is valid against the google 6.50.0 schema", () => {
    expect(schemaProblems(synth.json)).toEqual([]);
  });

  describe("externalIp (network without Cloud NAT)", () => {
    it("adds one ephemeral external IPv4 address (an empty access_config) on the same subnetwork", () => {
      const template = build({ externalIp: true }).synth.only("google_compute_instance_template");
      expect(template.network_interface).toEqual([
        { subnetwork: ref("google_compute_subnetwork", "subnet", "self_link"), access_config: [{}] },
      ]);
    });

    it("changes nothing else about the VMs: same tag, metadata and shielded config", () => {
      const withIp = build({ externalIp: true }).synth.only("google_compute_instance_template");
      const without = synth.only("google_compute_instance_template");
      expect({ ...withIp, network_interface: undefined }).toEqual({ ...without, network_interface: undefined });
    });

    it("is off unless asked for", () => {
      expect(build({ externalIp: false }).synth.only("google_compute_instance_template").network_interface[0].access_config).toBeUndefined();
    });
  });

  describe("managed instance group", () => {
    const manager = synth.only("google_compute_region_instance_group_manager");

    it("is regional, spread over the given zones, and runs the template", () => {
      expect(manager).toMatchObject({
        project: "test-project",
        // sha256("europe-west1-b,europe-west1-c,europe-west1-d") starts with 358b5f.
        name: "shop-prod-web-358b5f",
        base_instance_name: "shop-prod-web",
        region: "europe-west1",
        distribution_policy_zones: ["europe-west1-b", "europe-west1-c", "europe-west1-d"],
      });
      expect(manager.version).toEqual([
        { name: "primary", instance_template: ref("google_compute_instance_template", templateId, "self_link_unique") },
      ]);
    });

    it("publishes the named port and auto-heals with the health check after the initial delay", () => {
      expect(manager.named_port).toEqual([{ name: "http", port: 8080 }]);
      expect(manager.auto_healing_policies).toEqual({
        health_check: ref("google_compute_health_check", "hc", "id"),
        initial_delay_sec: 300,
      });
    });

    it("rolls out proactively, surging one instance per zone and never removing a serving one first", () => {
      expect(manager.update_policy).toEqual({
        type: "PROACTIVE",
        minimal_action: "REPLACE",
        max_surge_fixed: 3,
        max_unavailable_fixed: 0,
      });
      const { synth: single } = build({ zones: ["europe-west1-b"] });
      expect(single.only("google_compute_region_instance_group_manager").update_policy.max_surge_fixed).toBe(1);
    });

    it("survives a zone change: a new group named after the zones, created before the old one is deleted", () => {
      // distribution_policy_zones is ForceNew; the backend service and the autoscaler follow the new
      // group through references (updated in place) before Terraform deletes the old one.
      expect(manager.lifecycle).toEqual({ create_before_destroy: true });
      const { synth: moved } = build({ zones: ["europe-west1-b", "europe-west1-c"] });
      const movedManager = moved.only("google_compute_region_instance_group_manager");
      expect(movedManager.name).toBe(instanceGroupManagerName("shop-prod-web", ["europe-west1-b", "europe-west1-c"]));
      expect(movedManager.name).not.toBe(manager.name);
      expect(movedManager.base_instance_name).toBe("shop-prod-web");
      const movedId = idOf(moved, "google_compute_region_instance_group_manager");
      expect(moved.only("google_compute_region_autoscaler")).toMatchObject({
        name: "shop-prod-web",
        target: ref("google_compute_region_instance_group_manager", movedId, "id"),
      });
    });

    it("keeps its name when the same zones are listed in another order (the provider holds them as a set)", () => {
      expect(instanceGroupManagerName("web", ["europe-west1-d", "europe-west1-b"])).toBe(
        instanceGroupManagerName("web", ["europe-west1-b", "europe-west1-d"]),
      );
      expect(instanceGroupManagerName("a".repeat(53), ["europe-west1-b"])).toHaveLength(60);
    });

    it("leaves the size to the autoscaler and waits for the role bindings", () => {
      expect(manager.target_size).toBeUndefined();
      const bindingIds = Object.keys(synth.resources("google_project_iam_member"));
      expect([...manager.depends_on].sort()).toEqual(bindingIds.map((id) => `google_project_iam_member.${id}`).sort());
    });
  });

  describe("autoscaler", () => {
    it("scales the group on CPU between min and max, ignoring instances during the initial delay", () => {
      expect(synth.only("google_compute_region_autoscaler")).toEqual({
        project: "test-project",
        name: "shop-prod-web",
        region: "europe-west1",
        target: ref("google_compute_region_instance_group_manager", managerId, "id"),
        autoscaling_policy: {
          mode: "ON",
          min_replicas: 2,
          max_replicas: 6,
          cooldown_period: 300,
          cpu_utilization: { target: 0.6 },
        },
      });
    });

    it("follows cpuTarget and initialDelaySeconds", () => {
      const { synth: custom } = build({ cpuTarget: 0.75, initialDelaySeconds: 120 });
      expect(custom.only("google_compute_region_autoscaler").autoscaling_policy).toMatchObject({
        cooldown_period: 120,
        cpu_utilization: { target: 0.75 },
      });
      expect(custom.only("google_compute_region_instance_group_manager").auto_healing_policies.initial_delay_sec).toBe(120);
    });
  });

  it("exposes the group URL, network tag, service account and port for wiring", () => {
    expect(attributes).toEqual({
      instanceGroup: ref("google_compute_region_instance_group_manager", managerId, "instance_group"),
      instanceGroupManagerId: ref("google_compute_region_instance_group_manager", managerId, "id"),
      networkTag: "shop-prod-web",
      serviceAccountEmail: ref("google_service_account", saId, "email"),
      serviceAccountMember: ref("google_service_account", saId, "member"),
      portName: "http",
      port: 8080,
    });
    expect(build({ portName: "web" }).attributes.portName).toBe("web");
    expect(build({ portName: "web" }).synth.only("google_compute_region_instance_group_manager").named_port).toEqual([
      { name: "web", port: 8080 },
    ]);
  });

  describe("validation", () => {
    const cases: [string, Partial<GcpInstanceGroupProps>, string][] = [
      ["upper-case name", { name: "Shop-web" }, `GcpInstanceGroup 'web': name: "Shop-web" is not a valid name (lower-case letters, digits and "-", starting with a letter, not ending with "-", at most 53 characters)`],
      ["name ending with -", { name: "shop-" }, `GcpInstanceGroup 'web': name: "shop-" is not a valid name`],
      ["name too long", { name: "a".repeat(54) }, `name: "${"a".repeat(54)}" is not a valid name`],
      ["empty project", { project: "" }, "GcpInstanceGroup 'web': project: is empty (the id of the project holding the instances)"],
      ["bad project id", { project: "Test" }, `GcpInstanceGroup 'web': project: "Test" is not a project id (lower-case letters, digits and "-", 6 to 30 characters, starting with a letter)`],
      ["empty region", { region: "" }, `GcpInstanceGroup 'web': region: is empty (a Compute Engine region such as "europe-west1")`],
      ["zone as region", { region: "europe-west1-b" }, `GcpInstanceGroup 'web': region: "europe-west1-b" is not a region (a Compute Engine region such as "europe-west1")`],
      ["no zones", { zones: [] }, `GcpInstanceGroup 'web': zones: no zone given (at least one zone of europe-west1, e.g. "europe-west1-b")`],
      ["empty zone", { zones: [""] }, `GcpInstanceGroup 'web': zones[0]: is empty (a zone of europe-west1, e.g. "europe-west1-b")`],
      ["zone of another region", { zones: ["europe-west1-b", "europe-west4-a"] }, `GcpInstanceGroup 'web': zones[1]: "europe-west4-a" is not a zone of region europe-west1 ("europe-west1-<letter>", e.g. "europe-west1-b")`],
      ["zone of a region sharing the prefix", { zones: ["europe-west10-a"] }, `zones[0]: "europe-west10-a" is not a zone of region europe-west1`],
      ["repeated zone", { zones: ["europe-west1-b", "europe-west1-b"] }, `GcpInstanceGroup 'web': zones[1]: "europe-west1-b" is listed twice (distinct zones)`],
      ["empty subnetwork", { subnetworkSelfLink: "" }, "GcpInstanceGroup 'web': subnetworkSelfLink: is empty (the self link of the subnetwork)"],
      ["externalIp not a boolean", { externalIp: "yes" as any }, `GcpInstanceGroup 'web': externalIp: "yes" is not a boolean (true in a network without Cloud NAT, false otherwise)`],
      ["bad machine type", { machineType: "t3.medium" }, `GcpInstanceGroup 'web': machineType: "t3.medium" is not a machine type (series-shape, e.g. "e2-medium" or "n2-standard-2")`],
      ["empty image", { image: "" }, `GcpInstanceGroup 'web': image: is empty (an image family such as "debian-cloud/debian-12", an image name or URL)`],
      ["empty startup script", { startupScript: "" }, "GcpInstanceGroup 'web': startupScript: is empty (a shell script, or leave it unset)"],
      ["port 0", { port: 0 }, "GcpInstanceGroup 'web': port: 0 is not a TCP port (an integer from 1 to 65535)"],
      ["port too high", { port: 65536 }, "GcpInstanceGroup 'web': port: 65536 is not a TCP port (an integer from 1 to 65535)"],
      ["fractional port", { port: 80.5 }, "port: 80.5 is not a TCP port"],
      ["bad port name", { portName: "HTTP" }, `GcpInstanceGroup 'web': portName: "HTTP" is not a valid port name (lower-case letters, digits and "-", starting with a letter, at most 63 characters)`],
      ["empty health check", { healthCheckId: "" }, "GcpInstanceGroup 'web': healthCheckId: is empty (the id of the health check used for auto-healing)"],
      ["negative initial delay", { initialDelaySeconds: -1 }, "GcpInstanceGroup 'web': initialDelaySeconds: -1 is not allowed (an integer from 0 to 3600)"],
      ["initial delay too long", { initialDelaySeconds: 3601 }, "initialDelaySeconds: 3601 is not allowed (an integer from 0 to 3600)"],
      ["negative min", { minReplicas: -1 }, "GcpInstanceGroup 'web': minReplicas: -1 is not allowed (an integer >= 0)"],
      ["max 0", { minReplicas: 0, maxReplicas: 0 }, "GcpInstanceGroup 'web': maxReplicas: 0 is not allowed (an integer >= 1)"],
      ["min above max", { minReplicas: 4, maxReplicas: 3 }, "GcpInstanceGroup 'web': minReplicas: 4 is greater than maxReplicas 3 (minReplicas <= maxReplicas)"],
      ["cpu target as percent", { cpuTarget: 60 }, "GcpInstanceGroup 'web': cpuTarget: 60 is not allowed (a fraction from 0.05 to 0.95, e.g. 0.6 for 60 %)"],
      ["cpu target too low", { cpuTarget: 0.01 }, "cpuTarget: 0.01 is not allowed"],
      ["cpu target too high", { cpuTarget: 0.96 }, "cpuTarget: 0.96 is not allowed"],
      ["disk too small", { diskSizeGb: 9 }, "GcpInstanceGroup 'web': diskSizeGb: 9 is not allowed (an integer from 10 to 65536)"],
      ["disk too large", { diskSizeGb: 65537 }, "diskSizeGb: 65537 is not allowed"],
      ["bad disk type", { diskType: "gp3" }, `GcpInstanceGroup 'web': diskType: "gp3" is not a disk type (e.g. "pd-balanced", "pd-ssd" or "hyperdisk-balanced")`],
    ];
    it.each(cases)("rejects %s", (_label, overrides, message) => {
      expect(() => build(overrides)).toThrow(message);
    });

    it("accepts the boundaries", () => {
      expect(() =>
        build({ name: "a".repeat(53), minReplicas: 0, maxReplicas: 1, cpuTarget: 0.05, initialDelaySeconds: 0, diskSizeGb: 10, port: 65535 }),
      ).not.toThrow();
      expect(() => build({ minReplicas: 3, maxReplicas: 3, cpuTarget: 0.95, initialDelaySeconds: 3600, port: 1 })).not.toThrow();
      expect(() => build({ region: "northamerica-northeast1", zones: ["northamerica-northeast1-a"] })).not.toThrow();
    });
  });
});
