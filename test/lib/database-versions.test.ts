import {
  pastStandardSupport,
  STANDARD_SUPPORT_ENDS,
  SUPPORTED_MAJOR_VERSIONS,
  supportedMajorVersion,
} from "../../lib/database-versions";

describe("pastStandardSupport", () => {
  it("puts MySQL 8.0 past RDS standard support from 2026-08-01 on", () => {
    expect(pastStandardSupport("aws", "mysql", "8.0", "2026-07-31")).toBe(false);
    expect(pastStandardSupport("aws", "mysql", "8.0", "2026-08-01")).toBe(true);
    expect(pastStandardSupport("aws", "mysql", "8.0.39", "2026-12-01")).toBe(true);
  });

  it("puts MySQL 8.0 into Cloud SQL extended support from 2026-07-01 on", () => {
    expect(pastStandardSupport("gcp", "mysql", "8.0", "2026-06-30")).toBe(false);
    expect(pastStandardSupport("gcp", "mysql", "8.0", "2026-07-01")).toBe(true);
  });

  it("takes a Date by its UTC day", () => {
    expect(pastStandardSupport("aws", "mysql", "8.0", new Date("2026-07-31T23:59:59Z"))).toBe(false);
    expect(pastStandardSupport("aws", "mysql", "8.0", new Date("2026-08-01T00:00:00Z"))).toBe(true);
  });

  it("is false for the current LTS, for majors without a verified date and for unsupported versions", () => {
    expect(pastStandardSupport("aws", "mysql", "8.4", "2030-01-01")).toBe(false);
    expect(pastStandardSupport("aws", "postgres", "13", "2030-01-01")).toBe(false);
    expect(pastStandardSupport("aws", "mysql", "5.7", "2030-01-01")).toBe(false);
  });

  it("refuses a malformed day", () => {
    expect(() => pastStandardSupport("aws", "mysql", "8.0", "31.07.2026")).toThrow(/YYYY-MM-DD/);
  });
});

describe("STANDARD_SUPPORT_ENDS", () => {
  const entries = Object.entries(STANDARD_SUPPORT_ENDS).flatMap(([cloud, engines]) =>
    Object.entries(engines).flatMap(([engine, majors]) =>
      Object.entries(majors ?? {}).map(([major, date]) => ({ cloud, engine, major, ...date })),
    ),
  );

  it("dates only supported majors, each with an ISO day, a source and when it was checked", () => {
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) {
      expect(SUPPORTED_MAJOR_VERSIONS[entry.engine as "mysql" | "postgres"]).toContain(entry.major);
      expect(supportedMajorVersion(entry.engine as "mysql" | "postgres", entry.major)).toBe(entry.major);
      expect(entry.lastDay).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(entry.source).toMatch(/^https:\/\//);
      expect(entry.checked).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });
});
