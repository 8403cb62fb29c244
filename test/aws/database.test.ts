import { TerraformOutput, TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Database, DatabaseProps, parameterGroupFamily } from "../../constructs/aws/database";
import { idOf, ref, synthWith, Synthesized } from "../support/synth";

/** Builds the database next to two client security groups, admitted in this order unless `open` is false. */
function buildIn(scope: Construct, overrides: Partial<DatabaseProps> = {}, open = true): Database {
  const web = new SecurityGroup(scope, "web-sg", { name: "web", vpcId: "vpc-123" });
  const worker = new SecurityGroup(scope, "worker-sg", { name: "worker", vpcId: "vpc-123" });
  const database = new Database(scope, "db", {
    name: "prod-db",
    engine: "postgres",
    engineVersion: "16",
    instanceClass: "db.t4g.medium",
    vpcId: "vpc-123",
    subnetIds: ["subnet-db-a", "subnet-db-b"],
    ...overrides,
  });
  if (open) {
    database.allowFrom({ securityGroupId: web.id });
    database.allowFrom({ securityGroupId: worker.id });
  }
  return database;
}

/** Builds in a stack and synthesizes it with the construct validations, as `cdktf synth` does. */
function synthValidated(build: (scope: Construct) => void): string {
  const stack = new TerraformStack(Testing.app(), "test");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  build(stack);
  return Testing.synth(stack, true);
}

function build(overrides: Partial<DatabaseProps> = {}): Synthesized {
  return synthWith("aws", (scope) => buildIn(scope, overrides));
}

const props = (overrides: Partial<DatabaseProps> = {}) => () => build(overrides);

/** Every key anywhere in a JSON document. */
function allKeys(value: unknown, keys: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((item) => allKeys(item, keys));
  else if (value && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) {
      keys.push(key);
      allKeys(child, keys);
    }
  }
  return keys;
}

/** The final snapshot is named after the instance's creation time (see "lifecycle" below). */
const FINAL_SNAPSHOT_IDENTIFIER = 'prod-db-final-${formatdate("YYYYMMDDhhmmss", timestamp())}';

