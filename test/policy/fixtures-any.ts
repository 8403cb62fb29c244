/** Literal secrets in resources and provider blocks, for ANY-SECRET-LITERAL. */
import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { SecretManagerSecretVersion } from "@cdktf/provider-google/lib/secret-manager-secret-version";
import { SqlDatabaseInstance } from "@cdktf/provider-google/lib/sql-database-instance";
import { Password } from "@cdktf/provider-random/lib/password";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import { compliantTemplate } from "./fixtures-gcp";
import { FiringCase } from "./firing-case";

/** Literal values the tests also look for in details and reports, which must never show them. */
export const LITERAL_SECRETS = ["correct-horse-battery-staple", "AKIAEXAMPLEKEY123456", "wJalrXUtnFEMIexampleSecret", "{\"type\":\"service_account\"}"];

export const ANY_FIRING_CASES: FiringCase[] = [
  {
    rule: "ANY-DB-EXTENDED-SUPPORT",
    name: "RDS MySQL 8.0, past standard support",
    cloud: "aws",
    build: (scope) => new DbInstance(scope, "db", { instanceClass: "db.t4g.small", engine: "mysql", engineVersion: "8.0", manageMasterUserPassword: true }),
    type: "aws_db_instance",
    resource: "db",
    detail: expect.stringMatching(/^mysql 8\.0: standard support ended 2026-07-31 \(https:\/\/docs\.aws\.amazon\.com\/.*checked 2026-12-01\)$/),
  },
  {
    rule: "ANY-DB-EXTENDED-SUPPORT",
    name: "Cloud SQL MYSQL_8_0, past standard support",
    cloud: "gcp",
    build: (scope) => new SqlDatabaseInstance(scope, "sql", { databaseVersion: "MYSQL_8_0", region: "europe-west1", settings: { tier: "db-custom-1-3840" } }),
    type: "google_sql_database_instance",
    resource: "sql",
    detail: expect.stringMatching(/^mysql 8\.0: standard support ended 2026-06-30 /),
  },
  {
    rule: "ANY-SECRET-LITERAL",
    name: "RDS master password as a literal",
    cloud: "aws",
    build: (scope) => new DbInstance(scope, "db", { instanceClass: "db.t4g.small", username: "admin_user", password: LITERAL_SECRETS[0] }),
    type: "aws_db_instance",
    resource: "db",
    detail: "literal value at password (value not shown)",
  },
  {
    rule: "ANY-SECRET-LITERAL",
    name: "a literal glued to a reference is still a literal",
    cloud: "aws",
    build: (scope) => {
      new RandomProvider(scope, "random");
      const generated = new Password(scope, "generated", { length: 32 });
      new SecretsmanagerSecretVersion(scope, "version", { secretId: "arn:secret", secretString: `prefix-${generated.result}` });
    },
    type: "aws_secretsmanager_secret_version",
    resource: "version",
    detail: "literal value at secret_string (value not shown)",
  },
  {
    rule: "ANY-SECRET-LITERAL",
    name: "Secret Manager version with literal data",
    cloud: "gcp",
    build: (scope) => new SecretManagerSecretVersion(scope, "version", { secret: "projects/p/secrets/s", secretData: LITERAL_SECRETS[0] }),
    type: "google_secret_manager_secret_version",
    resource: "version",
    detail: "literal value at secret_data (value not shown)",
  },
  {
    rule: "ANY-SECRET-LITERAL",
    name: "a password nested in instance metadata",
    cloud: "gcp",
    build: (scope) => compliantTemplate(scope, "template", { metadata: { "block-project-ssh-keys": "true", db_password: LITERAL_SECRETS[0] } }),
    type: "google_compute_instance_template",
    resource: "template",
    detail: "literal value at metadata.db_password (value not shown)",
  },
  {
    rule: "ANY-SECRET-LITERAL",
    name: "AWS provider with static keys",
    cloud: "none",
    build: (scope) => new AwsProvider(scope, "aws", { region: "eu-west-1", accessKey: LITERAL_SECRETS[1], secretKey: LITERAL_SECRETS[2] }),
    type: "provider",
    resource: "aws",
    detail: "literal value at access_key, secret_key (value not shown)",
  },
  {
    rule: "ANY-SECRET-LITERAL",
    name: "Google provider with inline credentials",
    cloud: "none",
    build: (scope) => new GoogleProvider(scope, "google", { project: "p", credentials: LITERAL_SECRETS[3] }),
    type: "provider",
    resource: "google",
    detail: "literal value at credentials (value not shown)",
  },
];
