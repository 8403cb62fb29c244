/**
 * The deployment shapes of issue 9 in the environment file: optional database and domain, routing
 * by host and path, DNS modes, existing and NAT-less networks. Each bad combination is refused
 * with one line naming the field; each good one loads.
 */
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { parseEnvironment } from "../../environment/load";
import { effectiveDnsMode } from "../../environment/validate-routing";

const ROOT = path.join(__dirname, "..", "..");
const read = (file: string) => parse(fs.readFileSync(path.join(ROOT, file), "utf8"));

/** Problems of `file` after `mutate`, one line each as users see them. */
function problems(file: string, mutate: (spec: any) => void = () => undefined): string[] {
  const spec = read(file);
  mutate(spec);
  const result = parseEnvironment(path.basename(file, ".yaml"), file, stringify(spec));
  return "problems" in result ? result.problems.map((problem) => `${problem.path}: ${problem.message}`) : [];
}

describe("every example environment loads", () => {
  const examples = fs.readdirSync(path.join(ROOT, "examples"), { withFileTypes: true }).filter((entry) => entry.isDirectory());
  test.each(examples.flatMap((dir) => fs.readdirSync(path.join(ROOT, "examples", dir.name)).map((file) => `examples/${dir.name}/${file}`)))("%s", (file) => {
    expect(problems(file)).toEqual([]);
  });
});

describe("routing", () => {
  test("hostnames need a domain", () => {
    expect(problems("examples/http-only/dev.yaml", (spec) => (spec.services[0].hostnames = ["api.example.com"]))).toEqual([
      "services[0].hostnames[0]: api.example.com needs a domain (set domain, or route this service by paths: without a domain the load balancer serves HTTP on its own address)",
    ]);
  });

  test("only one service may take all unmatched requests", () => {
    expect(problems("examples/http-only/dev.yaml", (spec) => delete spec.services[0].paths)).toEqual([
      "services[1]: has neither hostnames nor paths, like services[0] (only one service may take every request the others do not match)",
    ]);
  });

  test("a host and path pair goes to one service", () => {
    expect(problems("examples/http-only/dev.yaml", (spec) => (spec.services[1].paths = ["/api/*"]))).toEqual([
      'services[1].paths[0]: (any host)/api/* is already routed to service "api" (each host and path goes to exactly one service)',
      "services: no service takes the requests the others do not match (give one service neither hostnames nor paths; GCP URL maps need a backend or a host to redirect to for them)",
    ]);
  });

  test("nested prefixes on the same hosts are refused: the clouds order them differently", () => {
    expect(problems("examples/http-only/dev.yaml", (spec) => (spec.services[1].paths = ["/api/v2/*"]))).toEqual([
      'services[1].paths[0]: /api/v2/* is inside /api/* of service "api" on the same hosts (AWS orders overlapping paths by service, GCP by length; use prefixes that do not nest)',
      "services: no service takes the requests the others do not match (give one service neither hostnames nor paths; GCP URL maps need a backend or a host to redirect to for them)",
    ]);
  });

  test("paths are exact or a prefix ending in /*", () => {
    expect(problems("examples/http-only/dev.yaml", (spec) => (spec.services[0].paths = ["/api*", "api/"]))).toEqual([
      `services[0].paths[0]: must start with "/" and be exact (/health) or a prefix ending in /* (/api/*), with A-Z, a-z, 0-9 and _ - . $ / ~ " ' @ : + &`,
      `services[0].paths[1]: must start with "/" and be exact (/health) or a prefix ending in /* (/api/*), with A-Z, a-z, 0-9 and _ - . $ / ~ " ' @ : + &`,
    ]);
  });

  test("a domain with no hostname routed is refused", () => {
    expect(problems("examples/http-only/dev.yaml", (spec) => (spec.domain = "seed.example.com"))).toEqual([
      "domain: no service lists a hostname of seed.example.com (route at least one hostname, or leave domain out to serve HTTP on the load balancer's address)",
    ]);
  });
});

