/**
 * Day-2 changes to the GCP stacks of config/ (issue 11). There is no Google provider binary on the
 * build machines, so nothing is planned: each test synthesizes an environment before and after an
 * edit and reads, resource by resource, what Terraform would replace — a ForceNew argument of
 * hashicorp/google 6.50.0 that changes (test/fixtures/google-6.50.0-force-new.json, read from the
 * provider source), or one that reads an unknown value of a replaced resource. Every replacement
 * must be safe: (a) create_before_destroy (set, or inherited from a create_before_destroy resource
 * that depends on it) under a name that changes, so the new one never collides with the live one;
 * or (b) delete-first with nothing that outlives it still referring to it (GCP refuses to delete a
 * resource in use); or (c) listed in KNOWN with the reason. No stateful resource is replaced or removed.
 */
import { EnvironmentSpec } from "../../environment/schema";
import { synthesizeStackJson } from "../../stacks/synthesize";
import { exampleEnvironments } from "../support/example-stacks";
import facts from "../fixtures/google-6.50.0-force-new.json";

const FORCE_NEW: Record<string, string[]> = facts.forceNew;
/** Never replaced nor removed by a day-2 change: their data or identity lives in them. */
const STATEFUL = ["google_sql_database_instance", "google_sql_database", "google_dns_managed_zone", "google_secret_manager_secret", "google_compute_network"];

type Resources = Map<string, { type: string; config: any }>;

const loaded = exampleEnvironments();
/** A fresh, editable copy of config/<name>.yaml, GCP only. */
function environment(name: string): EnvironmentSpec {
  const spec = structuredClone(loaded.find((candidate) => candidate.name === name)!);
  return { ...spec, aws: undefined };
}

function synth(spec: EnvironmentSpec): Resources {
  const stack = synthesizeStackJson([spec])[`gcp-${spec.name}`];
  const resources: Resources = new Map();
  for (const [type, byName] of Object.entries<Record<string, any>>(stack.resource)) {
    for (const [name, config] of Object.entries(byName)) resources.set(`${type}.${name}`, { type, config });
  }
  return resources;
}

const REFERENCE = /\$\{([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)\.([a-z_]+)/g;
/** Every "type.name.attribute" interpolated anywhere in a value (ephemeral, data and the like excluded by the lookup). */
const referencesIn = (value: unknown): [string, string][] =>
  [...JSON.stringify(value ?? null).matchAll(REFERENCE)].map((match) => [`${match[1]}.${match[2]}`, match[3]]);

/** The values at a dotted path, descending into every element of a list of blocks. */
function valuesAt(value: any, path: string[]): unknown[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value) && path.length > 0) return value.flatMap((item) => valuesAt(item, path));
  if (path.length === 0) return [value];
  return valuesAt(value[path[0]], path.slice(1));
}

interface Transition {
  created: string[];
  removed: string[];
  /** Replaced address → the ForceNew arguments that force it. */
  replaced: Map<string, string[]>;
  before: Resources;
  after: Resources;
}

function transition(before: Resources, after: Resources): Transition {
  const created = [...after.keys()].filter((address) => !before.has(address));
  const removed = [...before.keys()].filter((address) => !after.has(address));
  const replaced = new Map<string, string[]>();
  // A reference to a replaced resource is unknown in the plan, unless it reads an argument set in config that stays the same.
  const unknown = ([address, attribute]: [string, string]) =>
    replaced.has(address) &&
    !(attribute in after.get(address)!.config && JSON.stringify(after.get(address)!.config[attribute]) === JSON.stringify(before.get(address)!.config[attribute]));
  for (let changed = true; changed; ) {
    changed = false;
    for (const [address, { type, config }] of after) {
      const old = before.get(address);
      if (!old || replaced.has(address)) continue;
      const forceNew = FORCE_NEW[type];
      if (!forceNew) throw new Error(`no ForceNew facts for ${type} (add it to test/fixtures/google-6.50.0-force-new.json)`);
      const ignored: string[] = config.lifecycle?.ignore_changes ?? [];
      const paths = forceNew.filter((path) => {
        if (ignored.some((ignore) => ignore.replace(/\[\d+\]/g, "") === path)) return false;
        const [was, now] = [valuesAt(old.config, path.split(".")), valuesAt(config, path.split("."))];
        return JSON.stringify(was) !== JSON.stringify(now) || now.some((value) => referencesIn(value).some(unknown));
      });
      if (paths.length > 0) {
        replaced.set(address, paths);
        changed = true;
      }
    }
  }
  return { created, removed, replaced, before, after };
}

