/**
 * The monthly cost estimate, figures worked out by hand from the price table: a real offline
 * plan of aws-dev, a change priced as after − before, what is not estimated, and a Google plan
 * fabricated from the synthesized gcp stacks (there is no Google provider offline).
 */
import * as fs from "fs";
import * as path from "path";
import { estimateCost } from "../../pricing/estimate";
import { PRICE_TABLE, priceOf } from "../../pricing/price-table";
import { synthExampleStacks } from "../support/example-stacks";
import { fabricatedCreatePlan } from "./fabricated-plan";

const FIXTURES = path.join(__dirname, "..", "fixtures", "plans");
const fixture = (name: string) => JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), "utf8"));
const HOURS = 730;
/** The table's figure, failing the test when the table has none: the hand computations below use only these. */
const usd = (item: string, region: string) => {
  const entry = priceOf(item, region);
  if (!entry) throw new Error(`no ${item} for ${region} in the table`);
  return entry.usd;
};
const monthlyOf = (cost: ReturnType<typeof estimateCost>, address: string) => cost.rows.find((row) => row.address === address)?.after?.monthly;

describe("the price table", () => {
  test("every entry has a source URL, an as-of date and says whether it was confirmed", () => {
    expect(PRICE_TABLE.hoursPerMonth).toBe(HOURS);
    expect(PRICE_TABLE.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const entry of PRICE_TABLE.prices) {
      expect(entry).toEqual(expect.objectContaining({ source: expect.stringMatching(/^https:\/\//), asOf: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), confirmed: expect.any(Boolean) }));
      expect(entry.usd).toBeGreaterThanOrEqual(0);
    }
  });

  test("it prices what config/ and examples/ use, in their regions", () => {
    for (const region of ["us-east-1", "eu-west-1", "eu-central-1"]) {
      for (const type of ["t3.small", "t3.medium", "t3.large"]) expect(priceOf(`aws.ec2.${type}`, region)).toBeDefined();
      for (const engine of ["mysql", "postgres"]) {
        for (const deployment of ["single-az", "multi-az"]) {
          for (const instanceClass of ["db.t4g.small", "db.t4g.medium", "db.m6g.large"]) expect(priceOf(`aws.rds.${engine}.${deployment}.${instanceClass}`, region)).toBeDefined();
        }
      }
      for (const item of ["aws.rds.gp3.single-az", "aws.rds.gp3.multi-az", "aws.nat-gateway", "aws.alb", "aws.public-ipv4", "aws.route53.hosted-zone"]) expect(priceOf(item, region)).toBeDefined();
    }
    for (const region of ["us-central1", "europe-west1", "europe-west3"]) {
      for (const type of ["e2-small", "e2-medium", "e2-standard-2"]) expect(priceOf(`gcp.compute.${type}`, region)).toBeDefined();
      for (const item of ["vcpu", "memory", "ssd"]) for (const ha of ["zonal", "regional"]) expect(priceOf(`gcp.sql.${item}.${ha}`, region)).toBeDefined();
      for (const item of ["gcp.cloud-nat.per-vm", "gcp.forwarding-rule.first-5", "gcp.external-ip.forwarding-rule", "gcp.dns.managed-zone"]) expect(priceOf(item, region)).toBeDefined();
    }
  });
});

test("aws-dev created from nothing (a real offline plan): NAT + ALB + instances + RDS + zone, by hand", () => {
  const cost = estimateCost(fixture("aws-dev.create"));
  const r = "eu-west-1";
  // config/dev.yaml: three services of 1 (min) t3.small, one NAT gateway with its Elastic IP, an
  // ALB, a Single-AZ MySQL db.t4g.small with 20 GB gp3, and a hosted zone.
  const expected =
    3 * usd("aws.ec2.t3.small", r) * HOURS +
    usd("aws.nat-gateway", r) * HOURS +
    usd("aws.public-ipv4", r) * HOURS +
    usd("aws.alb", r) * HOURS +
    usd("aws.rds.mysql.single-az.db.t4g.small", r) * HOURS +
    20 * usd("aws.rds.gp3.single-az", r) +
    usd("aws.route53.hosted-zone", r);
  expect(cost.regions).toEqual([r]);
  expect(cost.before).toBe(0);
  expect(cost.after).toBeCloseTo(expected, 6);
  expect(cost.delta).toBeCloseTo(expected, 6);
  expect(cost.after).toBeCloseTo(135.608, 6); // the same sum with the table of 2026-12-01
  expect(monthlyOf(cost, "aws_db_instance.database_instance_D7FC2283")).toBeCloseTo(0.035 * HOURS + 20 * 0.127, 6);
  expect(cost.rows.find((row) => row.address.startsWith("aws_autoscaling_group.service-api"))?.after?.what).toBe("1 × t3.small (minimum size)");
  expect(cost.usageBased).toEqual(expect.arrayContaining(["ALB load balancer capacity units (LCUs)", "NAT gateway data processing (per GB)", "data transfer"]));
  expect(cost.asOf).toBe(PRICE_TABLE.asOf);
  // t3.small, NAT, public IPv4, ALB, the RDS class, gp3, hosted zone: how many were re-checked is said, not hidden.
  expect(cost.pricesUsed).toBe(7);
  expect(cost.unconfirmed).toBe(PRICE_TABLE.prices.filter((entry) => !entry.confirmed && ["aws.ec2.t3.small", "aws.nat-gateway", "aws.rds.mysql.single-az.db.t4g.small", "aws.rds.gp3.single-az"].includes(entry.item) && entry.region === "eu-west-1").length);
  expect(cost.table).toBe("pricing/price-table.json");
});

/** A small plan: an auto scaling group and its launch template, a database, changed by a PR. */
function scalingPlan(change: { before: [string, number, boolean]; after: [string, number, boolean] }) {
  const resource = (address: string, type: string, before: any, after: any, actions = ["update"]) => ({
    address,
    type,
    mode: "managed",
    change: { actions, before, after, after_unknown: {}, before_sensitive: {}, after_sensitive: {} },
  });
  const [beforeType, beforeDesired, beforeMultiAz] = change.before;
  const [afterType, afterDesired, afterMultiAz] = change.after;
  const database = (multiAz: boolean) => ({ instance_class: "db.t4g.medium", engine: "postgres", multi_az: multiAz, allocated_storage: 50, storage_type: "gp3" });
  return {
    format_version: "1.2",
    resource_changes: [
      resource("aws_subnet.a", "aws_subnet", { availability_zone: "us-east-1a" }, { availability_zone: "us-east-1a" }, ["no-op"]),
      resource("aws_launch_template.api", "aws_launch_template", { id: "lt-1", name: "api", instance_type: beforeType }, { id: "lt-1", name: "api", instance_type: afterType }),
      resource("aws_autoscaling_group.api", "aws_autoscaling_group", { name: "api", desired_capacity: beforeDesired, min_size: 1, launch_template: [{ id: "lt-1" }] }, { name: "api", desired_capacity: afterDesired, min_size: 1, launch_template: [{ id: "lt-1" }] }),
      resource("aws_db_instance.db", "aws_db_instance", database(beforeMultiAz), database(afterMultiAz)),
    ],
  };
}

test("the change of a PR is after − before: bigger instances, more of them, Multi-AZ", () => {
  const cost = estimateCost(scalingPlan({ before: ["t3.small", 2, false], after: ["t3.large", 3, true] }));
  const r = "us-east-1";
  const before = (2 * usd("aws.ec2.t3.small", r) + usd("aws.rds.postgres.single-az.db.t4g.medium", r)) * HOURS + 50 * usd("aws.rds.gp3.single-az", r);
  const after = (3 * usd("aws.ec2.t3.large", r) + usd("aws.rds.postgres.multi-az.db.t4g.medium", r)) * HOURS + 50 * usd("aws.rds.gp3.multi-az", r);
  expect(cost.regions).toEqual([r]);
  expect(cost.before).toBeCloseTo(before, 6);
  expect(cost.after).toBeCloseTo(after, 6);
  expect(cost.delta).toBeCloseTo(after - before, 6);
  expect(cost.rows.find((row) => row.address === "aws_autoscaling_group.api")).toEqual({
    address: "aws_autoscaling_group.api",
    before: { address: "aws_autoscaling_group.api", what: "2 × t3.small", monthly: expect.closeTo(2 * 0.0208 * HOURS, 6) },
    after: { address: "aws_autoscaling_group.api", what: "3 × t3.large", monthly: expect.closeTo(3 * 0.0832 * HOURS, 6) },
  });
});

test("an instance type the table does not have is reported as not estimated, not guessed", () => {
  const cost = estimateCost(scalingPlan({ before: ["t3.small", 1, false], after: ["m7i.4xlarge", 1, false] }));
  expect(cost.notEstimated).toContain("`aws_autoscaling_group.api`: instance type m7i.4xlarge: no price for us-east-1 in the table");
  // Only the database is priced after the change; the instances before still are.
  expect(cost.after).toBeCloseTo(usd("aws.rds.postgres.single-az.db.t4g.medium", "us-east-1") * HOURS + 50 * usd("aws.rds.gp3.single-az", "us-east-1"), 6);
  expect(cost.rows.find((row) => row.address === "aws_autoscaling_group.api")?.after).toBeUndefined();
});

test("resource types with no price and regions the table lacks are named", () => {
  const plan = {
    format_version: "1.2",
    resource_changes: [
      { address: "aws_subnet.a", type: "aws_subnet", mode: "managed", change: { actions: ["create"], before: null, after: { availability_zone: "ap-south-2a" }, after_unknown: {} } },
      { address: "aws_nat_gateway.a", type: "aws_nat_gateway", mode: "managed", change: { actions: ["create"], before: null, after: {}, after_unknown: {} } },
      { address: "aws_elasticache_cluster.c", type: "aws_elasticache_cluster", mode: "managed", change: { actions: ["create"], before: null, after: {}, after_unknown: {} } },
    ],
  };
  const cost = estimateCost(plan);
  expect(cost.after).toBe(0);
  expect(cost.notEstimated).toEqual(["`aws_nat_gateway.a`: NAT gateway: no price for ap-south-2 in the table", "`aws_elasticache_cluster`: no price in the table"]);
});

describe("Google Cloud, from plans fabricated from the synthesized gcp stacks", () => {
  const stacks = synthExampleStacks();

  test("gcp-dev: instance groups at the autoscaler minimum, zonal Cloud SQL, Cloud NAT per VM, forwarding rules, zone", () => {
    const cost = estimateCost(fabricatedCreatePlan(stacks["gcp-dev"].json));
    const r = "europe-west1";
    // config/dev.yaml: three services of 1 (min) e2-small; db-custom-1-3840 (1 vCPU, 3.75 GB) ZONAL
    // with 20 GB SSD; Cloud NAT for 3 VMs; HTTP + HTTPS forwarding rules (the first 5 billed
    // together); the load balancer's address (no charge in use); one managed zone.
    const sql = (usd("gcp.sql.vcpu.zonal", r) + 3.75 * usd("gcp.sql.memory.zonal", r)) * HOURS + 20 * usd("gcp.sql.ssd.zonal", r);
    const expected =
      3 * usd("gcp.compute.e2-small", r) * HOURS + sql + 3 * usd("gcp.cloud-nat.per-vm", r) * HOURS + usd("gcp.forwarding-rule.first-5", r) * HOURS + usd("gcp.dns.managed-zone", r);
    expect(cost.regions).toEqual([r]);
    expect(cost.after).toBeCloseTo(expected, 6);
    expect(monthlyOf(cost, "google_sql_database_instance.database_instance_D7FC2283")).toBeCloseTo(sql, 6);
    expect(monthlyOf(cost, "global forwarding rules")).toBeCloseTo(0.025 * HOURS, 6);
    expect(cost.notEstimated).toEqual(expect.arrayContaining(["boot disks of the instances", "`google_secret_manager_secret_version`: no price in the table"]));
    expect(cost.usageBased).toEqual(expect.arrayContaining(["Cloud NAT data processing (per GiB)", "load balancer data processing (per GiB)"]));
  });

  test("gcp-prod: Cloud SQL HA (regional) at the regional rates, e2-medium groups", () => {
    const cost = estimateCost(fabricatedCreatePlan(stacks["gcp-prod"].json));
    const r = "europe-west1";
    // config/prod.yaml: db-custom-2-7680 (2 vCPU, 7.5 GB) REGIONAL with 50 GB SSD; api and chat 2 × e2-medium, config 2 × e2-small.
    const sql = (2 * usd("gcp.sql.vcpu.regional", r) + 7.5 * usd("gcp.sql.memory.regional", r)) * HOURS + 50 * usd("gcp.sql.ssd.regional", r);
    expect(monthlyOf(cost, "google_sql_database_instance.database_instance_D7FC2283")).toBeCloseTo(sql, 6);
    const instances = (4 * usd("gcp.compute.e2-medium", r) + 2 * usd("gcp.compute.e2-small", r)) * HOURS;
    const groups = cost.rows.filter((row) => row.address.startsWith("google_compute_region_instance_group_manager.")).reduce((sum, row) => sum + row.after!.monthly, 0);
    expect(groups).toBeCloseTo(instances, 6);
    expect(monthlyOf(cost, "google_compute_router_nat.network_nat_B2CD8D5F")).toBeCloseTo(6 * usd("gcp.cloud-nat.per-vm", r) * HOURS, 6);
  });
});
