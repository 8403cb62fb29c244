/**
 * The environment every service container gets from the stack, on both clouds, so one application
 * build runs on either. Nothing here is secret: the database password stays in the cloud's secret
 * store, and the app reads it with the instance's identity (DATABASE_SECRET_ID names the secret).
 */
export const APP_ENV = {
  /** The port the container listens on (the service's `port`). */
  port: "PORT",
  /** "aws" or "gcp": which secret store DATABASE_SECRET_ID lives in. */
  cloud: "CLOUD_PROVIDER",
  /** Region of the stack, for the SDK clients that read the secret. */
  region: "CLOUD_REGION",
  databaseEngine: "DATABASE_ENGINE",
  databaseHost: "DATABASE_HOST",
  databasePort: "DATABASE_PORT",
  databaseName: "DATABASE_NAME",
  databaseUser: "DATABASE_USER",
  /** AWS: Secrets Manager ARN of the RDS-managed secret (JSON with username and password). GCP: Secret Manager secret id (the password). */
  databaseSecretId: "DATABASE_SECRET_ID",
} as const;

/** Names a service's `env` may not set: the stack sets them. */
export const RESERVED_ENV_NAMES: readonly string[] = Object.values(APP_ENV);
