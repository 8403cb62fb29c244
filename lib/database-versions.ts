/**
 * Database engine versions this project supports on both clouds (RDS and Cloud SQL offer
 * them all). The major version decides parameter-group families and Cloud SQL version names.
 */
export type DatabaseEngineName = "mysql" | "postgres";

export const SUPPORTED_MAJOR_VERSIONS: Record<DatabaseEngineName, readonly string[]> = {
  mysql: ["8.0", "8.4"],
  postgres: ["13", "14", "15", "16", "17"],
};

/** "8.0.39" → "8.0" for MySQL, "16.4" → "16" for PostgreSQL; undefined when unsupported. */
export function supportedMajorVersion(engine: DatabaseEngineName, version: string): string | undefined {
  const parts = version.split(".");
  const major = engine === "mysql" ? parts.slice(0, 2).join(".") : parts[0];
  const wellFormed = /^\d+(\.\d+){0,2}$/.test(version) && (engine === "postgres" || parts.length >= 2);
  return wellFormed && SUPPORTED_MAJOR_VERSIONS[engine].includes(major) ? major : undefined;
}

export function describeSupportedVersions(engine: DatabaseEngineName): string {
  return `${engine} supports ${SUPPORTED_MAJOR_VERSIONS[engine].join(", ")}`;
}
