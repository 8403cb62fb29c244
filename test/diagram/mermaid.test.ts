/**
 * The topology diagrams are derived from the synthesized JSON: these tests read the Mermaid
 * text back into nodes, edges and subgraphs and check them against the example stacks, then
 * change a copy of the JSON and check that the picture follows.
 */
import { counted, escapeMermaidText, MAX_LINE, mermaidLabel, wrapLine } from "../../diagram/graph";
import { stackDiagram } from "../../diagram/mermaid";
import { synthExampleStacks } from "../support/example-stacks";

interface ParsedNode {
  id: string;
  lines: string[];
  shape: string;
  group?: string;
}
interface ParsedEdge {
  from: string;
  to: string;
  lines: string[];
  dotted: boolean;
}
interface ParsedDiagram {
  nodes: Map<string, ParsedNode>;
  groups: Map<string, { id: string; title: string; parent?: string }>;
  edges: ParsedEdge[];
}

const ID = "[A-Za-z0-9_]+";
const NODE_LINE = new RegExp(`^(${ID})(\\(\\(|\\[\\(|\\(\\[|\\{\\{|\\[|\\()"([^"]*)"(\\)\\)|\\)\\]|\\]\\)|\\}\\}|\\]|\\))$`);
const EDGE_LINE = new RegExp(`^(${ID}) (-->|-\\.->)(?:\\|"([^"]*)"\\|)? (${ID})$`);
const SUBGRAPH_LINE = new RegExp(`^subgraph (${ID})\\["([^"]*)"\\]$`);
const CLOSING = { "((": "))", "[(": ")]", "([": "])", "{{": "}}", "[": "]", "(": ")" } as Record<string, string>;

