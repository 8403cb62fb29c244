import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { ComputeNetwork } from "@cdktf/provider-google/lib/compute-network";
import { ServiceNetworkingConnection } from "@cdktf/provider-google/lib/service-networking-connection";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import { CloudSqlDatabase, CloudSqlDatabaseProps, cloudSqlDatabaseVersion } from "../../constructs/gcp/cloud-sql";
import { schemaProblems } from "../support/provider-schema";
import { idOf, ref, synthWith, Synthesized } from "../support/synth";

/** Builds the database next to the VPC and the private service connection it needs. */
function buildIn(scope: Construct, overrides: Partial<CloudSqlDatabaseProps> = {}, id = "db"): CloudSqlDatabase {
  const network = (scope.node.tryFindChild("vpc") as ComputeNetwork) ?? new ComputeNetwork(scope, "vpc", { name: "prod", autoCreateSubnetworks: false });
  const connection =
    (scope.node.tryFindChild("psa") as ServiceNetworkingConnection) ??
    new ServiceNetworkingConnection(scope, "psa", {
      network: network.id,
      service: "servicenetworking.googleapis.com",
      reservedPeeringRanges: ["prod-psa"],
    });
  return new CloudSqlDatabase(scope, id, {
    name: "prod-db",
    project: "my-project",
    region: "europe-west1",
    engine: "postgres",
    engineVersion: "16",
    tier: "db-custom-2-7680",
    networkId: network.id,
    privateServiceConnection: connection,
    ...overrides,
  });
}

function build(overrides: Partial<CloudSqlDatabaseProps> = {}): Synthesized {
  return synthWith("gcp", (scope) => buildIn(scope, overrides));
}

const props = (overrides: Partial<CloudSqlDatabaseProps> = {}) => () => build(overrides);
const error = (prop: string) => `CloudSqlDatabase 'db': ${prop}: `;

/** Every [key, value] pair anywhere in a JSON document. */
function allEntries(value: unknown, entries: [string, unknown][] = []): [string, unknown][] {
  if (Array.isArray(value)) value.forEach((item) => allEntries(item, entries));
  else if (value && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) {
      entries.push([key, child]);
      allEntries(child, entries);
    }
  }
  return entries;
}

