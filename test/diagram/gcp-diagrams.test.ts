/**
 * The GCP example stacks' two diagrams, checked against their synthesized JSON: the request path
 * (Cloud DNS → address → forwarding rules → URL map host rules → backend services → MIGs →
 * Cloud SQL) and the network (VPC network, subnetwork, private service access, Cloud NAT).
 */
import { diagramOf, exampleJson, edge, groupTitle, has, mermaidId, nodesWhere, onlyNode, ParsedDiagram, startsWith, targets, wrapped } from "./parsed-diagram";

let stacks: Record<string, any>;
beforeAll(() => {
  stacks = exampleJson();
});

describe("gcp-prod request path", () => {
  let diagram: ParsedDiagram;
  let json: any;
  beforeAll(() => {
    json = stacks["gcp-prod"];
    diagram = diagramOf("gcp-prod", json, "request path");
  });

  test("goes internet → Cloud DNS → load balancer address → HTTPS rule → host rule → backend service → MIG → Cloud SQL", () => {
    const chain = [
      onlyNode(diagram, startsWith("Cloud DNS zone example.com")),
      onlyNode(diagram, startsWith("load balancer web-prod")),
      onlyNode(diagram, startsWith("HTTPS 443")),
      onlyNode(diagram, has("host api.example.com")),
      onlyNode(diagram, startsWith("backend service web-prod-api")),
      onlyNode(diagram, startsWith("managed instance group web-prod-api")),
      onlyNode(diagram, startsWith("Cloud SQL")),
    ].map((node) => node.id);
    ["internet", ...chain].slice(0, -1).forEach((from, index) => expect(edge(diagram, from, chain[index])).toBeDefined());
    expect(diagram.groups.size).toBe(0);
    expect(nodesWhere(diagram, has("Cloud NAT"))).toEqual([]);
  });

  test("api hosts → URL map host rule → backend service → the api MIG (e2-medium, 2–6, three zones, its subnetwork)", () => {
    const hostRule = onlyNode(diagram, (lines) => lines.includes("host api.example.com") && lines.includes("host www.example.com"));
    const [backendId] = targets(diagram, hostRule.id);
    const backend = diagram.nodes.get(backendId)!;
    expect(backend.lines).toEqual(wrapped(["backend service web-prod-api", "HTTP · port http", "health check /health"]));
    const groupKey = /^\$\{google_compute_region_instance_group_manager\.(.+)\.instance_group\}$/.exec(
      Object.values<any>(json.resource.google_compute_backend_service).find((body) => body.name === "web-prod-api").backend[0].group,
    )![1];
    expect(targets(diagram, backendId)).toEqual([mermaidId("google_compute_region_instance_group_manager", groupKey)]);
    const group = diagram.nodes.get(mermaidId("google_compute_region_instance_group_manager", groupKey))!;
    expect(group.lines).toEqual(wrapped([
      "managed instance group web-prod-api-358b5f",
      "e2-medium",
      "2–6 instances (autoscaled)",
      "CPU target 60%",
      "zones: europe-west1-b, europe-west1-c, europe-west1-d",
      "subnetwork web-prod-subnet",
    ]));
    expect(edge(diagram, backendId, group.id)!.lines).toEqual(wrapped(["UTILIZATION", "port http = 3000"]));
  });

  test("HTTP 80 redirects to HTTPS 443, which carries the Certificate Manager certificates and TLS policy", () => {
    const http = onlyNode(diagram, startsWith("HTTP 80"));
    const https = onlyNode(diagram, startsWith("HTTPS 443"));
    expect(http.lines).toEqual(wrapped(["HTTP 80", "redirect → HTTPS (301)"]));
    expect(edge(diagram, http.id, https.id)).toEqual({ from: http.id, to: https.id, lines: ["redirect 301"], dotted: true });
    expect(https.lines).toEqual(
      expect.arrayContaining(wrapped([
        "certificates (Certificate Manager): api.example.com, chat.example.com, config.example.com, www.example.com",
        "TLS policy MODERN, min TLS_1_2",
      ])),
    );
    const address = onlyNode(diagram, startsWith("load balancer web-prod"));
    expect(address.lines).toEqual(wrapped(["load balancer web-prod", "IPV4 address", "EXTERNAL_MANAGED"]));
    const zone = onlyNode(diagram, startsWith("Cloud DNS zone example.com"));
    expect(targets(diagram, address.id).sort()).toEqual([http.id, https.id].sort());
    expect(edge(diagram, zone.id, address.id)!.lines).toHaveLength(4);
    expect(edge(diagram, "internet", zone.id)).toBeDefined();
  });

  test("REGIONAL Cloud SQL, reached from every MIG over its private IP", () => {
    const sql = onlyNode(diagram, startsWith("Cloud SQL"));
    expect(sql.lines).toEqual(wrapped(["Cloud SQL web-prod", "MYSQL_8_4", "db-custom-2-7680", "REGIONAL (HA, standby in another zone)", "private IP only"]));
    const groups = nodesWhere(diagram, startsWith("managed instance group"));
    expect(groups).toHaveLength(3);
    for (const group of groups) expect(edge(diagram, group.id, sql.id)!.lines).toEqual(wrapped(["private IP"]));
  });
});