function unescape(text: string): string {
  return text.replace(/#quot;/g, '"').replace(/#lt;/g, "<").replace(/#gt;/g, ">").replace(/#(\d+);/g, (_, code) => String.fromCharCode(Number(code)));
}

/** A strict reader of the subset of Mermaid the generator writes: any other line fails the test. */
function parse(text: string): ParsedDiagram {
  const lines = text.split("\n");
  expect(lines[0]).toBe("flowchart TB");
  expect(lines[lines.length - 1]).toBe("");
  const diagram: ParsedDiagram = { nodes: new Map(), groups: new Map(), edges: [] };
  const open: string[] = [];
  const declared = new Set<string>();
  const declare = (id: string) => {
    if (declared.has(id)) throw new Error(`id ${id} declared twice`);
    declared.add(id);
  };
  for (const raw of lines.slice(1, -1)) {
    const line = raw.trim();
    let match: RegExpExecArray | null;
    if (line.startsWith("%%") || line.startsWith("classDef ") || line.startsWith("class ")) continue;
    if (line === "end") {
      if (open.length === 0) throw new Error("end without subgraph");
      open.pop();
    } else if ((match = SUBGRAPH_LINE.exec(line))) {
      declare(match[1]);
      diagram.groups.set(match[1], { id: match[1], title: unescape(match[2]), parent: open[open.length - 1] });
      open.push(match[1]);
    } else if ((match = NODE_LINE.exec(line))) {
      if (CLOSING[match[2]] !== match[4]) throw new Error(`mismatched shape brackets: ${line}`);
      declare(match[1]);
      diagram.nodes.set(match[1], { id: match[1], lines: match[3].split("<br/>").map(unescape), shape: match[2], group: open[open.length - 1] });
    } else if ((match = EDGE_LINE.exec(line))) {
      diagram.edges.push({ from: match[1], to: match[4], lines: match[3] === undefined ? [] : match[3].split("<br/>").map(unescape), dotted: match[2] === "-.->" });
    } else {
      throw new Error(`unexpected Mermaid line: ${raw}`);
    }
  }
  expect(open).toEqual([]);
  for (const edge of diagram.edges) {
    expect(declared).toContain(edge.from);
    expect(declared).toContain(edge.to);
  }
  return diagram;
}

const mermaidId = (type: string, logicalId: string) => `${type}.${logicalId}`.replace(/[^A-Za-z0-9_]/g, "_");

function nodesWhere(diagram: ParsedDiagram, predicate: (lines: string[]) => boolean): ParsedNode[] {
  return [...diagram.nodes.values()].filter((node) => predicate(node.lines));
}

function onlyNode(diagram: ParsedDiagram, predicate: (lines: string[]) => boolean): ParsedNode {
  const found = nodesWhere(diagram, predicate);
  if (found.length !== 1) throw new Error(`expected one matching node, found ${found.length}`);
  return found[0];
}

// Labels are wrapped at MAX_LINE characters: predicates read the label as one text.
const has = (text: string) => (lines: string[]) => lines.includes(text) || lines.join(" ").includes(text);
const startsWith = (text: string) => (lines: string[]) => lines.join(" ").startsWith(text);
/** The lines as the diagram shows them: each wrapped at MAX_LINE characters. */
const wrapped = (lines: string[]) => lines.flatMap((line) => wrapLine(line));

function targets(diagram: ParsedDiagram, from: string): string[] {
  return diagram.edges.filter((edge) => edge.from === from).map((edge) => edge.to);
}

function edge(diagram: ParsedDiagram, from: string, to: string): ParsedEdge | undefined {
  return diagram.edges.find((candidate) => candidate.from === from && candidate.to === to);
}

function groupTitle(diagram: ParsedDiagram, nodeId: string): string | undefined {
  const group = diagram.nodes.get(nodeId)?.group;
  return group === undefined ? undefined : diagram.groups.get(group)?.title;
}

const clone = (json: any) => JSON.parse(JSON.stringify(json));

let stacks: Record<string, any>;
beforeAll(() => {
  stacks = Object.fromEntries(Object.entries(synthExampleStacks()).map(([id, synth]) => [id, synth.json]));
});

describe("aws-prod", () => {
  let diagram: ParsedDiagram;
  let json: any;
  beforeAll(() => {
    json = stacks["aws-prod"];
    diagram = parse(stackDiagram("aws-prod", json));
  });

  test("api hostnames → listener rule → target group → the api Auto Scaling group (t3.medium, 2–6)", () => {
    const rule = onlyNode(diagram, (lines) => lines.includes("host api.example.com") && lines.includes("host www.example.com"));
    // The edge goes where the rule's action target_group_arn points.
    const [ruleId, ruleJson] = Object.entries<any>(json.resource.aws_lb_listener_rule).find(([, body]) =>
      body.condition[0].host_header.values.includes("api.example.com"),
    )!;
    expect(rule.id).toBe(mermaidId("aws_lb_listener_rule", ruleId));
    const targetGroupId = /^\$\{aws_lb_target_group\.(.+)\.arn\}$/.exec(ruleJson.action[0].target_group_arn)![1];
    expect(targets(diagram, rule.id)).toEqual([mermaidId("aws_lb_target_group", targetGroupId)]);

    const targetGroup = diagram.nodes.get(mermaidId("aws_lb_target_group", targetGroupId))!;
    expect(targetGroup.lines).toEqual(wrapped(["target group web-prod-api-3000", "HTTP 3000 (instance)", "health check /health"]));
    const [groupId] = targets(diagram, targetGroup.id);
    const group = diagram.nodes.get(groupId)!;
    expect(group.lines).toEqual(
      expect.arrayContaining(wrapped(["Auto Scaling group web-prod-api", "t3.medium", "2–6 instances", "CPU target 60%"])),
    );
    expect(group.lines.join(" ")).toContain("subnets: eu-west-1a, eu-west-1b, eu-west-1c (private)");
    expect(edge(diagram, targetGroup.id, groupId)!.lines).toEqual(wrapped(["port 3000"]));
  });

  test("every service has its own rule, target group and instance group", () => {
    for (const [host, type, size] of [
      ["chat.example.com", "t3.medium", "2–4 instances"],
      ["config.example.com", "t3.small", "2 instances"],
    ]) {
      const rule = onlyNode(diagram, has(`host ${host}`));
      const [targetGroup] = targets(diagram, rule.id);
      const [group] = targets(diagram, targetGroup);
      expect(diagram.nodes.get(group)!.lines).toEqual(expect.arrayContaining(wrapped([type, size])));
    }
  });

  test("internet → Route 53 zone → load balancer, labelled with the alias hostnames", () => {
    const zone = onlyNode(diagram, startsWith("Route 53 zone example.com"));
    const lb = onlyNode(diagram, startsWith("internet-facing application load balancer"));
    expect(edge(diagram, "internet", zone.id)).toBeDefined();
    expect(edge(diagram, zone.id, lb.id)!.lines).toEqual(wrapped([
      "api.example.com (A)",
      "chat.example.com (A)",
      "config.example.com (A)",
      "www.example.com (A)",
    ]));
    expect(lb.lines.join(" ")).toContain("subnets: eu-west-1a, eu-west-1b, eu-west-1c (public)");
  });

  test("HTTPS 443 carries the certificate; HTTP 80 redirects to it", () => {
    const https = onlyNode(diagram, startsWith("HTTPS 443"));
    const http = onlyNode(diagram, startsWith("HTTP 80"));
    expect(https.lines).toEqual(wrapped([
      "HTTPS 443",
      "certificate (ACM, DNS-validated): api.example.com, www.example.com, chat.example.com, config.example.com",
      "TLS policy ELBSecurityPolicy-TLS13-1-2-2021-06",
      "default: fixed response 404",
    ]));
    expect(http.lines).toEqual(wrapped(["HTTP 80", "default: redirect → HTTPS 443 (301)"]));
    expect(edge(diagram, http.id, https.id)).toEqual({ from: http.id, to: https.id, lines: ["redirect 301"], dotted: true });
    // Host rules hang off the HTTPS listener only.
    expect(targets(diagram, https.id)).toHaveLength(3);
    expect(targets(diagram, http.id)).toEqual([https.id]);
  });

  test("the database says mysql 8.4 multi-AZ and is reached by every instance group on 3306", () => {
    const db = onlyNode(diagram, startsWith("RDS "));
    expect(db.shape).toBe("[(");
    expect(db.lines).toEqual(expect.arrayContaining(wrapped(["mysql 8.4", "multi-AZ", "db.t4g.medium, 50–500 GB"])));
    expect(groupTitle(diagram, db.id)).toBe("database subnets · no route to the internet");
    const groups = nodesWhere(diagram, startsWith("Auto Scaling group"));
    expect(groups).toHaveLength(3);
    for (const group of groups) expect(edge(diagram, group.id, db.id)!.lines).toEqual(wrapped(["tcp 3306"]));
  });

  test("3 NAT gateways in 3 AZs: each private subnet → its zone's NAT → internet gateway → internet", () => {
    const nats = nodesWhere(diagram, startsWith("NAT gateway"));
    expect(nats.map((nat) => nat.lines[0]).sort()).toEqual(["NAT gateway eu-west-1a", "NAT gateway eu-west-1b", "NAT gateway eu-west-1c"]);
    const igw = onlyNode(diagram, startsWith("internet gateway"));
    expect(edge(diagram, igw.id, "internet_egress")).toBeDefined();
    for (const nat of nats) {
      expect(groupTitle(diagram, nat.id)).toMatch(/^public subnets/);
      expect(edge(diagram, nat.id, igw.id)!.lines).toEqual(wrapped(["egress"]));
      const zone = nat.lines[0].split(" ").pop()!;
      const sources = diagram.edges.filter((candidate) => candidate.to === nat.id).map((candidate) => diagram.nodes.get(candidate.from)!);
      expect(sources.map((source) => [source.lines[0], groupTitle(diagram, source.id)?.split(" · ")[0]])).toEqual([[zone, "private subnets"]]);
    }
  });

  test("subnets are grouped per Tier tag, with their CIDRs, inside the VPC", () => {
    const titles = [...diagram.groups.values()].map((group) => group.title);
    expect(titles).toEqual([
      "VPC web-prod-vpc · 10.20.0.0/16",
      "public subnets · default route: internet gateway",
      "private subnets · default route: NAT gateway",
      "database subnets · no route to the internet",
      "Application Load Balancer web-prod",
    ]);
    for (const [logicalId, subnet] of Object.entries<any>(json.resource.aws_subnet)) {
      const node = diagram.nodes.get(mermaidId("aws_subnet", logicalId))!;
      expect(node.lines).toEqual(wrapped([subnet.availability_zone, subnet.cidr_block]));
      expect(groupTitle(diagram, node.id)).toMatch(new RegExp(`^${subnet.tags.Tier} subnets`));
    }
    for (const group of nodesWhere(diagram, startsWith("Auto Scaling group"))) {
      expect(groupTitle(diagram, group.id)).toMatch(/^private subnets/);
    }
  });
});

describe("aws-dev", () => {
  test("one NAT gateway serves both private subnets; single-AZ database", () => {
    const diagram = parse(stackDiagram("aws-dev", stacks["aws-dev"]));
    const nat = onlyNode(diagram, startsWith("NAT gateway"));
    expect(nat.lines[0]).toBe("NAT gateway eu-west-1a");
    const privateCidrs = Object.values<any>(stacks["aws-dev"].resource.aws_subnet)
      .filter((subnet) => subnet.tags.Tier === "private")
      .map((subnet) => subnet.cidr_block)
      .sort();
    expect(privateCidrs).toHaveLength(2);
    const sources = diagram.edges.filter((candidate) => candidate.to === nat.id).map((candidate) => diagram.nodes.get(candidate.from)!);
    expect(sources.map((source) => source.lines[1]).sort()).toEqual(privateCidrs);
    expect(onlyNode(diagram, startsWith("RDS ")).lines).toContain("single-AZ");
    expect(onlyNode(diagram, startsWith("HTTPS 443")).lines.join(" ")).toContain("certificate (ACM, DNS-validated): api.dev.example.com, chat.dev.example.com, config.dev.example.com");
  });
});

describe("gcp-prod", () => {
  let diagram: ParsedDiagram;
  let json: any;
  beforeAll(() => {
    json = stacks["gcp-prod"];
    diagram = parse(stackDiagram("gcp-prod", json));
  });

  test("api hosts → URL map host rule → backend service → the api MIG (e2-medium, 2–6, three zones)", () => {
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
    ]));
    expect(edge(diagram, backendId, group.id)!.lines).toEqual(wrapped(["UTILIZATION", "port http = 3000"]));
    expect(groupTitle(diagram, group.id)).toBe("subnetwork web-prod-subnet · 10.50.0.0/20 · europe-west1 · Private Google Access");
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
    const address = onlyNode(diagram, startsWith("address web-prod"));
    const zone = onlyNode(diagram, startsWith("Cloud DNS zone example.com"));
    expect(targets(diagram, address.id).sort()).toEqual([http.id, https.id].sort());
    expect(edge(diagram, zone.id, address.id)!.lines).toHaveLength(4);
    expect(edge(diagram, "internet", zone.id)).toBeDefined();
  });

  test("REGIONAL Cloud SQL behind the private service access peering, outside the VPC, reached from every MIG", () => {
    const sql = onlyNode(diagram, startsWith("Cloud SQL"));
    expect(sql.lines).toEqual(wrapped(["Cloud SQL web-prod", "MYSQL_8_4", "db-custom-2-7680", "REGIONAL (HA, standby in another zone)", "private IP only"]));
    // The range is a node in the VPC network, not a subgraph drawn over the subnetwork (issue 13).
    const access = onlyNode(diagram, startsWith("private service access"));
    expect(access.lines).toEqual(wrapped(["private service access", "10.51.0.0/16", "peering: servicenetworking.googleapis.com"]));
    expect(access.group).toBe(mermaidId("google_compute_network", Object.keys(json.resource.google_compute_network)[0]));
    expect(edge(diagram, access.id, sql.id)).toEqual({ from: access.id, to: sql.id, lines: ["VPC peering"], dotted: true });
    expect(sql.group).toBeUndefined();
    expect([...diagram.groups.values()].map((group) => group.title)).not.toContainEqual(expect.stringContaining("private service access"));
    const groups = nodesWhere(diagram, startsWith("managed instance group"));
    expect(groups).toHaveLength(3);
    for (const group of groups) expect(edge(diagram, group.id, sql.id)!.lines).toEqual(wrapped(["private IP"]));
  });

  test("the subnetwork egresses through Cloud NAT to the internet", () => {
    const nat = onlyNode(diagram, startsWith("Cloud NAT"));
    expect(nat.lines).toEqual(wrapped(["Cloud NAT web-prod-nat", "router web-prod-router · europe-west1 (regional)", "auto-allocated IPs"]));
    const subnetwork = [...diagram.groups.values()].find((group) => group.title.startsWith("subnetwork"))!;
    expect(edge(diagram, subnetwork.id, nat.id)).toBeDefined();
    expect(edge(diagram, nat.id, "internet_egress")).toBeDefined();
    expect(diagram.groups.get(subnetwork.id)!.parent).toBe(mermaidId("google_compute_network", Object.keys(json.resource.google_compute_network)[0]));
  });
});

