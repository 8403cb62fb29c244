/**
 * The AWS example stacks' two diagrams, checked against their synthesized JSON: the request path
 * (DNS → load balancer → listeners → rules → target groups → Auto Scaling groups → RDS) and the
 * network (VPC, one node per subnet tier with every CIDR, NAT and internet gateways).
 */
import { diagramOf, exampleJson, edge, groupTitle, has, mermaidId, nodesWhere, onlyNode, ParsedDiagram, sources, startsWith, targets, wrapped } from "./parsed-diagram";

let stacks: Record<string, any>;
beforeAll(() => {
  stacks = exampleJson();
});

describe("aws-prod request path", () => {
  let diagram: ParsedDiagram;
  let json: any;
  beforeAll(() => {
    json = stacks["aws-prod"];
    diagram = diagramOf("aws-prod", json, "request path");
  });

  test("goes internet → Route 53 → load balancer → HTTPS listener → rule → target group → Auto Scaling group → RDS", () => {
    const chain = [
      onlyNode(diagram, startsWith("Route 53 zone example.com")),
      onlyNode(diagram, startsWith("Application Load Balancer web-prod")),
      onlyNode(diagram, startsWith("HTTPS 443")),
      onlyNode(diagram, has("host api.example.com")),
      onlyNode(diagram, startsWith("target group web-prod-api")),
      onlyNode(diagram, startsWith("Auto Scaling group web-prod-api")),
      onlyNode(diagram, startsWith("RDS web-prod")),
    ].map((node) => node.id);
    ["internet", ...chain].slice(0, -1).forEach((from, index) => expect(edge(diagram, from, chain[index])).toBeDefined());
    // Only the request path: the network is the other diagram.
    expect(diagram.groups.size).toBe(0);
    expect(nodesWhere(diagram, has("NAT gateway"))).toEqual([]);
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
      wrapped(["Auto Scaling group web-prod-api", "t3.medium", "2–6 instances", "CPU target 60%", "private subnets: eu-west-1a, eu-west-1b, eu-west-1c"]),
    );
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
    const lb = onlyNode(diagram, startsWith("Application Load Balancer web-prod"));
    expect(edge(diagram, "internet", zone.id)).toBeDefined();
    expect(edge(diagram, zone.id, lb.id)!.lines).toEqual(wrapped(["api.example.com (A)", "chat.example.com (A)", "config.example.com (A)", "www.example.com (A)"]));
    expect(lb.lines).toEqual(wrapped(["Application Load Balancer web-prod", "internet-facing", "public subnets: eu-west-1a, eu-west-1b, eu-west-1c"]));
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

  test("the database says mysql 8.4 multi-AZ in the database subnets and is reached by every instance group on 3306", () => {
    const db = onlyNode(diagram, startsWith("RDS "));
    expect(db.shape).toBe("[(");
    expect(db.lines).toEqual(wrapped(["RDS web-prod", "mysql 8.4", "db.t4g.medium, 50–500 GB", "multi-AZ", "database subnets: eu-west-1a, eu-west-1b, eu-west-1c"]));
    const groups = nodesWhere(diagram, startsWith("Auto Scaling group"));
    expect(groups).toHaveLength(3);
    for (const group of groups) expect(edge(diagram, group.id, db.id)!.lines).toEqual(wrapped(["tcp 3306"]));
  });
});

describe("aws-prod network", () => {
  let diagram: ParsedDiagram;
  let json: any;
  beforeAll(() => {
    json = stacks["aws-prod"];
    diagram = diagramOf("aws-prod", json, "network");
  });

  test("one node per subnet tier, in address order inside the VPC, listing every subnet's zone and CIDR and what it hosts", () => {
    expect([...diagram.groups.values()].map((group) => group.title)).toEqual(["VPC web-prod-vpc · 10.20.0.0/16"]);
    const tiers = nodesWhere(diagram, (lines) => /^\d+ \w+ subnets?$/.test(lines[0]));
    expect(tiers.map((tier) => tier.lines[0])).toEqual(["3 public subnets", "3 private subnets", "3 database subnets"]);
    for (const tier of tiers) expect(groupTitle(diagram, tier.id)).toBe("VPC web-prod-vpc · 10.20.0.0/16");
    for (const subnet of Object.values<any>(json.resource.aws_subnet)) {
      const tier = onlyNode(diagram, startsWith(`3 ${subnet.tags.Tier} subnets`));
      expect(tier.lines).toContain(`${subnet.availability_zone} ${subnet.cidr_block}`);
    }
    expect(onlyNode(diagram, startsWith("3 public subnets")).lines).toContain("hosts 1 load balancer");
    expect(onlyNode(diagram, startsWith("3 private subnets")).lines.join(" ")).toContain("hosts 3 Auto Scaling groups");
    expect(onlyNode(diagram, startsWith("3 database subnets")).lines).toEqual(expect.arrayContaining(["hosts 1 RDS database", "no route to the internet"]));
  });

  test("3 NAT gateways, one per zone, as one node: private tier → NATs (same zone) → internet gateway → internet; public tier → internet gateway", () => {
    const nat = onlyNode(diagram, has("NAT gateway"));
    expect(nat.lines).toEqual(wrapped(["3 NAT gateways", "one per zone: eu-west-1a, eu-west-1b, eu-west-1c", "in public subnets", "public, Elastic IP each"]));
    expect(Object.keys(json.resource.aws_nat_gateway)).toHaveLength(3);
    const privateTier = onlyNode(diagram, startsWith("3 private subnets"));
    const publicTier = onlyNode(diagram, startsWith("3 public subnets"));
    const igw = onlyNode(diagram, startsWith("internet gateway"));
    expect(edge(diagram, privateTier.id, nat.id)!.lines).toEqual(["0.0.0.0/0, same zone"]);
    expect(edge(diagram, nat.id, igw.id)!.lines).toEqual(["egress"]);
    expect(edge(diagram, publicTier.id, igw.id)!.lines).toEqual(["0.0.0.0/0"]);
    expect(edge(diagram, igw.id, "internet_egress")).toBeDefined();
    expect(sources(diagram, nat.id)).toEqual([privateTier.id]);
  });
});

describe("aws-dev", () => {
  test("network: one NAT gateway serves both private subnets", () => {
    const diagram = diagramOf("aws-dev", stacks["aws-dev"], "network");
    const nat = onlyNode(diagram, startsWith("NAT gateway"));
    expect(nat.lines).toEqual(wrapped(["NAT gateway eu-west-1a", "in public subnet", "public, Elastic IP"]));
    const privateSubnets = Object.values<any>(stacks["aws-dev"].resource.aws_subnet).filter((subnet) => subnet.tags.Tier === "private");
    expect(privateSubnets).toHaveLength(2);
    const tier = onlyNode(diagram, startsWith("2 private subnets"));
    for (const subnet of privateSubnets) expect(tier.lines).toContain(`${subnet.availability_zone} ${subnet.cidr_block}`);
    expect(edge(diagram, tier.id, nat.id)!.lines).toEqual(["0.0.0.0/0"]);
  });

  test("request path: single-AZ database, dev certificate", () => {
    const diagram = diagramOf("aws-dev", stacks["aws-dev"], "request path");
    expect(onlyNode(diagram, startsWith("RDS ")).lines).toContain("single-AZ");
    expect(onlyNode(diagram, startsWith("HTTPS 443")).lines.join(" ")).toContain("certificate (ACM, DNS-validated): api.dev.example.com, chat.dev.example.com, config.dev.example.com");
  });
});