describe("dns modes", () => {
  test("the mode defaults to existing when a zone is named, else create", () => {
    expect(effectiveDnsMode({ dns: { apexAlias: false }, aws: { hostedZoneId: "Z1" } as any })).toBe("existing");
    expect(effectiveDnsMode({ dns: { apexAlias: false } })).toBe("create");
    expect(effectiveDnsMode({ dns: { mode: "external", apexAlias: false } })).toBe("external");
  });

  test("existing needs the zone of each cloud section", () => {
    expect(problems("examples/existing-network/prod.yaml", (spec) => {
      delete spec.aws.hostedZoneId;
      delete spec.gcp.dnsZoneName;
    })).toEqual([
      "aws.hostedZoneId: is required with dns.mode existing (the Route 53 zone of erp.example.com)",
      "gcp.dnsZoneName: is required with dns.mode existing (the managed zone of erp.example.com)",
    ]);
  });

  test("delegate needs the parent zones and a subdomain", () => {
    expect(problems("examples/no-database/dev.yaml", (spec) => (spec.dns = { mode: "delegate" }))).toEqual([
      "aws.parentHostedZoneId: is required with dns.mode delegate (the Route 53 zone of the parent domain)",
      "gcp.parentDnsZone: is required with dns.mode delegate (the managed zone of the parent domain: {name, project})",
    ]);
    expect(problems("examples/external-dns/prod.yaml", (spec) => {
      spec.dns = { mode: "delegate" };
      spec.aws.parentHostedZoneId = "Z0123456789ABC";
      spec.gcp.parentDnsZone = { name: "example-net" };
      spec.domain = "example.net";
      spec.services[0].hostnames = ["www.example.net"];
    })).toEqual(["dns.mode: delegate needs a subdomain such as dev.example.net (example.net itself is delegated at its registrar)"]);
  });

  test("a zone id that the mode does not use is refused", () => {
    expect(problems("examples/no-database/dev.yaml", (spec) => (spec.aws.parentHostedZoneId = "Z0123456789ABC"))).toEqual([
      "aws.parentHostedZoneId: is only used with dns.mode delegate (dns.mode is create; remove it)",
    ]);
  });

  test("external DNS refuses the apex unless the provider has ALIAS/ANAME records", () => {
    expect(problems("examples/external-dns/prod.yaml", (spec) => (spec.dns.apexAlias = false))).toEqual([
      "services[0].hostnames[0]: shop.example.net is the zone apex, which cannot be a CNAME at a DNS provider (set dns.apexAlias: true if yours supports ALIAS/ANAME records, or route www.shop.example.net)",
    ]);
    expect(problems("examples/no-database/dev.yaml", (spec) => (spec.dns = { apexAlias: true }))).toEqual([
      "dns.apexAlias: only applies to dns.mode external (dns.mode is create)",
    ]);
  });

  test("dns settings need a domain", () => {
    expect(problems("examples/http-only/dev.yaml", (spec) => (spec.dns = { mode: "create" }))).toEqual(["dns.mode: create needs a domain (set domain, or remove the dns section)"]);
  });
});

describe("networks", () => {
  test("an existing AWS network takes one subnet id per zone and tier, and creates no NAT", () => {
    expect(problems("examples/existing-network/prod.yaml", (spec) => {
      spec.aws.network.existing.subnetIds.private.pop();
      delete spec.aws.network.existing.subnetIds.database;
      spec.aws.network.nat = "single";
      spec.aws.network.cidr = "10.0.0.0/16";
    })).toEqual([
      "aws.network.cidr: is not used with aws.network.existing (the VPC is not created here; remove it)",
      "aws.network.nat: single would create NAT gateways in a VPC this stack does not own (leave nat out: egress is the private subnets' routes; or none)",
      "aws.network.existing.subnetIds.private: lists 1 subnets for 2 availability zones (give exactly one per zone, in their order)",
      "aws.network.existing.subnetIds.database: is required: one database subnet id per availability zone",
    ]);
  });

  test("NAT-less and database-less layouts refuse subnets they do not create", () => {
    expect(problems("examples/nat-less/dev.yaml", (spec) => {
      spec.aws.network.subnets = { private: ["10.67.16.0/20", "10.67.32.0/20"] };
    })).toEqual(["aws.network.subnets.private: no private subnets are created with nat: none (the instances live in the public subnets) (remove it)"]);
    expect(problems("examples/no-database/dev.yaml", (spec) => (spec.gcp.network.privateServiceAccessCidr = "10.99.0.0/16"))).toEqual([
      "gcp.network.privateServiceAccessCidr: is not used: there is no database (remove it)",
    ]);
  });

  test("a GCP database needs a private service access range unless the existing network has one", () => {
    expect(problems("examples/nat-less/dev.yaml", (spec) => delete spec.gcp.network.privateServiceAccessCidr)).toEqual([
      "gcp.network.privateServiceAccessCidr: is required with a database (a /16–/24 range for Cloud SQL's private IPs)",
    ]);
    expect(problems("examples/existing-network/prod.yaml", (spec) => (spec.gcp.network.privateServiceAccessCidr = "10.99.0.0/16"))).toEqual([
      "gcp.network.privateServiceAccessCidr: is not used: gcp.network.existing.privateServiceAccess reuses the network's connection (remove it)",
    ]);
  });

  test("a network created here needs its CIDR", () => {
    expect(problems("examples/nat-less/dev.yaml", (spec) => {
      delete spec.aws.network.cidr;
      delete spec.gcp.network.subnetCidr;
    })).toEqual([
      "aws.network.cidr: is required (the VPC's CIDR, e.g. 10.20.0.0/16; or give aws.network.existing)",
      "gcp.network.subnetCidr: is required (the subnetwork's CIDR, e.g. 10.40.0.0/20; or give gcp.network.existing)",
    ]);
  });
});