test("gcp-dev: ZONAL Cloud SQL and e2-small instance groups", () => {
  const diagram = parse(stackDiagram("gcp-dev", stacks["gcp-dev"]));
  expect(onlyNode(diagram, startsWith("Cloud SQL")).lines).toContain("ZONAL");
  for (const group of nodesWhere(diagram, startsWith("managed instance group"))) expect(group.lines.join(" ")).toContain("e2-small");
});

describe("derived from the JSON, not from names", () => {
  test("removing a listener rule removes its hosts and disconnects its target group", () => {
    const json = clone(stacks["aws-prod"]);
    const rules = json.resource.aws_lb_listener_rule;
    const chatRule = Object.keys(rules).find((id) => rules[id].condition[0].host_header.values.includes("chat.example.com"))!;
    delete rules[chatRule];
    const before = parse(stackDiagram("aws-prod", stacks["aws-prod"]));
    const after = parse(stackDiagram("aws-prod", json));
    expect(nodesWhere(before, has("host chat.example.com"))).toHaveLength(1);
    expect(nodesWhere(after, has("host chat.example.com"))).toHaveLength(0);
    const chatTargetGroup = onlyNode(after, startsWith("target group web-prod-chat"));
    expect(after.edges.filter((candidate) => candidate.to === chatTargetGroup.id)).toEqual([]);
    expect(nodesWhere(after, has("host api.example.com"))).toHaveLength(1);
  });

  test("instance type, capacity, Multi-AZ and target group wiring follow the resources they reference", () => {
    const json = clone(stacks["aws-prod"]);
    const templates = json.resource.aws_launch_template;
    const groups = json.resource.aws_autoscaling_group;
    const apiGroup = Object.values<any>(groups).find((group) => group.name === "web-prod-api");
    const apiTemplate = /^\$\{aws_launch_template\.(.+)\.id\}$/.exec(apiGroup.launch_template.id)![1];
    templates[apiTemplate].instance_type = "m7g.large";
    apiGroup.max_size = 9;
    // Point the api group at the chat target group instead of its own.
    const chatGroup = Object.values<any>(groups).find((group) => group.name === "web-prod-chat");
    apiGroup.target_group_arns = chatGroup.target_group_arns;
    Object.values<any>(json.resource.aws_db_instance)[0].multi_az = false;

    const diagram = parse(stackDiagram("aws-prod", json));
    const api = onlyNode(diagram, startsWith("Auto Scaling group web-prod-api"));
    expect(api.lines).toEqual(expect.arrayContaining(wrapped(["m7g.large", "2–9 instances"])));
    const apiTargetGroup = onlyNode(diagram, startsWith("target group web-prod-api"));
    const chatTargetGroup = onlyNode(diagram, startsWith("target group web-prod-chat"));
    expect(targets(diagram, apiTargetGroup.id)).toEqual([]);
    expect(targets(diagram, chatTargetGroup.id)).toContain(api.id);
    expect(onlyNode(diagram, startsWith("RDS ")).lines).toContain("single-AZ");
  });

  test("database edges come from the database's ingress rules", () => {
    const json = clone(stacks["aws-prod"]);
    const ingress = json.resource.aws_vpc_security_group_ingress_rule;
    const dbSecurityGroup = /^\$\{aws_security_group\.(.+)\.id\}$/.exec(Object.values<any>(json.resource.aws_db_instance)[0].vpc_security_group_ids[0])![1];
    const toDatabase = Object.keys(ingress).filter((id) => ingress[id].security_group_id.includes(dbSecurityGroup));
    expect(toDatabase).toHaveLength(3);
    delete ingress[toDatabase[0]];
    const diagram = parse(stackDiagram("aws-prod", json));
    const db = onlyNode(diagram, startsWith("RDS "));
    expect(diagram.edges.filter((candidate) => candidate.to === db.id)).toHaveLength(2);
  });

  test("NAT gateways: one removed, one fewer node and its subnet loses its egress", () => {
    const json = clone(stacks["aws-prod"]);
    const nats = json.resource.aws_nat_gateway;
    delete nats[Object.keys(nats).sort()[2]];
    const diagram = parse(stackDiagram("aws-prod", json));
    expect(nodesWhere(diagram, startsWith("NAT gateway")).map((nat) => nat.lines[0])).toEqual(["NAT gateway eu-west-1a", "NAT gateway eu-west-1b"]);
    expect(diagram.edges.filter((candidate) => candidate.lines[0] === "0.0.0.0/0")).toHaveLength(2);
  });

  test("GCP: URL map host rules, Cloud SQL availability and the MIG's template follow the JSON", () => {
    const json = clone(stacks["gcp-prod"]);
    const urlMap = Object.values<any>(json.resource.google_compute_url_map).find((map) => map.host_rule);
    urlMap.host_rule = urlMap.host_rule.filter((rule: any) => !rule.hosts.includes("config.example.com"));
    Object.values<any>(json.resource.google_sql_database_instance)[0].settings.availability_type = "ZONAL";
    for (const template of Object.values<any>(json.resource.google_compute_instance_template)) template.machine_type = "n2-standard-4";
    const diagram = parse(stackDiagram("gcp-prod", json));
    expect(nodesWhere(diagram, has("host config.example.com"))).toHaveLength(0);
    const configBackend = onlyNode(diagram, startsWith("backend service web-prod-config"));
    expect(diagram.edges.filter((candidate) => candidate.to === configBackend.id)).toEqual([]);
    expect(onlyNode(diagram, startsWith("Cloud SQL")).lines).toContain("ZONAL");
    expect(nodesWhere(diagram, has("n2-standard-4"))).toHaveLength(3);
  });

  test("renamed logical ids give the same picture under new ids", () => {
    const original = stackDiagram("aws-prod", stacks["aws-prod"]);
    const renamed = JSON.parse(JSON.stringify(stacks["aws-prod"]).replace(/service-api_/g, "backend-x_").replace(/load-balancer_/g, "front_"));
    const diagram = stackDiagram("aws-prod", renamed);
    expect(diagram).not.toBe(original);
    expect(diagram.replace(/backend_x_/g, "service_api_").replace(/front_/g, "load_balancer_")).toBe(original);
  });

  test("a hand-written minimal stack with unrelated names", () => {
    const json = {
      resource: {
        aws_vpc: { v: { cidr_block: "192.168.0.0/16", tags: { Name: "lab" } } },
        aws_subnet: {
          "app-a": { vpc_id: "${aws_vpc.v.id}", availability_zone: "us-east-1a", cidr_block: "192.168.1.0/24", tags: { Tier: "app" } },
          "edge-a": { vpc_id: "${aws_vpc.v.id}", availability_zone: "us-east-1a", cidr_block: "192.168.0.0/24", tags: { Tier: "edge" } },
        },
        aws_lb: { front: { name: "lab-lb", subnets: ["${aws_subnet.edge-a.id}"] } },
        aws_lb_listener: { plain: { load_balancer_arn: "${aws_lb.front.arn}", port: 8080, protocol: "HTTP", default_action: [{ type: "forward", target_group_arn: "${aws_lb_target_group.pool.arn}" }] } },
        aws_lb_target_group: { pool: { name: "pool", port: 9000, protocol: "HTTP" } },
        aws_launch_template: { tpl: { instance_type: "c7i.xlarge" } },
        aws_autoscaling_group: {
          workers: { name: "workers", min_size: 1, max_size: 3, launch_template: { id: "${aws_launch_template.tpl.id}" }, target_group_arns: ["${aws_lb_target_group.pool.arn}"], vpc_zone_identifier: ["${aws_subnet.app-a.id}"] },
        },
      },
    };
    const diagram = parse(stackDiagram("lab", json));
    const listener = onlyNode(diagram, startsWith("HTTP 8080"));
    const pool = onlyNode(diagram, startsWith("target group pool"));
    const workers = onlyNode(diagram, startsWith("Auto Scaling group workers"));
    expect(edge(diagram, listener.id, pool.id)!.lines).toEqual(wrapped(["default"]));
    expect(edge(diagram, pool.id, workers.id)!.lines).toEqual(wrapped(["port 9000"]));
    expect(workers.lines).toEqual(wrapped(["Auto Scaling group workers", "c7i.xlarge", "1–3 instances", "subnets: us-east-1a (app)"]));
    expect(groupTitle(diagram, workers.id)).toBe("app subnets · no route to the internet");
    // Tiers are ordered by address, not by name.
    expect([...diagram.groups.values()].map((group) => group.title.split(" · ")[0])).toEqual(["VPC lab", "edge subnets", "app subnets", "Application Load Balancer lab-lb"]);
  });
});

