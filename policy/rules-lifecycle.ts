/**
 * Dated rules: facts that turn true on a day (support ends), with their dates and sources in
 * lib/database-versions.ts. A stack that was clean can get a finding without a code change: the
 * finding names the date, so it says why.
 */
import { DatabaseCloud, DatabaseEngineName, STANDARD_SUPPORT_ENDS, pastStandardSupport, supportedMajorVersion } from "../lib/database-versions";
import { PolicyRule } from "./types";

/** Cloud SQL names versions MYSQL_8_0 / POSTGRES_16; RDS gives engine and version apart. */
function engineAndVersion(type: string, config: any): { cloud: DatabaseCloud; engine: DatabaseEngineName; version: string } | undefined {
  if (type === "aws_db_instance") {
    const engine = config.engine;
    if ((engine !== "mysql" && engine !== "postgres") || typeof config.engine_version !== "string") return undefined;
    return { cloud: "aws", engine, version: config.engine_version };
  }
  const match = /^(MYSQL|POSTGRES)_(\d+)(?:_(\d+))?$/.exec(String(config.database_version ?? ""));
  if (!match) return undefined;
  const engine = match[1] === "MYSQL" ? "mysql" : "postgres";
  return { cloud: "gcp", engine, version: match[3] === undefined ? match[2] : `${match[2]}.${match[3]}` };
}

const extendedSupport: PolicyRule = {
  id: "ANY-DB-EXTENDED-SUPPORT",
  severity: "medium",
  title: "Database engine majors are within the provider's standard support (past it, every vCPU-hour pays extended support)",
  fix: "Upgrade database.version to a supported major (README, Day-2 changes: major upgrades apply at once, parameter group first)",
  resourceTypes: ["aws_db_instance", "google_sql_database_instance"],
  check: (config, { self }) => {
    const found = engineAndVersion(self.type, config);
    if (!found || !pastStandardSupport(found.cloud, found.engine, found.version, new Date())) return undefined;
    const major = supportedMajorVersion(found.engine, found.version)!;
    const date = STANDARD_SUPPORT_ENDS[found.cloud][found.engine]![major];
    return `${found.engine} ${major}: standard support ended ${date.lastDay} (${date.source}, checked ${date.checked})`;
  },
};

export const LIFECYCLE_RULES: PolicyRule[] = [extendedSupport];