/** Resources create_before_destroy: set in config, or inherited by everything a create_before_destroy resource depends on. */
function createBeforeDestroy(resources: Resources): Set<string> {
  const found = new Set<string>();
  const visit = (address: string) => {
    if (found.has(address) || !resources.has(address)) return;
    found.add(address);
    const { config } = resources.get(address)!;
    for (const [dependency] of referencesIn({ ...config, lifecycle: undefined })) visit(dependency);
    for (const dependency of config.depends_on ?? []) visit(dependency);
  };
  for (const [address, { config }] of resources) if (config.lifecycle?.create_before_destroy) visit(address);
  return found;
}

/** What identifies the resource in GCP (a name in config); undefined when it has none or a generated one. */
const fixedName = (config: any): string | undefined => (config.name_prefix ? undefined : (config.name ?? config.account_id ?? config.secret_id));

/**
 * Every unsafe replacement or removal of a transition, one line each; empty when the change is safe. `known`: replacements
 * documented as safe for a reason these rules cannot see, address pattern → reason (none is needed today).
 */
function problems(change: Transition, known: Record<string, string> = {}): string[] {
  const { before, after, replaced } = change;
  const cbd = createBeforeDestroy(after);
  const lines: string[] = [];
  for (const address of change.removed) {
    if (STATEFUL.includes(before.get(address)!.type)) lines.push(`${address}: stateful, removed`);
  }
  for (const [address, paths] of replaced) {
    if (Object.keys(known).some((pattern) => new RegExp(pattern).test(address))) continue;
    const { type, config } = after.get(address)!;
    const why = `(${paths.join(", ")} change)`;
    if (STATEFUL.includes(type)) {
      lines.push(`${address}: stateful, replaced ${why}`);
    } else if (cbd.has(address)) {
      const name = fixedName(config);
      if (name !== undefined && name === fixedName(before.get(address)!.config)) {
        lines.push(`${address}: create_before_destroy under the same name "${name}" ${why}: the new one collides with the live one`);
      }
    } else {
      // Delete-first: whatever still refers to it until after its replacement exists makes GCP refuse the delete.
      const holders = [...before]
        .filter(([holder]) => holder !== address && after.has(holder) && !replaced.has(holder))
        .filter(([, { config: held }]) => referencesIn({ ...held, depends_on: undefined }).some(([target]) => target === address))
        .map(([holder]) => holder);
      if (holders.length > 0) lines.push(`${address}: replaced delete-first ${why} while ${holders.join(", ")} still refer(s) to it`);
    }
  }
  return lines;
}

/** "<type> <action>" → count, for pinning what a change does. */
function summary(change: Transition): Record<string, number> {
  const counts: Record<string, number> = {};
  const add = (key: string) => (counts[key] = (counts[key] ?? 0) + 1);
  for (const address of change.created) add(`${change.after.get(address)!.type} create`);
  for (const address of change.removed) add(`${change.before.get(address)!.type} delete`);
  for (const address of change.replaced.keys()) add(`${change.after.get(address)!.type} replace`);
  return counts;
}

const baselines = new Map<string, Resources>();
const baseline = (name: string) => baselines.get(name) ?? baselines.set(name, synth(environment(name))).get(name)!;

/** The transition of config/<name>.yaml edited by `edit`, from the unedited stack (or from `from`, edited). */
function change(name: string, edit: (spec: EnvironmentSpec) => void, from?: (spec: EnvironmentSpec) => void): Transition {
  let before = baseline(name);
  if (from) {
    const spec = environment(name);
    from(spec);
    before = synth(spec);
  }
  const spec = environment(name);
  from?.(spec);
  edit(spec);
  return transition(before, synth(spec));
}

/** Addresses kept but changed in place. */
const updated = (change: Transition) =>
  [...change.after.keys()].filter(
    (address) => change.before.has(address) && !change.replaced.has(address) && JSON.stringify(change.before.get(address)!.config) !== JSON.stringify(change.after.get(address)!.config),
  );