describe("deterministic output", () => {
  test("same input, same output; key order of the JSON does not matter", () => {
    for (const [id, json] of Object.entries(stacks)) {
      const first = stackDiagram(id, json);
      expect(stackDiagram(id, clone(json))).toBe(first);
      const reversed = { ...json, resource: Object.fromEntries(Object.entries<any>(json.resource).reverse().map(([type, all]) => [type, Object.fromEntries(Object.entries(all).reverse())])) };
      expect(stackDiagram(id, reversed)).toBe(first);
    }
  });

  test("an empty stack is a valid, nearly empty flowchart", () => {
    expect(stackDiagram("empty", {})).toBe("flowchart TB\n  %% empty: generated by npm run diagram from the synthesized Terraform JSON; do not edit\n");
  });
});

describe("label wording", () => {
  test("counts are singular for exactly one: 1 instance, 2 instances, 1–2 instances", () => {
    expect(counted(1, "instance")).toBe("1 instance");
    expect(counted("1", "instance")).toBe("1 instance");
    expect(counted(2, "instance")).toBe("2 instances");
    expect(counted("1–2", "instance")).toBe("1–2 instances");
    expect(counted(0, "reserved IP")).toBe("0 reserved IPs");
    expect(counted("(computed)", "instance")).toBe("(computed) instances");
  });

  test("no diagram says '1 instances' or '(s)'; aws-dev and gcp-dev say '1 instance'", () => {
    for (const [id, json] of Object.entries(stacks)) {
      const text = stackDiagram(id, json);
      expect(text).not.toMatch(/\b1 [a-z]+s\b|\(s\)/);
    }
    expect(nodesWhere(parse(stackDiagram("aws-dev", stacks["aws-dev"])), has("1 instance"))).toHaveLength(1);
    expect(nodesWhere(parse(stackDiagram("gcp-dev", stacks["gcp-dev"])), has("1 instance (autoscaled)"))).toHaveLength(1);
    const minimal = { resource: { google_compute_instance_group_manager: { m: { name: "m", target_size: 1, zone: "z" } } } };
    expect(parse(stackDiagram("fixed", minimal)).nodes.get("google_compute_instance_group_manager_m")!.lines).toContain("1 instance (fixed)");
  });

  test("label lines are wrapped at MAX_LINE characters after commas or spaces; no line of the examples is longer unless one word is", () => {
    expect(wrapLine("zones: europe-west1-b, europe-west1-c, europe-west1-d", 30)).toEqual(["zones: europe-west1-b,", "europe-west1-c, europe-west1-d"]);
    expect(wrapLine("zones: europe-west1-b, europe-west1-c")).toEqual(["zones: europe-west1-b,", "europe-west1-c"]);
    expect(wrapLine("short")).toEqual(["short"]);
    expect(wrapLine("ELBSecurityPolicy-TLS13-1-2-2021-06-and-more", 10)).toEqual(["ELBSecurityPolicy-TLS13-1-2-2021-06-and-more"]);
    for (const [id, json] of Object.entries(stacks)) {
      const diagram = parse(stackDiagram(id, json));
      for (const node of diagram.nodes.values()) for (const line of node.lines) if (line.includes(" ")) expect(line.length).toBeLessThanOrEqual(MAX_LINE);
    }
  });
});