describe("Database", () => {
  const synth = build();
  const instance = synth.only("aws_db_instance");
  const dbSgId = idOf(synth, "aws_security_group", (group) => group.name === "prod-db-db");
  const dbSg = ref("aws_security_group", dbSgId, "id");
  const clients = [ref("aws_security_group", "web-sg", "id"), ref("aws_security_group", "worker-sg", "id")];
  const instanceId = idOf(synth, "aws_db_instance");

  describe("instance", () => {
    it("runs the requested engine, version and class under the given identifier", () => {
      expect(instance).toMatchObject({
        identifier: "prod-db",
        engine: "postgres",
        engine_version: "16",
        instance_class: "db.t4g.medium",
        port: 5432,
        db_name: "app",
        username: "app_admin",
        tags: { Name: "prod-db" },
      });
    });

    it("lets RDS generate and keep the master password: no password anywhere in the configuration", () => {
      expect(instance.manage_master_user_password).toBe(true);
      const keys = allKeys(synth.json);
      expect(keys.filter((key) => /password/i.test(key) && key !== "manage_master_user_password")).toEqual([]);
      expect(keys).not.toContain("password");
      expect(keys).not.toContain("password_wo");
    });

    it("stores data encrypted on autoscaling gp3 storage", () => {
      expect(instance).toMatchObject({
        storage_encrypted: true,
        storage_type: "gp3",
        allocated_storage: 20,
        max_allocated_storage: 100,
      });
    });

    it("is private, multi-AZ, backed up for 7 days and protected from deletion with a final snapshot", () => {
      expect(instance).toMatchObject({
        publicly_accessible: false,
        multi_az: true,
        backup_retention_period: 7,
        copy_tags_to_snapshot: true,
        deletion_protection: true,
        skip_final_snapshot: false,
        final_snapshot_identifier: FINAL_SNAPSHOT_IDENTIFIER,
        auto_minor_version_upgrade: true,
        performance_insights_enabled: false,
      });
    });

    it("exports the PostgreSQL logs to CloudWatch", () => {
      expect(instance.enabled_cloudwatch_logs_exports).toEqual(["postgresql", "upgrade"]);
    });

    it("uses its subnet group, security group and parameter group", () => {
      expect(instance.db_subnet_group_name).toBe(ref("aws_db_subnet_group", idOf(synth, "aws_db_subnet_group"), "name"));
      expect(instance.vpc_security_group_ids).toEqual([dbSg]);
      expect(instance.parameter_group_name).toBe(ref("aws_db_parameter_group", idOf(synth, "aws_db_parameter_group"), "name"));
    });
  });

  describe("lifecycle", () => {
    it("upgrades a major version at once, on a new parameter group created before the old one is deleted", () => {
      // 8.0 -> 8.4 changes engine_version and the family: the group's name changes with the family, so
      // Terraform creates the new group, moves the instance now (not in the maintenance window, when the
      // old group would still be attached as Terraform deletes it) and then deletes the old group.
      const before = build({ engine: "mysql", engineVersion: "8.0" });
      const after = build({ engine: "mysql", engineVersion: "8.4" });
      for (const synthesized of [before, after]) {
        expect(synthesized.only("aws_db_instance")).toMatchObject({ allow_major_version_upgrade: true, apply_immediately: true });
        expect(synthesized.only("aws_db_parameter_group").lifecycle).toEqual({ create_before_destroy: true });
      }
      expect(before.only("aws_db_parameter_group")).toMatchObject({ name: "prod-db-mysql8-0", family: "mysql8.0" });
      expect(after.only("aws_db_parameter_group")).toMatchObject({ name: "prod-db-mysql8-4", family: "mysql8.4" });
      expect(after.only("aws_db_instance").parameter_group_name).toBe(
        ref("aws_db_parameter_group", idOf(after, "aws_db_parameter_group"), "name"),
      );
    });

    it("names the final snapshot after the creation time and keeps that name (no diff on later plans)", () => {
      // timestamp() is unknown until apply; ignore_changes keeps the value stored at creation, so a
      // re-created environment gets a new name and an existing one never shows a change.
      expect(instance.final_snapshot_identifier).toBe(FINAL_SNAPSHOT_IDENTIFIER);
      expect(instance.lifecycle).toEqual({ ignore_changes: ["final_snapshot_identifier"] });
    });
  });

  it("places the instance on the database subnets", () => {
    expect(synth.only("aws_db_subnet_group")).toMatchObject({
      name: "prod-db",
      subnet_ids: ["subnet-db-a", "subnet-db-b"],
      tags: { Name: "prod-db" },
    });
  });

  describe("parameter group", () => {
    it("forces TLS on PostgreSQL with the family of the major version", () => {
      expect(synth.only("aws_db_parameter_group")).toMatchObject({
        name: "prod-db-postgres16",
        family: "postgres16",
        parameter: [{ name: "rds.force_ssl", value: "1", apply_method: "pending-reboot" }],
        lifecycle: { create_before_destroy: true },
      });
    });

    it("requires secure transport on MySQL and writes the exported slow query log to files", () => {
      const mysql = build({ engine: "mysql", engineVersion: "8.0.39" });
      const group = mysql.only("aws_db_parameter_group");
      expect(group).toMatchObject({ name: "prod-db-mysql8-0", family: "mysql8.0" });
      const values = Object.fromEntries(group.parameter.map((parameter: any) => [parameter.name, parameter.value]));
      expect(values).toEqual({ require_secure_transport: "1", slow_query_log: "1", long_query_time: "2", log_output: "FILE" });
      const db = mysql.only("aws_db_instance");
      expect(db).toMatchObject({ engine: "mysql", engine_version: "8.0.39", port: 3306 });
      expect(db.enabled_cloudwatch_logs_exports).toEqual(["error", "slowquery"]);
    });

    it("derives the family from engine and major version", () => {
      expect(parameterGroupFamily("mysql", "8.0")).toBe("mysql8.0");
      expect(parameterGroupFamily("mysql", "8.4")).toBe("mysql8.4");
      expect(parameterGroupFamily("mysql", "8.4.3")).toBe("mysql8.4");
      expect(parameterGroupFamily("postgres", "13")).toBe("postgres13");
      expect(parameterGroupFamily("postgres", "16.4")).toBe("postgres16");
      expect(parameterGroupFamily("postgres", "17")).toBe("postgres17");
      expect(parameterGroupFamily("mysql", "5.7")).toBeUndefined();
      expect(parameterGroupFamily("postgres", "12")).toBeUndefined();
      expect(parameterGroupFamily("postgres", "16.4.1")).toBeUndefined();
    });
  });

  describe("network access", () => {
    it("gives the database a security group without inline rules", () => {
      const group = synth.resources("aws_security_group")[dbSgId];
      expect(group).toMatchObject({ vpc_id: "vpc-123", tags: { Name: "prod-db-db" } });
      expect(group.ingress).toBeUndefined();
      expect(group.egress).toBeUndefined();
    });

    it("allowFrom(client) admits the database port only from each client security group, numbered in call order", () => {
      const ingress = synth.resources("aws_vpc_security_group_ingress_rule");
      expect(Object.keys(ingress)).toEqual([
        expect.stringMatching(/^db_ingress-from-client-0_[0-9A-F]{8}$/),
        expect.stringMatching(/^db_ingress-from-client-1_[0-9A-F]{8}$/),
      ]);
      expect(Object.values(ingress)).toEqual(
        clients.map((client, index) => ({
          security_group_id: dbSg,
          referenced_security_group_id: client,
          description: `Port 5432 from database client ${index}`,
          ip_protocol: "tcp",
          from_port: 5432,
          to_port: 5432,
          tags: { Name: "prod-db" },
        })),
      );
    });

    it("allowFrom(client) opens each client's egress to the database port", () => {
      const egress = synth.resources("aws_vpc_security_group_egress_rule");
      expect(Object.keys(egress)).toEqual([
        expect.stringMatching(/^db_client-0-egress-to-database_[0-9A-F]{8}$/),
        expect.stringMatching(/^db_client-1-egress-to-database_[0-9A-F]{8}$/),
      ]);
      expect(Object.values(egress)).toEqual(
        clients.map((client) => ({
          security_group_id: client,
          referenced_security_group_id: dbSg,
          description: "To database prod-db on port 5432",
          ip_protocol: "tcp",
          from_port: 5432,
          to_port: 5432,
          tags: { Name: "prod-db" },
        })),
      );
    });

    it("opens nothing until allowFrom is called", () => {
      const closed = synthWith("aws", (scope) => buildIn(scope, {}, false));
      expect(closed.resources("aws_vpc_security_group_ingress_rule")).toEqual({});
      expect(closed.resources("aws_vpc_security_group_egress_rule")).toEqual({});
    });

    it("uses the engine's port (3306 on mysql)", () => {
      const mysql = build({ engine: "mysql", engineVersion: "8.0" });
      const rules = [
        ...Object.values(mysql.resources("aws_vpc_security_group_ingress_rule")),
        ...Object.values(mysql.resources("aws_vpc_security_group_egress_rule")),
      ] as any[];
      expect(rules).toHaveLength(4);
      for (const rule of rules) expect(rule).toMatchObject({ from_port: 3306, to_port: 3306 });
    });
  });

  it("exposes references for wiring", () => {
    let database!: Database;
    const wired = synthWith("aws", (scope) => {
      database = buildIn(scope);
      new TerraformOutput(scope, "endpoint", { value: database.endpoint });
      new TerraformOutput(scope, "address", { value: database.address });
      new TerraformOutput(scope, "secret", { value: database.secretArn });
      new TerraformOutput(scope, "sg", { value: database.securityGroupId });
      new TerraformOutput(scope, "identifier", { value: database.identifier });
    });
    const outputs = wired.outputs();
    expect(outputs.endpoint.value).toBe(ref("aws_db_instance", instanceId, "endpoint"));
    expect(outputs.address.value).toBe(ref("aws_db_instance", instanceId, "address"));
    expect(outputs.secret.value).toBe(ref("aws_db_instance", instanceId, "master_user_secret[0].secret_arn"));
    expect(outputs.sg.value).toBe(dbSg);
    expect(outputs.identifier.value).toBe(ref("aws_db_instance", instanceId, "identifier"));
    expect(database.port).toBe(5432);
    expect(database.engine).toBe("postgres");
  });

  it("applies explicit options", () => {
    const custom = build({
      engine: "mysql",
      engineVersion: "8.4",
      databaseName: "shop",
      masterUsername: "shop_admin",
      allocatedStorageGb: 100,
      maxAllocatedStorageGb: 500,
      multiAz: false,
      backupRetentionDays: 35,
      deletionProtection: false,
      skipFinalSnapshot: true,
      performanceInsights: true,
    });
    expect(custom.only("aws_db_instance")).toMatchObject({
      db_name: "shop",
      username: "shop_admin",
      allocated_storage: 100,
      max_allocated_storage: 500,
      multi_az: false,
      backup_retention_period: 35,
      deletion_protection: false,
      skip_final_snapshot: true,
      final_snapshot_identifier: FINAL_SNAPSHOT_IDENTIFIER,
      performance_insights_enabled: true,
    });
    expect(custom.only("aws_db_parameter_group").family).toBe("mysql8.4");
  });

  describe("validation", () => {
    const error = (prop: string) => `Database 'db': ${prop}: `;

    it("rejects unsupported engines and versions, listing what is allowed", () => {
      expect(props({ engine: "mysql", engineVersion: "5.7" })).toThrow(
        `${error("engineVersion")}mysql 5.7 is not supported (mysql 8.0, 8.4; postgres 13, 14, 15, 16, 17;`,
      );
      expect(props({ engine: "postgres", engineVersion: "12" })).toThrow(`${error("engineVersion")}postgres 12 is not supported`);
      expect(props({ engine: "postgres", engineVersion: "8.0" })).toThrow(`${error("engineVersion")}postgres 8.0 is not supported`);
      expect(props({ engine: "mariadb" as any, engineVersion: "10.11" })).toThrow(
        `${error("engine")}"mariadb" is not supported (mysql 8.0, 8.4; postgres 13, 14, 15, 16, 17)`,
      );
    });

    it("enforces RDS identifier rules on the name", () => {
      const rules = "(lowercase letters, digits and hyphens, starting with a letter";
      expect(props({ name: "1db" })).toThrow(`${error("name")}"1db" is not a valid RDS identifier ${rules}`);
      expect(props({ name: "Prod-db" })).toThrow(error("name"));
      expect(props({ name: "prod_db" })).toThrow(error("name"));
      expect(props({ name: "prod--db" })).toThrow(error("name"));
      expect(props({ name: "prod-db-" })).toThrow(error("name"));
      expect(props({ name: "d".repeat(64) })).toThrow("at most 63 characters");
      expect(props({ name: "d".repeat(63) })).not.toThrow();
      expect(props({ name: "sg-db" })).toThrow(`${error("name")}"sg-db" starts with "sg-"`);
    });

    it("requires a VPC and two subnets", () => {
      expect(props({ subnetIds: ["subnet-a"] })).toThrow(
        `${error("subnetIds")}1 subnet given (at least two database subnets in different availability zones)`,
      );
      expect(props({ vpcId: "" })).toThrow(`${error("vpcId")}is empty`);
    });

    it("fails synthesis when no client was admitted, naming the construct and the call to make", () => {
      expect(() => synthValidated((scope) => buildIn(scope, {}, false))).toThrow(
        "[test/db] Database 'db': no client admitted (call allowFrom(client) for each instance group that uses it; until then nothing reaches port 5432)",
      );
      expect(() => synthValidated((scope) => buildIn(scope))).not.toThrow();
    });

    it("allowFrom refuses a peer without a security group, itself, and a client admitted twice", () => {
      const allowFrom = (peer: (database: Database) => { securityGroupId: string }) => () =>
        synthWith("aws", (scope) => {
          const database = buildIn(scope);
          database.allowFrom(peer(database));
        });
      expect(allowFrom(() => ({ securityGroupId: "" }))).toThrow(
        "Database 'db': allowFrom: the peer has no securityGroupId (pass a LoadBalancer, InstanceGroup or Database)",
      );
      expect(allowFrom((database) => database)).toThrow("Database 'db': allowFrom: a construct cannot admit itself");
      expect(() =>
        synthWith("aws", (scope) => {
          const database = buildIn(scope, {}, false);
          const client = { securityGroupId: new SecurityGroup(scope, "client-sg", { name: "client", vpcId: "vpc-123" }).id };
          database.allowFrom(client);
          database.allowFrom(client);
        }),
      ).toThrow("Database 'db': allowFrom: this peer is already admitted");
    });

    it("rejects malformed instance classes, database names and user names", () => {
      expect(props({ instanceClass: "t4g.medium" })).toThrow(`${error("instanceClass")}"t4g.medium" is not an RDS instance class`);
      expect(props({ databaseName: "my-app" })).toThrow(`${error("databaseName")}"my-app" is not a valid postgres database name`);
      expect(props({ masterUsername: "a".repeat(17), engine: "mysql", engineVersion: "8.0" })).toThrow(
        `${error("masterUsername")}"${"a".repeat(17)}" is not a valid mysql user name (a letter, then letters, digits or underscores, at most 16 characters)`,
      );
      expect(props({ masterUsername: "a".repeat(17) })).not.toThrow();
      expect(props({ masterUsername: "rdsadmin" })).toThrow(`${error("masterUsername")}"rdsadmin" is reserved`);
      expect(props({ masterUsername: "pg_admin" })).toThrow(`${error("masterUsername")}"pg_admin" is reserved`);
    });

    it("enforces storage limits", () => {
      expect(props({ allocatedStorageGb: 10 })).toThrow(`${error("allocatedStorageGb")}10 is not allowed (an integer from 20 to 65536)`);
      expect(props({ allocatedStorageGb: 100 })).toThrow(
        `${error("maxAllocatedStorageGb")}100 is not allowed with allocatedStorageGb 100 (an integer from 110 (10% above the allocated storage) to 65536)`,
      );
      expect(props({ allocatedStorageGb: 50, maxAllocatedStorageGb: 54 })).toThrow(error("maxAllocatedStorageGb"));
      expect(props({ allocatedStorageGb: 50, maxAllocatedStorageGb: 55 })).not.toThrow();
      expect(props({ maxAllocatedStorageGb: 70000 })).toThrow(error("maxAllocatedStorageGb"));
    });

    it("keeps backup retention between 7 and 35 days", () => {
      expect(props({ backupRetentionDays: 1 })).toThrow(`${error("backupRetentionDays")}1 is not allowed (an integer from 7 to 35)`);
      expect(props({ backupRetentionDays: 0 })).toThrow(error("backupRetentionDays"));
      expect(props({ backupRetentionDays: 36 })).toThrow(error("backupRetentionDays"));
    });
  });
});

describe("Database.grantSecretRead", () => {
  test("lets one role read exactly the master secret", () => {
    const synth = synthWith("aws", (scope) => buildIn(scope).grantSecretRead("api", "web-prod-api-instance"));
    const policy = synth.only("aws_iam_role_policy");
    expect(policy.name).toBe("api-read-database-secret");
    expect(policy.role).toBe("web-prod-api-instance");
    expect(policy.policy).toBe(
      '${jsonencode({"Version" = "2012-10-17", "Statement" = [{"Sid" = "ReadDatabaseSecret", "Effect" = "Allow", ' +
        '"Action" = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], ' +
        `"Resource" = aws_db_instance.${idOf(synth, "aws_db_instance")}.master_user_secret[0].secret_arn}]})}`,
    );
  });
});

describe("Database deletion and upgrades", () => {
  test("keeps automated backups after deletion and allows major version upgrades by default", () => {
    expect(build().only("aws_db_instance")).toMatchObject({ delete_automated_backups: false, allow_major_version_upgrade: true });
  });

  test("retainAutomatedBackups: false deletes them with the instance", () => {
    expect(build({ retainAutomatedBackups: false }).only("aws_db_instance").delete_automated_backups).toBe(true);
  });
});