const only = (resources: Resources, type: string, part = "") => [...resources].filter(([address]) => address.startsWith(`${type}.`) && address.includes(part));
const TEMPLATE = "google_compute_instance_template replace";
const CANARY = { strategy: "canary" as const, canary: { image: "traefik/whoami:v1.10.4", percent: 10 } };
/** A whole service's resources (its new hostname's certificate resources are counted apart). */
const SERVICE = {
  "google_compute_backend_service": 1, "google_compute_firewall": 1, "google_compute_instance_template": 1, "google_compute_region_autoscaler": 1,
  "google_compute_region_instance_group_manager": 1, "google_project_iam_member": 2, "google_secret_manager_secret_iam_member": 1, "google_service_account": 1,
};
const counted = (counts: Record<string, number>, action: string) => Object.fromEntries(Object.entries(counts).map(([type, n]) => [`${type} ${action}`, n]));
const HOSTNAME = { "google_certificate_manager_certificate": 1, "google_certificate_manager_certificate_map_entry": 1, "google_certificate_manager_dns_authorization": 1, "google_dns_record_set": 2 };

test("the checker finds a delete-first replacement still in use, and a create_before_destroy one under the same name", () => {
  const zones = change("dev", (spec) => spec.gcp!.zones.push("europe-west1-d"));
  const strip = (keepName: boolean) => {
    const after: Resources = new Map([...zones.after].map(([address, resource]) => [address, structuredClone(resource)]));
    for (const [address, { config }] of only(after, "google_compute_region_instance_group_manager")) {
      if (keepName) config.name = zones.before.get(address)!.config.name;
      else delete config.lifecycle;
    }
    return problems(transition(zones.before, after));
  };
  expect(strip(false)).toEqual([expect.stringMatching(/service-api_group.*delete-first.*google_compute_backend_service\.load-balancer_backend-api/), expect.anything(), expect.anything()]);
  expect(strip(true)).toEqual([expect.stringMatching(/service-api_group.*same name "web-dev-api-a986ae"/), expect.anything(), expect.anything()]);
});

