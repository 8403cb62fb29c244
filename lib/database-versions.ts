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

export type DatabaseCloud = "aws" | "gcp";

/** Where a support date comes from and when it was last read there. */
export interface SupportDate {
  /** Last day (UTC) of the provider's standard support; from the day after, the major costs extra. */
  readonly lastDay: string;
  readonly source: string;
  /** When the source was read. */
  readonly checked: string;
}

/**
 * End of the providers' standard support per engine major, only where a source could be checked.
 * Past it RDS enrolls the instance in paid RDS Extended Support (new instances too) and Cloud SQL
 * charges extended support. A major missing here has no date we could verify, not an endless one:
 * RDS PostgreSQL 13 (reportedly 2026-02-28) and the Cloud SQL PostgreSQL dates could not be
 * verified on 2026-12-01 and are left out rather than guessed.
 */
export const STANDARD_SUPPORT_ENDS: Record<DatabaseCloud, Partial<Record<DatabaseEngineName, Readonly<Record<string, SupportDate>>>>> = {
  aws: {
    mysql: {
      "8.0": {
        lastDay: "2026-07-31",
        source: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/MySQL.Concepts.VersionMgmt.html (Supported MySQL major versions on Amazon RDS)",
        checked: "2026-12-01",
      },
    },
  },
  gcp: {
    mysql: {
      // Google gives the first day of extended support, 2026-07-01; standard support ends the day before.
      "8.0": {
        lastDay: "2026-06-30",
        source: "https://cloud.google.com/sql/docs/mysql/db-versions (extended support start date 2026-07-01)",
        checked: "2026-12-01",
      },
    },
  },
};

/**
 * Whether `version` (a major such as "8.0" or a full version such as "8.0.39") is past its
 * provider's standard support on `today`. False when no date is known (see STANDARD_SUPPORT_ENDS)
 * or the version is not one this project supports.
 * @param today a Date (its UTC day counts) or "YYYY-MM-DD"
 */
export function pastStandardSupport(cloud: DatabaseCloud, engine: DatabaseEngineName, version: string, today: Date | string): boolean {
  const major = supportedMajorVersion(engine, version);
  const lastDay = major === undefined ? undefined : STANDARD_SUPPORT_ENDS[cloud]?.[engine]?.[major]?.lastDay;
  if (lastDay === undefined) return false;
  const day = typeof today === "string" ? today : today.toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`pastStandardSupport: today "${day}" is not YYYY-MM-DD`);
  // ISO dates compare correctly as strings.
  return day > lastDay;
}