describe("Mermaid escaping", () => {
  test("characters that break labels become entity codes", () => {
    expect(escapeMermaidText('say "hi" <b> #1 | `x` & 50%')).toBe("say #quot;hi#quot; #lt;b#gt; #35;1 #124; #96;x#96; #38; 50#37;");
    expect(mermaidLabel(["first", 'a "b"'])).toBe('"first<br/>a #quot;b#quot;"');
    expect(escapeMermaidText("line\nbreak")).toBe("line break");
  });

  test("hostile names stay inside their labels and ids stay unique and sanitized", () => {
    const json = {
      resource: {
        aws_vpc: { "my-vpc": { cidr_block: "10.0.0.0/16", tags: { Name: 'evil"]; end; x-->y %% <script>' } } },
        aws_subnet: {
          "a-b": { vpc_id: "${aws_vpc.my-vpc.id}", availability_zone: "z1", cidr_block: "10.0.0.0/24", tags: { Tier: "end" } },
          a_b: { vpc_id: "${aws_vpc.my-vpc.id}", availability_zone: "z2", cidr_block: "10.0.1.0/24", tags: { Tier: "end" } },
        },
      },
    };
    const text = stackDiagram("hostile", json);
    const diagram = parse(text);
    expect([...diagram.groups.values()][0].title).toBe('VPC evil"]; end; x-->y %% <script> · 10.0.0.0/16');
    const ids = [...diagram.nodes.keys()];
    expect(ids).toEqual(["aws_subnet_a_b", "aws_subnet_a_b_2"]);
    expect(text).not.toContain("<script>");
  });
});