describe.each(["dev", "prod"])("day-2 changes to gcp-%s, from the synthesized resources", (name) => {
  test("no change replaces, creates or removes nothing", () => {
    expect(summary(change(name, () => undefined))).toEqual({});
  });

  test("changing the zones replaces each group create-before-destroy under a zones-hashed name; the backends follow in place", () => {
    const c = change(name, (spec) => (spec.gcp!.zones.length > 2 ? spec.gcp!.zones.pop() : spec.gcp!.zones.push("europe-west1-d")));
    expect(summary(c)).toEqual({ "google_compute_region_instance_group_manager replace": 3 });
    for (const [address, { config }] of only(c.after, "google_compute_region_instance_group_manager")) {
      expect(config.lifecycle).toEqual({ create_before_destroy: true });
      expect(config.name).not.toBe(c.before.get(address)!.config.name);
    }
    expect(updated(c).filter((address) => !address.startsWith("google_compute_region_instance_group_manager."))).toEqual([]);
    expect(problems(c)).toEqual([]);
  });

  test("changing a service port replaces its template only; group, backend, health check and firewall update in place", () => {
    const c = change(name, (spec) => {
      spec.services[0].port = 3001;
      spec.services[0].env = { ...spec.services[0].env, WHOAMI_PORT_NUMBER: "3001" };
    });
    expect(summary(c)).toEqual({ [TEMPLATE]: 1 });
    expect([...c.replaced.keys()]).toEqual([expect.stringMatching(/^google_compute_instance_template\.service-api_/)]);
    expect(only(c.after, "google_compute_region_instance_group_manager", "service-api")[0][1].config.named_port).toEqual([{ name: "http", port: 3001 }]);
    expect(updated(c).every((address) => /api/.test(address))).toBe(true);
    expect(problems(c)).toEqual([]);
  });

  test("changing a hostname creates and deletes that hostname's certificate resources only; the others are untouched", () => {
    const c = change(name, (spec) => (spec.services[0].hostnames = [`api2.${spec.domain}`, ...(spec.services[0].hostnames ?? []).slice(1)]));
    expect(summary(c)).toEqual({ ...counted(HOSTNAME, "create"), ...counted(HOSTNAME, "delete") });
    for (const address of [...c.created, ...c.removed]) expect(address).toMatch(/api2?(dev)?examplecom/);
    // Only the no-SNI entry (which serves the first hostname's certificate) and the URL map follow in place.
    expect(updated(c).map((address) => address.split(".")[0]).sort()).toEqual(["google_certificate_manager_certificate_map_entry", "google_compute_url_map"]);
    expect(problems(c)).toEqual([]);
  });

  test.each([
    ["a bigger machine size", "machine_type", (spec: EnvironmentSpec) => (spec.services[0].size = "large")],
    ["a new image tag", "metadata", (spec: EnvironmentSpec) => (spec.services[0].image = "traefik/whoami:v1.10.4")],
  ])("%s replaces the template only (name_prefix, create-before-destroy); the group follows in place", (_, argument, edit) => {
    const c = change(name, edit);
    expect(summary(c)).toEqual({ [TEMPLATE]: 1 });
    const [[address, paths]] = [...c.replaced];
    expect(paths).toEqual([argument]);
    expect(c.after.get(address)!.config).toMatchObject({ name_prefix: expect.any(String), lifecycle: { create_before_destroy: true } });
    expect(c.after.get(address)!.config.name).toBeUndefined();
    // The group's config is unchanged: its version reads the new template's self_link_unique, an in-place update.
    expect(updated(c)).toEqual([]);
    expect(problems(c)).toEqual([]);
  });

  test("a bigger database (tier and storage) changes the instance in place", () => {
    const c = change(name, (spec) => {
      spec.database!.size = "large";
      spec.database!.storageGb = (spec.database!.storageGb ?? 20) + 10;
    });
    expect(summary(c)).toEqual({});
    expect(updated(c)).toEqual([expect.stringMatching(/^google_sql_database_instance\./)]);
    expect(problems(c)).toEqual([]);
  });

  test("adding a service creates its resources and its hostname's, and replaces nothing", () => {
    const c = change(name, (spec) => spec.services.push({ ...structuredClone(spec.services[2]), name: "admin", hostnames: [`admin.${spec.domain}`] }));
    expect(summary(c)).toEqual({ ...counted({ ...SERVICE, ...HOSTNAME, google_compute_health_check: 1 }, "create") });
    expect(problems(c)).toEqual([]);
  });

  test("removing a service deletes its resources and its hostname's only; the database, secret and zone stay", () => {
    const c = change(name, (spec) => spec.services.splice(1, 1));
    expect(summary(c)).toEqual({ ...counted({ ...SERVICE, ...HOSTNAME, google_compute_health_check: 1 }, "delete") });
    for (const address of c.removed) expect(address).toMatch(/chat/);
    expect(problems(c)).toEqual([]);
  });

  test("starting a canary adds its own group and backend service, and replaces nothing", () => {
    const c = change(name, (spec) => (spec.services[0].release = CANARY));
    expect(summary(c)).toEqual(counted(SERVICE, "create"));
    expect(c.created.every((address) => /canary/.test(address))).toBe(true);
    expect(problems(c)).toEqual([]);
  });

  test("promoting the canary deletes its resources and replaces the stable template with the canary image", () => {
    const c = change(
      name,
      (spec) => {
        spec.services[0].image = CANARY.canary.image;
        delete spec.services[0].release;
      },
      (spec) => (spec.services[0].release = CANARY),
    );
    expect(summary(c)).toEqual({ ...counted(SERVICE, "delete"), [TEMPLATE]: 1 });
    expect(c.removed.every((address) => /canary/.test(address))).toBe(true);
    expect(problems(c)).toEqual([]);
  });
});

test("turning production into development replaces and removes nothing (protection is lifted in place)", () => {
  const c = change("prod", (spec) => (spec.stage = "development"));
  expect(summary(c)).toEqual({});
  expect(updated(c).map((address) => address.split(".")[0]).sort()).toEqual(["google_dns_managed_zone", "google_secret_manager_secret", "google_sql_database_instance"]);
  expect(problems(c)).toEqual([]);
});