describe("CloudSqlDatabase", () => {
  const synth = build();
  const instance = synth.only("google_sql_database_instance");
  const instanceId = idOf(synth, "google_sql_database_instance");
  const passwordNames = Object.keys(synth.json.ephemeral?.random_password ?? {});
  const passwordRef = ref("ephemeral.random_password", passwordNames[0], "result");
  const secretId = idOf(synth, "google_secret_manager_secret");

  describe("instance", () => {
    it("runs the requested engine and tier in the given project and region, on the ENTERPRISE edition", () => {
      expect(instance).toMatchObject({
        name: "prod-db",
        project: "my-project",
        region: "europe-west1",
        database_version: "POSTGRES_16",
        settings: { tier: "db-custom-2-7680", edition: "ENTERPRISE" },
      });
    });

    it("maps engine and version to Cloud SQL version names, using only the major version", () => {
      expect(cloudSqlDatabaseVersion("mysql", "8.0")).toBe("MYSQL_8_0");
      expect(cloudSqlDatabaseVersion("mysql", "8.4")).toBe("MYSQL_8_4");
      expect(cloudSqlDatabaseVersion("mysql", "8.0.39")).toBe("MYSQL_8_0");
      expect(cloudSqlDatabaseVersion("postgres", "16")).toBe("POSTGRES_16");
      expect(cloudSqlDatabaseVersion("postgres", "13.4")).toBe("POSTGRES_13");
      expect(cloudSqlDatabaseVersion("mysql", "5.7")).toBeUndefined();
      expect(cloudSqlDatabaseVersion("postgres", "8.0")).toBeUndefined();
      const mysql = build({ engine: "mysql", engineVersion: "8.4" }).only("google_sql_database_instance");
      expect(mysql.database_version).toBe("MYSQL_8_4");
    });

    it("takes ENTERPRISE_PLUS only for performance-optimized tiers", () => {
      const plus = build({ tier: "db-perf-optimized-N-2" }).only("google_sql_database_instance");
      expect(plus.settings.edition).toBe("ENTERPRISE_PLUS");
    });

    it("has a private IP in the VPC only, TLS only, and no authorized networks", () => {
      expect(instance.settings.ip_configuration).toEqual({
        ipv4_enabled: false,
        private_network: ref("google_compute_network", "vpc", "id"),
        ssl_mode: "ENCRYPTED_ONLY",
      });
      const keys = allEntries(synth.json).map(([key]) => key);
      expect(keys).not.toContain("authorized_networks");
      expect(keys).not.toContain("require_ssl");
    });

    it("waits for the private service connection", () => {
      expect(instance.depends_on).toContain(`google_service_networking_connection.psa`);
    });

    it("is highly available, on autoresizing SSD with a ceiling, by default", () => {
      expect(instance.settings).toMatchObject({
        availability_type: "REGIONAL",
        disk_type: "PD_SSD",
        disk_size: 20,
        disk_autoresize: true,
        disk_autoresize_limit: 100,
      });
      const zonal = build({ highAvailability: false, diskSizeGb: 50, diskAutoresizeLimitGb: 500 }).only("google_sql_database_instance");
      expect(zonal.settings).toMatchObject({ availability_type: "ZONAL", disk_size: 50, disk_autoresize_limit: 500 });
    });

    it("is protected from deletion in Terraform and in the API by default", () => {
      expect(instance.deletion_protection).toBe(true);
      expect(instance.settings.deletion_protection_enabled).toBe(true);
      expect(synth.only("google_secret_manager_secret").deletion_protection).toBe(true);
    });

    it("turns every deletion protection off explicitly when asked (the provider would default to true)", () => {
      const dev = build({ deletionProtection: false });
      const devInstance = dev.only("google_sql_database_instance");
      expect(devInstance.deletion_protection).toBe(false);
      expect(devInstance.settings.deletion_protection_enabled).toBe(false);
      expect(dev.only("google_secret_manager_secret").deletion_protection).toBe(false);
    });

    it("backs up daily with point-in-time recovery through WAL on PostgreSQL, keeping 7 backups", () => {
      expect(instance.settings.backup_configuration).toEqual({
        enabled: true,
        start_time: "02:00",
        point_in_time_recovery_enabled: true,
        // the API wants fewer days of transaction log than retained backups
        transaction_log_retention_days: 6,
        backup_retention_settings: { retained_backups: 7, retention_unit: "COUNT" },
      });
      expect(instance.settings.retain_backups_on_delete).toBe(true);
    });

    it("uses the binary log for point-in-time recovery on MySQL", () => {
      const mysql = build({ engine: "mysql", engineVersion: "8.0", backupRetentionDays: 30, backupStartTime: "23:30" });
      expect(mysql.only("google_sql_database_instance").settings.backup_configuration).toEqual({
        enabled: true,
        start_time: "23:30",
        binary_log_enabled: true,
        transaction_log_retention_days: 7,
        backup_retention_settings: { retained_backups: 30, retention_unit: "COUNT" },
      });
    });

    it("lets autoresize own the disk size after creation (Terraform would try to shrink it back)", () => {
      expect(instance.lifecycle).toEqual({ ignore_changes: ["settings[0].disk_size"] });
    });

    it("has a weekly maintenance window, Sunday 03:00 UTC unless told otherwise", () => {
      expect(instance.settings.maintenance_window).toEqual({ day: 7, hour: 3, update_track: "stable" });
      const custom = build({ maintenanceWindow: { day: 2, hour: 22 } }).only("google_sql_database_instance");
      expect(custom.settings.maintenance_window).toEqual({ day: 2, hour: 22, update_track: "stable" });
    });

    it("enforces a password policy on every user", () => {
      expect(instance.settings.password_validation_policy).toEqual({
        enable_password_policy: true,
        min_length: 16,
        complexity: "COMPLEXITY_DEFAULT",
      });
    });

    it("carries labels on the instance and the secret only when given", () => {
      expect(instance.settings.user_labels).toBeUndefined();
      const labelled = build({ labels: { team: "web" } });
      expect(labelled.only("google_sql_database_instance").settings.user_labels).toEqual({ team: "web" });
      expect(labelled.only("google_secret_manager_secret").labels).toEqual({ team: "web" });
    });
  });

  describe("database and user", () => {
    it("creates the database in the instance", () => {
      expect(synth.only("google_sql_database")).toEqual({
        name: "app",
        project: "my-project",
        instance: ref("google_sql_database_instance", instanceId, "name"),
        deletion_policy: "ABANDON",
      });
    });

    it("creates the user in the instance with the generated password, write-only (no host on PostgreSQL)", () => {
      expect(synth.only("google_sql_user")).toEqual({
        name: "app",
        project: "my-project",
        instance: ref("google_sql_database_instance", instanceId, "name"),
        password_wo: passwordRef,
        password_wo_version: 1,
        deletion_policy: "ABANDON",
      });
    });

    it("admits the MySQL user from any host of the private network and deletes it normally", () => {
      const mysql = build({ engine: "mysql", engineVersion: "8.0", databaseName: "shop", userName: "shop_app" });
      expect(mysql.only("google_sql_user")).toMatchObject({ name: "shop_app", host: "%" });
      expect(mysql.only("google_sql_user").deletion_policy).toBeUndefined();
      expect(mysql.only("google_sql_database").name).toBe("shop");
      expect(mysql.only("google_sql_database").deletion_policy).toBeUndefined();
    });
  });

  describe("password", () => {
    it("is drawn by one ephemeral random_password: long, with only specials that are safe in connection strings", () => {
      expect(passwordNames).toHaveLength(1);
      const password = synth.json.ephemeral.random_password[passwordNames[0]];
      expect(password.length).toBeGreaterThanOrEqual(32);
      expect(password.special).toBe(true);
      expect(password.override_special).toMatch(/^[-_.~]+$/);
      expect(password).toMatchObject({ min_lower: 2, min_upper: 2, min_numeric: 2, min_special: 2 });
    });

    it("is never a managed random_password, so neither state nor plans hold it", () => {
      expect(synth.resources("random_password")).toEqual({});
      expect(synth.json.data?.random_password).toBeUndefined();
    });

    it("is kept in Secret Manager with automatic replication, write-only, replaced create-before-destroy", () => {
      expect(synth.only("google_secret_manager_secret")).toMatchObject({
        secret_id: "prod-db-db-password",
        project: "my-project",
        replication: { auto: {} },
      });
      expect(synth.only("google_secret_manager_secret_version")).toEqual({
        secret: ref("google_secret_manager_secret", secretId, "id"),
        secret_data_wo: passwordRef,
        secret_data_wo_version: 1,
        lifecycle: { create_before_destroy: true },
      });
    });

    it("has one version for the user and its secret copy, so a bump rotates both together", () => {
      const rotated = build({ passwordVersion: 4 });
      expect(rotated.only("google_sql_user").password_wo_version).toBe(4);
      expect(rotated.only("google_secret_manager_secret_version").secret_data_wo_version).toBe(4);
      // Only the version changes: the ephemeral block and every reference stay as they are.
      expect(rotated.json.ephemeral).toEqual(synth.json.ephemeral);
      expect(rotated.only("google_sql_user").password_wo).toBe(passwordRef);
    });

    it("rejects a version that is not an integer from 1", () => {
      for (const version of [0, -1, 1.5, NaN]) {
        expect(props({ passwordVersion: version })).toThrow(
          `${error("passwordVersion")}${version} is not allowed (an integer from 1; bump it to rotate the password)`,
        );
      }
      expect(props({ passwordVersion: 2 })).not.toThrow();
    });

    it("never appears as a literal: every password or secret value is a write-only reference to the ephemeral password", () => {
      for (const json of [synth.json, build({ engine: "mysql", engineVersion: "8.0" }).json]) {
        const secrets = allEntries(json).filter(([key]) => /password(_wo)?$|^secret_data(_wo)?$/.test(key) && key !== "random_password");
        expect(secrets.map(([key]) => key).sort()).toEqual(["password_wo", "secret_data_wo"]);
        for (const [, value] of secrets) expect(value).toMatch(/^\$\{ephemeral\.random_password\.[^.]+\.result\}$/);
      }
    });

    it("is valid against the google 6.50.0 and random 3.7.2 schemas (ephemeral values in write-only arguments only)", () => {
      for (const json of [synth.json, build({ engine: "mysql", engineVersion: "8.0", passwordVersion: 3 }).json]) {
        expect(schemaProblems(json)).toEqual([]);
        expect(schemaProblems(json, "random-3.7.2", "random_")).toEqual([]);
      }
    });

    it("is caught by the schema check if it ever flowed into an argument that is stored", () => {
      const json = JSON.parse(JSON.stringify(synth.json));
      const [userId] = Object.keys(json.resource.google_sql_user);
      json.resource.google_sql_user[userId].password = passwordRef;
      expect(schemaProblems(json)).toEqual([`google_sql_user.${userId}.password: an ephemeral value is only allowed in a write-only argument`]);
      json.ephemeral.random_password[passwordNames[0]].lenght = 40;
      expect(schemaProblems(json, "random-3.7.2", "random_")).toEqual([
        `ephemeral.random_password.${passwordNames[0]}.lenght: no argument or block type is named "lenght"`,
      ]);
    });
  });

  describe("random provider", () => {
    it("is declared (required_providers), which the ephemeral random_password needs", () => {
      expect(synth.json.terraform.required_providers.random).toMatchObject({ source: "hashicorp/random" });
    });

    it("is added once, however many databases need it", () => {
      expect(synth.json.provider.random).toHaveLength(1);
      const two = synthWith("gcp", (scope) => {
        buildIn(scope);
        buildIn(scope, { name: "reports-db" }, "reports");
      });
      expect(two.json.provider.random).toHaveLength(1);
      const names = Object.keys(two.json.ephemeral.random_password);
      expect(names).toHaveLength(2);
      // Each database uses its own draw.
      expect(Object.values(two.resources("google_sql_user")).map((user: any) => user.password_wo).sort()).toEqual(
        names.map((name) => ref("ephemeral.random_password", name, "result")).sort(),
      );
    });

    it("is not added when the stack already has one", () => {
      const existing = synthWith("gcp", (scope) => {
        new RandomProvider(scope, "my-random", {});
        buildIn(scope);
      });
      expect(existing.json.provider.random).toHaveLength(1);
    });
  });

  describe("attributes", () => {
    it("reference the instance, database, user and secret", () => {
      const wired = synthWith("gcp", (scope) => {
        const db = buildIn(scope);
        expect(db.databaseVersion).toBe("POSTGRES_16");
        expect(db.port).toBe(5432);
        expect(db.engine).toBe("postgres");
        new TerraformOutput(scope, "instance_name", { value: db.instanceName });
        new TerraformOutput(scope, "connection_name", { value: db.connectionName });
        new TerraformOutput(scope, "private_ip", { value: db.privateIpAddress });
        new TerraformOutput(scope, "database_name", { value: db.databaseName });
        new TerraformOutput(scope, "user_name", { value: db.userName });
        new TerraformOutput(scope, "password_secret", { value: db.passwordSecretId });
      });
      const outputs = wired.outputs();
      expect(outputs.instance_name.value).toBe(ref("google_sql_database_instance", instanceId, "name"));
      expect(outputs.connection_name.value).toBe(ref("google_sql_database_instance", instanceId, "connection_name"));
      expect(outputs.private_ip.value).toBe(ref("google_sql_database_instance", instanceId, "private_ip_address"));
      expect(outputs.database_name.value).toBe(ref("google_sql_database", idOf(wired, "google_sql_database"), "name"));
      expect(outputs.user_name.value).toBe(ref("google_sql_user", idOf(wired, "google_sql_user"), "name"));
      expect(outputs.password_secret.value).toBe(ref("google_secret_manager_secret", secretId, "id"));
    });
  });

  describe("validation", () => {
    it("rejects unsupported engines and versions, listing what is allowed", () => {
      expect(props({ engine: "mysql", engineVersion: "5.7" })).toThrow(
        `${error("engineVersion")}mysql 5.7 is not supported (mysql supports 8.0, 8.4; a major version, or a full version whose major version is supported)`,
      );
      expect(props({ engine: "postgres", engineVersion: "12" })).toThrow(
        `${error("engineVersion")}postgres 12 is not supported (postgres supports 13, 14, 15, 16, 17;`,
      );
      expect(props({ engineVersion: "latest" })).toThrow(`${error("engineVersion")}postgres latest is not supported`);
      expect(props({ engine: "sqlserver" as any })).toThrow(`${error("engine")}"sqlserver" is not supported (mysql or postgres)`);
    });

    it("rejects invalid instance names", () => {
      const rules = '(lowercase letters, digits and hyphens, starting with a letter, not ending with "-", at most 63 characters)';
      expect(props({ name: "1db" })).toThrow(`${error("name")}"1db" is not a valid Cloud SQL instance name ${rules}`);
      expect(props({ name: "Prod-db" })).toThrow(error("name"));
      expect(props({ name: "prod_db" })).toThrow(error("name"));
      expect(props({ name: "prod-db-" })).toThrow(error("name"));
      expect(props({ name: "d".repeat(64) })).toThrow(error("name"));
      expect(props({ name: "d".repeat(63) })).not.toThrow();
    });

    it("rejects a malformed project or region", () => {
      expect(props({ project: "" })).toThrow(`${error("project")}is empty (the id of the project that holds the instance)`);
      expect(props({ project: "My_Project" })).toThrow(
        `${error("project")}"My_Project" is not a project id (6-30 lowercase letters, digits and hyphens, starting with a letter)`,
      );
      expect(props({ region: "" })).toThrow(`${error("region")}is empty`);
      expect(props({ region: "europe-west1-b" })).toThrow(
        `${error("region")}"europe-west1-b" is not a region (a region such as "europe-west1", not a zone such as "europe-west1-b")`,
      );
    });

    it("rejects malformed tiers and predefined tiers on PostgreSQL", () => {
      expect(props({ tier: "n1-standard-2" })).toThrow(
        `${error("tier")}"n1-standard-2" is not a Cloud SQL tier (a machine type starting with "db-", e.g. "db-custom-2-7680")`,
      );
      expect(props({ tier: "db-" })).toThrow(error("tier"));
      expect(props({ tier: "db-n1-standard-2" })).toThrow(
        `${error("tier")}"db-n1-standard-2" is a predefined tier, which PostgreSQL does not take`,
      );
      expect(props({ engine: "mysql", engineVersion: "8.0", tier: "db-n1-standard-2" })).not.toThrow();
      expect(props({ tier: "db-g1-small" })).not.toThrow();
    });

    it("requires the network; without a connection of its own it relies on the network's existing peering", () => {
      expect(props({ networkId: "" })).toThrow(`${error("networkId")}is empty`);
      const instance = build({ privateServiceConnection: undefined }).only("google_sql_database_instance");
      expect(instance.depends_on).toBeUndefined();
      expect(build().only("google_sql_database_instance").depends_on).toEqual([expect.stringMatching(/^google_service_networking_connection\./)]);
    });

    it("rejects disk sizes and limits out of range, including an unlimited autoresize", () => {
      expect(props({ diskSizeGb: 5 })).toThrow(`${error("diskSizeGb")}5 is not allowed (an integer from 10 to 65536)`);
      expect(props({ diskSizeGb: 20.5 })).toThrow(error("diskSizeGb"));
      expect(props({ diskSizeGb: 70000 })).toThrow(error("diskSizeGb"));
      expect(props({ diskAutoresizeLimitGb: 0 })).toThrow(
        `${error("diskAutoresizeLimitGb")}0 is not allowed with diskSizeGb 20 (an integer from 20 (the initial disk size) to 65536; 0 (unlimited) is not accepted)`,
      );
      expect(props({ diskSizeGb: 200 })).toThrow(`${error("diskAutoresizeLimitGb")}100 is not allowed with diskSizeGb 200`);
      expect(props({ diskAutoresizeLimitGb: 70000 })).toThrow(error("diskAutoresizeLimitGb"));
      expect(props({ diskSizeGb: 200, diskAutoresizeLimitGb: 200 })).not.toThrow();
    });

    it("rejects backup settings out of range", () => {
      expect(props({ backupRetentionDays: 6 })).toThrow(`${error("backupRetentionDays")}6 is not allowed (an integer from 7 to 365)`);
      expect(props({ backupRetentionDays: 366 })).toThrow(error("backupRetentionDays"));
      expect(props({ backupRetentionDays: 365 })).not.toThrow();
      expect(props({ backupStartTime: "24:00" })).toThrow(`${error("backupStartTime")}"24:00" is not a time of day ("HH:MM" in UTC, e.g. "02:00")`);
      expect(props({ backupStartTime: "2:00" })).toThrow(error("backupStartTime"));
    });

    it("rejects a maintenance window outside the week or the day", () => {
      expect(props({ maintenanceWindow: { day: 0, hour: 3 } })).toThrow(
        `${error("maintenanceWindow.day")}0 is not a day of the week (1 (Monday) to 7 (Sunday))`,
      );
      expect(props({ maintenanceWindow: { day: 7, hour: 24 } })).toThrow(`${error("maintenanceWindow.hour")}24 is not an hour (0 to 23 (UTC))`);
    });

    it("rejects invalid database names", () => {
      expect(props({ databaseName: "my-app" })).toThrow(
        `${error("databaseName")}"my-app" is not a valid database name (a lowercase letter, then lowercase letters, digits or underscores, at most 63 characters)`,
      );
      expect(props({ databaseName: "App" })).toThrow(error("databaseName"));
      expect(props({ databaseName: "a".repeat(64) })).toThrow(error("databaseName"));
    });

    it("rejects invalid or reserved user names", () => {
      expect(props({ engine: "mysql", engineVersion: "8.0", userName: "a".repeat(33) })).toThrow(
        `${error("userName")}"${"a".repeat(33)}" is not a valid mysql user name (a lowercase letter, then lowercase letters, digits or underscores, at most 32 characters)`,
      );
      expect(props({ userName: "a".repeat(33) })).not.toThrow();
      expect(props({ userName: "a".repeat(64) })).toThrow(error("userName"));
      expect(props({ userName: "app-user" })).toThrow(error("userName"));
      expect(props({ engine: "mysql", engineVersion: "8.0", userName: "root" })).toThrow(
        `${error("userName")}"root" is reserved (not root, nor starting with "cloudsql")`,
      );
      expect(props({ userName: "postgres" })).toThrow(
        `${error("userName")}"postgres" is reserved (not postgres, nor starting with "cloudsql" or "pg_")`,
      );
      expect(props({ userName: "pg_app" })).toThrow(`${error("userName")}"pg_app" is reserved`);
      expect(props({ engine: "mysql", engineVersion: "8.0", userName: "cloudsqladmin" })).toThrow(`${error("userName")}"cloudsqladmin" is reserved`);
    });
  });
});

describe("CloudSqlDatabase.grantPasswordRead", () => {
  test("grants secretAccessor on the password secret only, to the given member", () => {
    const synth = synthWith("gcp", (scope) => buildIn(scope).grantPasswordRead("api", "serviceAccount:api@my-project.iam.gserviceaccount.com"));
    expect(synth.only("google_secret_manager_secret_iam_member")).toEqual({
      project: "my-project",
      secret_id: ref("google_secret_manager_secret", idOf(synth, "google_secret_manager_secret"), "id"),
      role: "roles/secretmanager.secretAccessor",
      member: "serviceAccount:api@my-project.iam.gserviceaccount.com",
    });
  });
});