describe("gcp-prod network", () => {
  let diagram: ParsedDiagram;
  let json: any;
  const network = () => mermaidId("google_compute_network", Object.keys(json.resource.google_compute_network)[0]);
  beforeAll(() => {
    json = stacks["gcp-prod"];
    diagram = diagramOf("gcp-prod", json, "network");
  });

  test("the subnetwork, with its range and what it hosts, egresses through Cloud NAT to the internet", () => {
    const subnetwork = onlyNode(diagram, startsWith("subnetwork"));
    expect(subnetwork.lines).toEqual(wrapped(["subnetwork web-prod-subnet", "10.50.0.0/20", "europe-west1", "Private Google Access", "hosts 3 instance groups"]));
    expect(subnetwork.group).toBe(network());
    expect(groupTitle(diagram, subnetwork.id)).toBe("VPC network web-prod-vpc");
    const nat = onlyNode(diagram, startsWith("Cloud NAT"));
    expect(nat.lines).toEqual(wrapped(["Cloud NAT web-prod-nat", "router web-prod-router", "europe-west1 (regional)", "auto-allocated IPs"]));
    expect(edge(diagram, subnetwork.id, nat.id)!.lines).toEqual(["0.0.0.0/0"]);
    expect(edge(diagram, nat.id, "internet_egress")!.lines).toEqual(["egress"]);
  });

  test("Cloud SQL sits outside the VPC, behind the private service access peering", () => {
    const access = onlyNode(diagram, startsWith("private service access"));
    expect(access.lines).toEqual(wrapped(["private service access", "10.51.0.0/16", "peering: servicenetworking.googleapis.com"]));
    // The range is a node in the VPC network, not a subgraph drawn over the subnetwork (issue 13).
    expect(access.group).toBe(network());
    const sql = onlyNode(diagram, startsWith("Cloud SQL"));
    expect(sql.lines).toEqual(["Cloud SQL web-prod", "private IP only"]);
    expect(sql.group).toBeUndefined();
    expect(edge(diagram, access.id, sql.id)).toEqual({ from: access.id, to: sql.id, lines: ["VPC peering"], dotted: true });
  });
});

test("gcp-dev: ZONAL Cloud SQL and e2-small instance groups", () => {
  const diagram = diagramOf("gcp-dev", stacks["gcp-dev"], "request path");
  expect(onlyNode(diagram, startsWith("Cloud SQL")).lines).toContain("ZONAL");
  for (const group of nodesWhere(diagram, startsWith("managed instance group"))) expect(group.lines.join(" ")).toContain("e2-small");
});
